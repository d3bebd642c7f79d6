import { listPeriods, resolveKpiQuery, toInstantRange } from './kpi-query';

const NOW = new Date('2026-12-07T10:00:00Z');

describe('resolveKpiQuery', () => {
  it('defaults to the last 30 days up to today in the business zone', () => {
    expect(resolveKpiQuery({ granularity: 'day' }, new Date('2026-12-06T23:30:00Z'), 'Europe/Madrid')).toStrictEqual({ ok: true, query: { from: '2026-11-08', to: '2026-12-07', granularity: 'day' } });
  });
  it.each([
    [{ from: '2026-12-08', to: '2026-12-07', granularity: 'day' as const }, /from \(2026-12-08\) is after to \(2026-12-07\)/],
    [{ from: '2025-01-01', to: '2026-12-07', granularity: 'day' as const }, /706 days; a report by day covers at most 366/],
  ])('refuses %j with a message saying what to change', (input, message) => {
    const result = resolveKpiQuery(input, NOW, 'UTC');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(message);
  });
});

describe('listPeriods', () => {
  it('cuts by day', () => {
    expect(listPeriods({ from: '2026-12-06', to: '2026-12-07', granularity: 'day' }).map((p) => p.key)).toStrictEqual(['2026-12-06', '2026-12-07']);
  });
  it('cuts by ISO week (Monday first), clipping the first and last week to the range', () => {
    expect(listPeriods({ from: '2026-12-03', to: '2026-12-15', granularity: 'week' })).toStrictEqual([
      { key: '2026-11-30', start: '2026-12-03', end: '2026-12-06' },
      { key: '2026-12-07', start: '2026-12-07', end: '2026-12-13' },
      { key: '2026-12-14', start: '2026-12-14', end: '2026-12-15' },
    ]);
  });
  it('cuts by calendar month across a year end', () => {
    expect(listPeriods({ from: '2026-11-15', to: '2027-01-02', granularity: 'month' })).toStrictEqual([
      { key: '2026-11-01', start: '2026-11-15', end: '2026-11-30' },
      { key: '2026-12-01', start: '2026-12-01', end: '2026-12-31' },
      { key: '2027-01-01', start: '2027-01-01', end: '2027-01-02' },
    ]);
  });
});

describe('toInstantRange', () => {
  it('covers whole local days, a DST change day included', () => {
    const range = toInstantRange({ from: '2026-03-29', to: '2026-03-29', granularity: 'day' }, 'Europe/Madrid');
    expect([range.start.toISOString(), range.end.toISOString()]).toStrictEqual(['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
  });
});
