/**
 * GET /v1/reports/kpis over HTTP: periods in the business's time zone, tenant scoping, roles, and
 * bad parameters answered 400 with a message that says what to change (never a 5xx, fuzzed).
 */
import fc from 'fast-check';
import { createApiTestContext, type ApiTestContext } from '../api/api-test-kit';
import { FUZZ_SEED } from '../support/hostile-json';

describe('GET /v1/reports/kpis', () => {
  let ctx: ApiTestContext;
  let customerA: string | undefined;

  beforeAll(async () => {
    ctx = await createApiTestContext();
    [customerA] = await ctx.demo.createCustomers(1, '3461100');
    const { prisma } = ctx.db;
    const event = (businessId: string, customerId: string, stage: string, at: string, path: string | null = 'list') =>
      prisma.funnelEvent.create({ data: { businessId, customerId, stage, path, occurredAt: new Date(at) } });
    // 23:30Z on 29 March is already 30 March in Madrid (UTC+2 since that morning's DST change).
    await event(ctx.demo.businessId, customerA!, 'booking_intent', '2026-03-29T23:30:00Z');
    await event(ctx.demo.businessId, customerA!, 'booking_intent', '2026-03-28T12:00:00Z');
    await event(ctx.demo.businessId, customerA!, 'booking_confirmed', '2026-03-29T23:40:00Z');
    // Another business's facts never show in this one's report.
    await event(ctx.other.businessId, ctx.other.customerId, 'booking_intent', '2026-03-29T10:00:00Z');
  });
  afterAll(async () => ctx.db.drop());

  it('counts each fact in the local day of the business, with empty days and the totals', async () => {
    const res = await ctx.api('get', '/v1/reports/kpis?from=2026-03-28&to=2026-03-30&granularity=day');
    expect(res.status).toBe(200);
    expect(res.body.timeZone).toBe('Europe/Madrid');
    expect(res.body.periods.map((p: { start: string; funnel: { bookingIntents: number; bookingsConfirmed: number } }) => [p.start, p.funnel.bookingIntents, p.funnel.bookingsConfirmed])).toStrictEqual([
      ['2026-03-28', 1, 0],
      ['2026-03-29', 0, 0],
      ['2026-03-30', 1, 1],
    ]);
    expect(res.body.totals.funnel.bookingIntents).toBe(2);
    expect(res.body.totals.bookingRate).toBe(0.5);
    expect(res.body.periods[1].bookingRate).toBeNull();
  });

  it('cuts by ISO week and by month', async () => {
    const weeks = await ctx.api('get', '/v1/reports/kpis?from=2026-03-20&to=2026-03-31&granularity=week');
    expect(weeks.body.periods.map((p: { start: string; end: string; funnel: { bookingIntents: number } }) => [p.start, p.end, p.funnel.bookingIntents])).toStrictEqual([
      ['2026-03-20', '2026-03-22', 0],
      ['2026-03-23', '2026-03-29', 1],
      ['2026-03-30', '2026-03-31', 1],
    ]);
    const months = await ctx.api('get', '/v1/reports/kpis?from=2026-03-01&to=2026-04-30&granularity=month');
    expect(months.body.periods.map((p: { start: string; funnel: { bookingIntents: number } }) => [p.start, p.funnel.bookingIntents])).toStrictEqual([
      ['2026-03-01', 2],
      ['2026-04-01', 0],
    ]);
  });

  it('defaults to the last 30 days by day', async () => {
    const res = await ctx.api('get', '/v1/reports/kpis');
    expect([res.status, res.body.from, res.body.to, res.body.granularity, res.body.periods.length]).toStrictEqual([200, '2026-03-01', '2026-03-30', 'day', 30]);
  });

  it('is open to every role of the business, and to no one without a key', async () => {
    for (const key of [ctx.keys.admin, ctx.keys.frontDesk, ctx.keys.readOnly]) {
      expect((await ctx.api('get', '/v1/reports/kpis?from=2026-03-30&to=2026-03-30', key)).status).toBe(200);
    }
    expect((await ctx.api('get', '/v1/reports/kpis', ctx.keys.revoked)).status).toBe(401);
    const other = await ctx.api('get', '/v1/reports/kpis?from=2026-03-29&to=2026-03-29', ctx.other.key);
    expect([other.body.timeZone, other.body.totals.funnel.bookingIntents]).toStrictEqual(['Europe/Lisbon', 1]);
  });

  it.each([
    ['granularity=hour', /granularity.*must be day, week or month/],
    ['from=2026-02-30', /from.*real calendar date/],
    ['from=30-03-2026', /from.*YYYY-MM-DD/],
    ['to=tomorrow', /to.*YYYY-MM-DD/],
    ['from=2026-03-31&to=2026-03-01', /from \(2026-03-31\) is after to \(2026-03-01\)/],
    ['from=2024-01-01&to=2026-03-30', /820 days; a report by day covers at most 366.*coarser granularity/],
    ['from=2026-03-01&from=2026-03-02', /from/],
    ['format=csv', /format|Unrecognized|unrecognized/],
  ])('answers 400 for %s, saying what is wrong', async (query, message) => {
    const res = await ctx.api('get', `/v1/reports/kpis?${query}`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toMatch(message);
  });

  it('never answers a 5xx to hostile parameters (fuzz)', async () => {
    const value = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('2026-03-30', '0000-00-00', '2199-12-31', '1999-12-31', 'day', 'week', 'month', '', '%00', '2026-03-30T00:00:00Z'));
    await fc.assert(
      fc.asyncProperty(fc.record({ from: fc.option(value), to: fc.option(value), granularity: fc.option(value) }), async (input) => {
        const query = new URLSearchParams(Object.entries(input).flatMap(([key, v]): Array<[string, string]> => (v === null ? [] : [[key, v]]))).toString();
        const res = await ctx.api('get', `/v1/reports/kpis?${query}`);
        expect([200, 400]).toContain(res.status);
        if (res.status === 400) expect(res.body.error.message).toMatch(/\S/);
      }),
      { seed: FUZZ_SEED, numRuns: 150 },
    );
  });
});
