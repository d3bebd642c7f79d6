import { explainSlot } from './explain-slot';
import { generateSlots } from './slots';
import { buildWeek, busy, makeInput } from './test-kit';
import type { AvailabilityInput, SlotExplanation } from './types';

// Monday 2026-03-30, Madrid (UTC+2): ana and ben work 09:00–12:00; now is 07:00 local.
const staff = [
  { staffId: 'ben', weeklyHours: buildWeek([1], '09:00', '12:00'), overrides: [] },
  { staffId: 'ana', weeklyHours: buildWeek([1], '09:00', '12:00'), overrides: [] },
];
const base = (overrides: Partial<AvailabilityInput> = {}): AvailabilityInput =>
  makeInput({ staff, rules: { stepMinutes: 30, minimumNoticeMinutes: 60, maxAdvanceDays: 7 }, ...overrides });

describe('explainSlot', () => {
  it.each<[string, string, Partial<AvailabilityInput> & { staffId?: string }, SlotExplanation]>([
    ['a free start on the grid is ok, with every free staff member', '2026-03-30T07:00:00Z', {}, { verdict: 'ok', staffIds: ['ana', 'ben'] }],
    ['a start before now is in the past (checked before notice)', '2026-03-30T04:30:00Z', {}, { verdict: 'in_past', staffIds: [] }],
    ['a start inside the notice period is too soon', '2026-03-30T05:30:00Z', {}, { verdict: 'too_soon', staffIds: [] }],
    ['a start at now + maxAdvanceDays is beyond the window', '2026-04-06T05:00:00Z', {}, { verdict: 'beyond_window', staffIds: [] }],
    ['a start whose end passes closing is outside hours', '2026-03-30T09:45:00Z', {}, { verdict: 'outside_hours', staffIds: [] }],
    ['a start on a day off is outside hours', '2026-03-31T07:00:00Z', {}, { verdict: 'outside_hours', staffIds: [] }],
    ['a start that fits but is off the 30-min grid is not on step', '2026-03-30T07:10:00Z', {}, { verdict: 'not_on_step', staffIds: [] }],
    [
      'a start where every fitting staff member is busy is busy',
      '2026-03-30T07:00:00Z',
      { busy: [busy('ana', '2026-03-30T06:30:00Z', '2026-03-30T07:30:00Z'), busy('ben', '2026-03-30T07:15:00Z', '2026-03-30T07:45:00Z')] },
      { verdict: 'busy', staffIds: [] },
    ],
    [
      'a start where one staff member is busy is ok with the other',
      '2026-03-30T07:00:00Z',
      { busy: [busy('ana', '2026-03-30T06:30:00Z', '2026-03-30T07:30:00Z')] },
      { verdict: 'ok', staffIds: ['ben'] },
    ],
    [
      'a booking ending exactly at the start does not make it busy',
      '2026-03-30T07:30:00Z',
      { busy: [busy('ana', '2026-03-30T07:00:00Z', '2026-03-30T07:30:00Z')] },
      { verdict: 'ok', staffIds: ['ana', 'ben'] },
    ],
    [
      'the after-buffer makes a start busy when it runs into the next booking',
      '2026-03-30T07:00:00Z',
      {
        service: { durationMinutes: 30, bufferBeforeMinutes: 0, bufferAfterMinutes: 15 },
        busy: [busy('ana', '2026-03-30T07:40:00Z', '2026-03-30T08:00:00Z'), busy('ben', '2026-03-30T07:40:00Z', '2026-03-30T08:00:00Z')],
      },
      { verdict: 'busy', staffIds: [] },
    ],
    [
      'staffId narrows the check to one person',
      '2026-03-30T07:00:00Z',
      { staffId: 'ana', busy: [busy('ana', '2026-03-30T06:30:00Z', '2026-03-30T07:30:00Z')] },
      { verdict: 'busy', staffIds: [] },
    ],
    [
      'a staffId outside the staff filter fits nowhere',
      '2026-03-30T07:00:00Z',
      { staffId: 'ana', staffIds: ['ben'] },
      { verdict: 'outside_hours', staffIds: [] },
    ],
    [
      'off-grid for one staff member but on-grid for another is ok for that one',
      '2026-03-30T07:15:00Z',
      { staff: [staff[0]!, { staffId: 'ana', weeklyHours: buildWeek([1], '09:15', '12:00'), overrides: [] }] },
      { verdict: 'ok', staffIds: ['ana'] },
    ],
  ])('%s', (_rule, start, overrides, expected) => {
    expect(explainSlot({ ...base(overrides), start: new Date(start), staffId: overrides.staffId })).toStrictEqual(expected);
  });

  it('agrees with generateSlots on every 5-minute start of a busy day', () => {
    const input = base({
      staff: [...staff, { staffId: 'cai', weeklyHours: buildWeek([1], '10:10', '13:00'), overrides: [] }],
      service: { durationMinutes: 45, bufferBeforeMinutes: 5, bufferAfterMinutes: 10 },
      rules: { stepMinutes: 15, minimumNoticeMinutes: 60, maxAdvanceDays: 7 },
      busy: [
        busy('ana', '2026-03-30T07:30:00Z', '2026-03-30T08:10:00Z'),
        busy('ben', '2026-03-30T08:00:00Z', '2026-03-30T08:20:00Z'),
        busy('cai', '2026-03-30T09:00:00Z', '2026-03-30T09:30:00Z'),
      ],
    });
    const listed = new Map(generateSlots(input).map((s) => [s.start.getTime(), s.staffIds]));
    expect(listed.size).toBeGreaterThan(5);
    for (let t = Date.parse('2026-03-30T05:00:00Z'); t < Date.parse('2026-03-30T12:00:00Z'); t += 5 * 60_000) {
      const explanation = explainSlot({ ...input, start: new Date(t) });
      expect({ at: new Date(t).toISOString(), staffIds: explanation.verdict === 'ok' ? explanation.staffIds : undefined }).toStrictEqual({
        at: new Date(t).toISOString(),
        staffIds: listed.get(t),
      });
    }
  });

  describe('with gap starts (rules.fillGapsAfterBusy)', () => {
    // ana's booking 09:00–09:20 local; the hourly grid from 09:00 would next start at 10:00.
    const gapInput = (fillGapsAfterBusy: boolean) =>
      base({
        now: new Date('2026-03-30T04:00:00Z'),
        service: { durationMinutes: 60, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
        rules: { stepMinutes: 60, minimumNoticeMinutes: 0, maxAdvanceDays: 7, fillGapsAfterBusy },
        busy: [busy('ana', '2026-03-30T07:00:00Z', '2026-03-30T07:20:00Z')],
      });

    it.each<[string, string, boolean, SlotExplanation]>([
      ['the start right after a busy block is ok for the staff member whose block ended', '2026-03-30T07:30:00Z', true, { verdict: 'ok', staffIds: ['ana'] }],
      ['without the setting it is not on step', '2026-03-30T07:30:00Z', false, { verdict: 'not_on_step', staffIds: [] }],
      ['another start off the grid is still not on step', '2026-03-30T07:45:00Z', true, { verdict: 'not_on_step', staffIds: [] }],
    ])('%s', (_rule, start, fillGapsAfterBusy, expected) => {
      expect(explainSlot({ ...gapInput(fillGapsAfterBusy), start: new Date(start) })).toStrictEqual(expected);
    });

    it('agrees with generateSlots on every 5-minute start of a busy day, the notice cut-off included', () => {
      const input = base({
        now: new Date('2026-03-30T05:07:00Z'),
        staff: [...staff, { staffId: 'cai', weeklyHours: buildWeek([1], '10:10', '13:00'), overrides: [] }],
        service: { durationMinutes: 45, bufferBeforeMinutes: 5, bufferAfterMinutes: 10 },
        rules: { stepMinutes: 60, minimumNoticeMinutes: 60, maxAdvanceDays: 7, fillGapsAfterBusy: true },
        busy: [
          busy('ana', '2026-03-30T07:30:00Z', '2026-03-30T08:10:00Z'),
          busy('ben', '2026-03-30T08:00:00Z', '2026-03-30T08:20:00Z'),
          busy('cai', '2026-03-30T09:00:00Z', '2026-03-30T09:30:00Z'),
        ],
      });
      const listed = new Map(generateSlots(input).map((s) => [s.start.getTime(), s.staffIds]));
      const offGrid = [...listed.keys()].filter((t) => new Date(t).getUTCMinutes() !== 0 && new Date(t).getUTCMinutes() !== 10);
      expect(offGrid.length).toBeGreaterThan(1);
      for (let t = Date.parse('2026-03-30T05:00:00Z'); t < Date.parse('2026-03-30T12:00:00Z'); t += 5 * 60_000) {
        const explanation = explainSlot({ ...input, start: new Date(t) });
        expect({ at: new Date(t).toISOString(), staffIds: explanation.verdict === 'ok' ? explanation.staffIds : undefined }).toStrictEqual({
          at: new Date(t).toISOString(),
          staffIds: listed.get(t),
        });
      }
    });
  });
});
