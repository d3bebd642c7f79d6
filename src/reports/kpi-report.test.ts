import { toKpiCsv } from './kpi-csv';
import type { KpiFacts } from './kpi-repository';
import { buildKpiReport, median } from './kpi-report';

const NO_FACTS: KpiFacts = { funnel: [], conversations: [], unfinishedFlows: [], outbox: [], sources: [], changes: [], confirmed: [], handoffs: [] };
const query = { from: '2026-12-06', to: '2026-12-07', granularity: 'day' as const };

describe('median', () => {
  it.each([
    [[], null],
    [[5], 5],
    [[9, 1, 5], 5],
    [[4, 1, 3, 2], 2.5],
  ])('of %j is %p', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});

describe('buildKpiReport', () => {
  it('takes a total median over all facts, not over the periods\' medians, and leaves facts outside the periods out', () => {
    const report = buildKpiReport({
      query,
      timeZone: 'Europe/Madrid',
      facts: {
        ...NO_FACTS,
        confirmed: [
          { period: '2026-12-06', path: 'list', bookings: 1, botMessages: 6, secondsToBooking: [100] },
          { period: '2026-12-07', path: 'flow', bookings: 3, botMessages: 6, secondsToBooking: [10, 20, 30] },
          { period: '2026-12-08', path: 'flow', bookings: 9, botMessages: 90, secondsToBooking: [1] },
        ],
        funnel: [
          { period: '2026-12-06', stage: 'booking_confirmed', path: 'list', detail: null, count: 1 },
          { period: '2026-12-07', stage: 'booking_confirmed', path: 'flow', detail: null, count: 3 },
        ],
      },
    });
    expect(report.periods.map((p) => p.medianSecondsToBooking)).toStrictEqual([100, 20]);
    expect(report.totals.medianSecondsToBooking).toBe(25);
    expect(report.totals.botMessages.perConfirmedBooking).toStrictEqual({ flow: 2, list: 6 });
  });
  it('counts hand-offs by reason, unanswered ones, and rates with an empty denominator as null', () => {
    const report = buildKpiReport({
      query,
      timeZone: 'UTC',
      facts: {
        ...NO_FACTS,
        conversations: [{ period: '2026-12-07', count: 4 }],
        handoffs: [
          { period: '2026-12-07', reason: 'emergency', count: 2, secondsToStaffReply: [60] },
          { period: '2026-12-07', reason: 'asked', count: 1, secondsToStaffReply: [] },
        ],
        funnel: [
          { period: '2026-12-07', stage: 'handoff', path: null, detail: 'emergency', count: 2 },
          { period: '2026-12-07', stage: 'handoff', path: null, detail: 'asked', count: 1 },
        ],
      },
    });
    expect(report.totals.handoffs).toStrictEqual({ asked: 1, emergency: 2, failure: 0 });
    expect([report.totals.escalationRate, report.totals.handoffsUnanswered, report.totals.medianSecondsToFirstStaffReply]).toStrictEqual([0.75, 2, 60]);
    expect([report.periods[0]!.escalationRate, report.totals.bookingRate, report.totals.noShowRate]).toStrictEqual([null, null, null]);
  });
});

describe('toKpiCsv', () => {
  it('writes a header row and one row per period, with the pricing categories Meta reported as columns', () => {
    const report = buildKpiReport({
      query,
      timeZone: 'UTC',
      facts: { ...NO_FACTS, outbox: [{ period: '2026-12-07', kind: 'reminder', category: 'utility', total: 3, sent: 3, delivered: 2, read: 1, failed: 0, billable: 3 }] },
    });
    const [header, first, second] = toKpiCsv(report).trimEnd().split('\r\n').map((line) => line.split(','));
    expect(header!.slice(0, 3)).toStrictEqual(['period_start', 'period_end', 'conversations_started']);
    expect(header!.slice(-2)).toStrictEqual(['billable_utility', 'free_utility']);
    expect([first!.slice(-2), second!.slice(-2)]).toStrictEqual([['0', '0'], ['3', '0']]);
    expect(second![header!.indexOf('reminders_delivered')]).toBe('2');
    // No value is an empty cell, never "null".
    expect(second![header!.indexOf('booking_rate')]).toBe('');
  });
});
