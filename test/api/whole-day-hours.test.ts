/**
 * A 24-hour business enters whole days: 00:00–24:00 is accepted, an end at 23:59 means the end of
 * the day, and the hours the API shows agree with the slots it offers.
 */
import { createApiTestContext, type ApiTestContext } from './api-test-kit';

describe('whole-day working hours', () => {
  let ctx: ApiTestContext;
  let staffId: string;

  beforeAll(async () => {
    ctx = await createApiTestContext();
    const created = await ctx.api('post', '/v1/staff').send({ name: 'Night Nurse', serviceIds: [ctx.demo.services.followUp] });
    staffId = created.body.id;
  });
  afterAll(async () => ctx.db.drop());

  /** Start times ('HH:mm') of the follow-up slots of the night nurse on a date. */
  async function startsOn(date: string): Promise<string[]> {
    const res = await ctx.api('get', `/v1/appointments/slots?serviceId=follow-up&staffId=${staffId}&date=${date}`);
    expect(res.status).toBe(200);
    return res.body[0].slots.map((s: { startTime: string }) => s.startTime.slice(11, 16));
  }

  it('accepts 00:00–24:00 and 00:00–23:59 as whole days, shows both as 00:00–24:00 and offers every quarter hour', async () => {
    const res = await ctx.api('put', `/v1/staff/${staffId}/working-hours`).send({ tuesday: [{ start: '00:00', end: '24:00' }], wednesday: [{ start: '00:00', end: '23:59' }] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tuesday: [{ start: '00:00', end: '24:00' }], wednesday: [{ start: '00:00', end: '24:00' }] });
    expect((await ctx.api('get', `/v1/staff/${staffId}/working-hours`)).body).toEqual(res.body);

    for (const date of ['2026-03-31', '2026-04-01']) {
      const starts = await startsOn(date);
      expect([starts[0], starts.at(-1), starts.length]).toEqual(['00:00', '23:45', 96]);
    }
  });

  it('reads an override ending at 23:59 as ending at midnight', async () => {
    const res = await ctx.api('post', `/v1/staff/${staffId}/date-overrides`).send({ date: '2026-04-02', isClosed: false, startTime: '20:00', endTime: '23:59' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ startTime: '20:00', endTime: '24:00' });
    const starts = await startsOn('2026-04-02');
    expect([starts[0], starts.at(-1), starts.length]).toEqual(['20:00', '23:45', 16]);
  });

  it('refuses a range that starts and ends at the same time, saying how to enter a whole day', async () => {
    const res = await ctx.api('put', `/v1/staff/${staffId}/working-hours`).send({ monday: [{ start: '00:00', end: '00:00' }] });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'monday', message: expect.stringContaining('use 00:00–24:00') })]);
  });
});
