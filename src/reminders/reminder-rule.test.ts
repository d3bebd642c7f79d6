import { findDueAt, isFollowUpFor, reminderRuleSchema } from './reminder-rule';

const booking = { startsAt: new Date('2026-03-29T10:00:00.000Z'), endsAt: new Date('2026-03-29T10:30:00.000Z') };

describe('findDueAt', () => {
  it.each([
    ['reminder', 1, 0, 0, '2026-03-28T10:00:00.000Z'], // 24 h before, across the 29 March DST change: still 24 real hours
    ['reminder', 0, 2, 0, '2026-03-29T08:00:00.000Z'],
    ['reminder', 0, 0, 15, '2026-03-29T09:45:00.000Z'],
    ['followup', 0, 2, 0, '2026-03-29T12:30:00.000Z'], // from the end, not the start
    ['followup', 3, 0, 0, '2026-04-01T10:30:00.000Z'],
  ] as const)('%s %i d %i h %i min → %s', (kind, offsetDays, offsetHours, offsetMinutes, expected) => {
    expect(findDueAt({ kind, offsetDays, offsetHours, offsetMinutes }, booking).toISOString()).toBe(expected);
  });
});

describe('isFollowUpFor', () => {
  it.each([
    ['completed', 'completed', true],
    ['completed', 'no_show', false],
    ['no_show', 'no_show', true],
    ['any', 'completed', true],
    ['any', 'no_show', true],
    ['any', 'cancelled', false],
  ] as const)('a rule for %s applies to a %s booking: %s', (appliesTo, status, expected) => {
    expect(isFollowUpFor({ appliesTo }, status)).toBe(expected);
  });
});

describe('reminderRuleSchema', () => {
  const valid = { kind: 'reminder', sequence: 1, title: 'Tomorrow', text: 'See you {when}', offsetDays: 1 };
  it('accepts a valid rule and fills the defaults', () => {
    expect(reminderRuleSchema.parse(valid)).toMatchObject({ offsetHours: 0, isActive: true, templateName: null, templateParameters: [] });
  });
  it.each([
    ['sequence 6', { sequence: 6 }],
    ['sequence 0', { sequence: 0 }],
    ['a 51-character title', { title: 'x'.repeat(51) }],
    ['a 501-character text', { text: 'x'.repeat(501) }],
    ['an empty text', { text: '   ' }],
    ['24 offset hours (use a day)', { offsetHours: 24 }],
    ['a template name without language', { templateName: 'reminder' }],
    ['an unknown template placeholder', { templateName: 'r', templateLanguage: 'en', templateParameters: ['phone'] }],
    ['asksForRating on a reminder', { asksForRating: true }],
  ])('refuses %s', (_name, change) => {
    expect(reminderRuleSchema.safeParse({ ...valid, ...change }).success).toBe(false);
  });
});
