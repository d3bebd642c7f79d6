import { FLOW_TEXTS, fillText, type FlowTexts } from './flow-texts';
import { formatFlowDay, formatFlowDuration, formatFlowZone } from './flow-format';

// Lengths Meta enforces on data the checker cannot see (flows/README.md, WHATSAPP.md §3.7, §2.5).
const LIMITS: Array<[keyof FlowTexts, number]> = [
  ['serviceLabel', 30],
  ['staffLabel', 30],
  ['anyStaff', 30],
  ['dateLabel', 40],
  ['timeLabel', 20],
  ['nameLabel', 20],
  ['noteLabel', 20],
  ['continueLabel', 35],
  ['reviewLabel', 35],
  ['confirmLabel', 35],
  ['rescheduleConfirmLabel', 35],
  ['serviceHeading', 80],
  ['staffHeading', 80],
  ['dateHeading', 80],
  ['detailsHeading', 80],
  ['summaryHeading', 80],
  ['rescheduleSummaryHeading', 80],
  ['messageCta', 20],
  ['rescheduleMessageCta', 20],
];

describe('Flow texts', () => {
  it.each(Object.entries(FLOW_TEXTS))('%s fits every limit and has no empty text', (_locale, texts) => {
    for (const [key, max] of LIMITS) expect([key, [...texts[key]].length <= max]).toEqual([key, true]);
    for (const text of Object.values(texts)) expect(text.trim()).not.toBe('');
  });

  it('is translated: Spanish and Portuguese differ from English except for symbols and patterns', () => {
    const same = (Object.keys(FLOW_TEXTS.en) as Array<keyof FlowTexts>).filter((key) => FLOW_TEXTS.es[key] === FLOW_TEXTS.en[key] || FLOW_TEXTS.pt[key] === FLOW_TEXTS.en[key]);
    expect(same).toEqual(['timeHeading', 'addOnsSummary', 'noPrice']);
  });

  it.each([
    ['2026-07-01', 'en', 'Wednesday, 1 July'],
    ['2026-07-01', 'es', 'Miércoles, 1 de julio'],
    ['2026-07-01', 'pt', 'Quarta-feira, 1 de julho'],
  ] as const)('formats %s in %s as %s', (date, locale, expected) => {
    expect(formatFlowDay(date, locale)).toBe(expected);
  });

  it.each([
    ['2026-07-01T08:30:00Z', 'Europe/Madrid', 'en', 'Madrid time, CEST'],
    ['2026-01-15T08:30:00Z', 'Europe/Madrid', 'es', 'hora de Madrid, CET'],
    // The day of the spring change: the label follows the instant, not the date.
    ['2026-03-29T00:30:00Z', 'Europe/Lisbon', 'pt', 'horário de Lisbon, WET'],
    ['2026-03-29T01:30:00Z', 'Europe/Lisbon', 'pt', 'horário de Lisbon, WEST'],
    ['2026-07-01T08:30:00Z', 'UTC', 'en', 'UTC'],
  ] as const)('names the zone at %s in %s (%s)', (at, zone, locale, expected) => {
    expect(formatFlowZone(new Date(at), zone, locale)).toBe(expected);
  });

  it('fills placeholders and formats durations', () => {
    expect(fillText('with {staff}', { staff: 'Ana' })).toBe('with Ana');
    expect([formatFlowDuration(30), formatFlowDuration(60), formatFlowDuration(90)]).toEqual(['30 min', '1 h', '1 h 30 min']);
  });
});
