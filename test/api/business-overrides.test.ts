/**
 * /v1/date-overrides: business-wide holidays and short days, which every slot answer honours.
 */
import { createApiTestContext, type ApiTestContext } from './api-test-kit';

describe('business-wide date overrides', () => {
  let ctx: ApiTestContext;

  beforeAll(async () => {
    ctx = await createApiTestContext();
  });
  afterAll(async () => ctx.db.drop());

  const slotsOn = async (date: string) => {
    const res = await ctx.api('get', `/v1/appointments/slots?serviceId=consultation&date=${date}`);
    expect(res.status).toBe(200);
    return res.body.flatMap((day: { slots: Array<{ startTime: string }> }) => day.slots.map((slot) => slot.startTime));
  };

  it('a holiday closes the day for everybody until it is removed', async () => {
    expect((await slotsOn('2026-03-31')).length).toBeGreaterThan(0);
    const created = await ctx.api('post', '/v1/date-overrides').send({ date: '2026-03-31', isClosed: true, note: 'Clinic closed' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ date: '2026-03-31', isClosed: true, note: 'Clinic closed' });
    expect(await slotsOn('2026-03-31')).toEqual([]);
    expect((await ctx.api('get', '/v1/date-overrides?from=2026-03-01&to=2026-04-30')).body.map((o: { id: string }) => o.id)).toEqual([created.body.id]);
    expect((await ctx.api('delete', `/v1/date-overrides/${created.body.id}`)).status).toBe(204);
    expect((await slotsOn('2026-03-31')).length).toBeGreaterThan(0);
  });

  it('a short day (special hours) limits every staff member to those hours', async () => {
    const created = await ctx.api('post', '/v1/date-overrides').send({ date: '2026-04-01', isClosed: false, startTime: '10:00', endTime: '12:00' });
    expect(created.status).toBe(201);
    const slots = await slotsOn('2026-04-01');
    expect(slots[0]).toBe('2026-04-01T10:00:00+02:00');
    expect(slots[slots.length - 1]).toBe('2026-04-01T11:30:00+02:00');
  });

  it('is for admins only, refuses bad input with 400, and keeps businesses apart', async () => {
    expect((await ctx.api('post', '/v1/date-overrides', ctx.keys.frontDesk).send({ date: '2026-04-02', isClosed: true })).status).toBe(403);
    expect((await ctx.api('post', '/v1/date-overrides').send({ date: '02/04/2026', isClosed: true })).status).toBe(400);
    const mine = await ctx.api('post', '/v1/date-overrides').send({ date: '2026-04-03', isClosed: true });
    expect((await ctx.api('delete', `/v1/date-overrides/${mine.body.id}`, ctx.other.key)).status).toBe(404);
    expect((await ctx.api('get', '/v1/date-overrides', ctx.other.key)).body).toEqual([]);
  });
});
