/**
 * Add-on services over HTTP: a service marked as an add-on of another, booked with it through
 * /v1/appointments; the add-ons lengthen the appointment (checked for the whole length by the
 * same serializable confirm), add to its price, stay with it when it moves, and show in its JSON.
 */
import { createApiTestContext, type ApiTestContext } from './api-test-kit';

describe('add-on services', () => {
  let ctx: ApiTestContext;
  let bloodTestId: string;

  beforeAll(async () => {
    ctx = await createApiTestContext();
    bloodTestId = (await ctx.db.prisma.service.findFirstOrThrow({ where: { businessId: ctx.demo.businessId, uid: 'blood-test' } })).id;
  });
  afterAll(async () => ctx.db.drop());
  beforeEach(async () => {
    await ctx.db.prisma.bookingLog.deleteMany({ where: { businessId: ctx.demo.businessId } });
    await ctx.db.prisma.booking.deleteMany({ where: { businessId: ctx.demo.businessId } });
  });

  const book = (overrides: Record<string, unknown> = {}) =>
    ctx.api('post', '/v1/appointments').send({
      client: { fullName: 'Maria Lopez', countryCode: '+34', phone: '611 222 333' },
      service: { id: 'consultation' },
      staff: { id: ctx.demo.staff.ana },
      date: '2026-03-31',
      time: '09:00',
      timezone: 'Europe/Madrid',
      addOnServices: [{ id: 'blood-test' }],
      ...overrides,
    });

  it('shows the demo add-on on both services of /v1/services', async () => {
    const res = await ctx.api('get', '/v1/services');
    const byUid = Object.fromEntries(res.body.map((service: { uid: string }) => [service.uid, service]));
    expect(byUid['blood-test']).toMatchObject({ isAddOn: true, addOnOf: [ctx.demo.services.consultation], addOnServiceIds: [] });
    expect(byUid.consultation).toMatchObject({ isAddOn: false, addOnOf: [], addOnServiceIds: [bloodTestId] });
  });

  it('books an add-on: the appointment lasts longer, costs more and lists it', async () => {
    const res = await book();
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      startTime: '2026-03-31T09:00:00+02:00',
      endTime: '2026-03-31T09:45:00+02:00',
      service: { uid: 'consultation', durationMinutes: 30, sellingPrice: 60 },
      addOnServices: [{ id: bloodTestId, uid: 'blood-test', name: 'Blood test', durationMinutes: 15, sellingPrice: 25 }],
      totalPrice: 85,
    });
    const read = await ctx.api('get', `/v1/appointments/${res.body.id}`);
    expect(read.body.addOnServices).toEqual(res.body.addOnServices);
  });

  it('checks the whole length: a consultation alone fits before a 09:30 booking, with the add-on it does not', async () => {
    expect((await book({ time: '09:30', addOnServices: [] })).status).toBe(201);
    const withAddOn = await book();
    expect(withAddOn.status).toBe(409);
    expect(withAddOn.body.error.code).toBe('slot_no_longer_available');
    // Alternatives are 45 minutes long too.
    expect(withAddOn.body.error.details.alternatives).toContainEqual({ startTime: '2026-03-31T10:00:00+02:00', endTime: '2026-03-31T10:45:00+02:00', staffId: ctx.demo.staff.ana });
    expect((await book({ addOnServices: [] })).status).toBe(201);
  });

  it('lists only starts with room for the add-ons when the slots query names them', async () => {
    const plain = await ctx.api('get', `/v1/appointments/slots?serviceId=consultation&date=2026-03-31&staffId=${ctx.demo.staff.ana}`);
    const withAddOn = await ctx.api('get', `/v1/appointments/slots?serviceId=consultation&date=2026-03-31&staffId=${ctx.demo.staff.ana}&addOnServiceIds=blood-test`);
    expect(withAddOn.status).toBe(200);
    const starts = (res: typeof plain) => res.body[0].slots.map((slot: { startTime: string }) => slot.startTime.slice(11, 16));
    expect(starts(plain)).toContain('12:30');
    expect(starts(withAddOn)).not.toContain('12:30');
    expect(withAddOn.body[0].slots[0]).toEqual({ startTime: '2026-03-31T09:00:00+02:00', endTime: '2026-03-31T09:45:00+02:00' });
    const unknown = await ctx.api('get', '/v1/appointments/slots?serviceId=consultation&date=2026-03-31&addOnServiceIds=massage');
    expect([unknown.status, unknown.body.error.code]).toEqual([422, 'add_on_not_available']);
  });

  it('refuses an add-on that would run past the end of the working day', async () => {
    expect((await book({ time: '17:30', addOnServices: [] })).status).toBe(201);
    await ctx.db.prisma.booking.deleteMany({ where: { businessId: ctx.demo.businessId } });
    const res = await book({ time: '17:30' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('slot_outside_hours');
  });

  it.each([
    ['an unknown add-on', { addOnServices: [{ id: 'massage' }] }],
    ['an add-on of another service', { service: { id: 'follow-up' } }],
  ])('refuses %s with 422 add_on_not_available', async (_name, overrides) => {
    const res = await book(overrides);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('add_on_not_available');
    expect(res.body.error.message).toContain('List services');
  });

  it('keeps the add-ons and their length when the appointment moves', async () => {
    const booked = await book();
    const res = await ctx.api('post', '/v1/appointments/reschedule').send({ appointmentId: booked.body.id, date: '2026-04-01', time: '12:15' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ startTime: '2026-04-01T12:15:00+02:00', endTime: '2026-04-01T13:00:00+02:00', totalPrice: 85 });
    expect(res.body.addOnServices).toEqual(booked.body.addOnServices);
    // 12:30 + 45 minutes would run into the lunch break.
    const late = await ctx.api('post', '/v1/appointments/reschedule').send({ appointmentId: booked.body.id, date: '2026-04-01', time: '12:30' });
    expect(late.status).toBe(422);
    expect(late.body.error.code).toBe('slot_outside_hours');
  });

  it('marks a service as an add-on of others through the API, and refuses loops', async () => {
    const created = await ctx.api('post', '/v1/services').send({ uid: 'xray', name: 'X-ray', durationMinutes: 10, sellingPrice: 40, addOnOf: ['consultation', ctx.demo.services.followUp] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ isAddOn: true, addOnOf: [ctx.demo.services.consultation, ctx.demo.services.followUp].sort() });
    const followUp = await ctx.api('get', '/v1/services/follow-up');
    expect(followUp.body.addOnServiceIds).toEqual([created.body.id]);
    const self = await ctx.api('patch', '/v1/services/xray').send({ addOnOf: ['xray'] });
    expect(self.status).toBe(422);
    const ofAnAddOn = await ctx.api('patch', '/v1/services/physio').send({ addOnOf: ['blood-test'] });
    expect(ofAnAddOn.status).toBe(422);
    const unknown = await ctx.api('patch', '/v1/services/xray').send({ addOnOf: ['nothing'] });
    expect(unknown.status).toBe(404);
    const standalone = await ctx.api('patch', '/v1/services/xray').send({ addOnOf: [] });
    expect(standalone.body).toMatchObject({ isAddOn: false, addOnOf: [] });
    expect((await ctx.api('delete', '/v1/services/xray')).status).toBe(204);
  });

  it('refuses to delete an add-on that was booked (409), as for any booked service', async () => {
    expect((await book()).status).toBe(201);
    const res = await ctx.api('delete', '/v1/services/blood-test');
    expect(res.status).toBe(409);
  });
});
