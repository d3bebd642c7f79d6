/**
 * The business setting fillGapsAfterBusy (on by default): on an hourly grid, the time a short
 * booking leaves free before the grid's next start is offered and bookable; turned off, the slot
 * search offers the plain grid.
 */
import { createApiTestContext, type ApiTestContext } from './api-test-kit';

describe('starts after a busy block (fillGapsAfterBusy)', () => {
  let ctx: ApiTestContext;
  let staffId: string;
  let clientId: string;

  beforeAll(async () => {
    ctx = await createApiTestContext();
    await ctx.api('patch', '/v1/settings').send({ slotStepMinutes: 60, minimumNoticeMinutes: 0 });
    const staff = await ctx.api('post', '/v1/staff').send({ name: 'Dr. Gap', serviceIds: [ctx.demo.services.consultation, ctx.demo.services.followUp] });
    staffId = staff.body.id;
    await ctx.api('put', `/v1/staff/${staffId}/working-hours`).send({ tuesday: [{ start: '09:30', end: '12:30' }] });
    clientId = (await ctx.demo.createCustomers(1, '3466100'))[0]!;
  });
  afterAll(async () => ctx.db.drop());

  /** Local start times of the consultation slots of Dr. Gap on Tuesday 2026-03-31. */
  async function consultationStarts(): Promise<string[]> {
    const res = await ctx.api('get', `/v1/appointments/slots?serviceId=consultation&staffId=${staffId}&date=2026-03-31`);
    expect(res.status).toBe(200);
    return res.body[0].slots.map((s: { startTime: string }) => s.startTime.slice(11, 16));
  }

  it('is on by default: after a 09:30–09:45 follow-up, 09:45 is offered before the grid’s 10:30, and books', async () => {
    expect((await ctx.api('get', '/v1/settings')).body.fillGapsAfterBusy).toBe(true);
    const followUp = await ctx.api('post', '/v1/appointments').send({ clientId, serviceId: 'follow-up', staffId, date: '2026-03-31', time: '09:30' });
    expect(followUp.status).toBe(201);

    expect(await consultationStarts()).toEqual(['09:45', '10:30', '11:30']);
    const booked = await ctx.api('post', '/v1/appointments').send({ clientId, serviceId: 'consultation', staffId, date: '2026-03-31', time: '09:45' });
    expect(booked.status).toBe(201);
    expect(booked.body.startTime).toBe('2026-03-31T09:45:00+02:00');
  });

  it('turned off, offers only the grid and refuses a start off it', async () => {
    const patched = await ctx.api('patch', '/v1/settings').send({ fillGapsAfterBusy: false });
    expect(patched.status).toBe(200);
    expect(patched.body.fillGapsAfterBusy).toBe(false);
    // The 09:45–10:15 consultation ends off the grid; the grid's next start is 10:30.
    expect(await consultationStarts()).toEqual(['10:30', '11:30']);
    const offGrid = await ctx.api('post', '/v1/appointments').send({ clientId, serviceId: 'follow-up', staffId, date: '2026-03-31', time: '10:15' });
    expect(offGrid.status).toBe(422);
    expect(offGrid.body.error.code).toBe('slot_not_on_step');

    await ctx.api('patch', '/v1/settings').send({ fillGapsAfterBusy: true });
    expect(await consultationStarts()).toEqual(['10:15', '10:30', '11:30']);
  });

  it('refuses a setting that is not a boolean', async () => {
    const res = await ctx.api('patch', '/v1/settings').send({ fillGapsAfterBusy: 'yes' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['fillGapsAfterBusy']);
  });
});
