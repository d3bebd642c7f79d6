/**
 * /v1/appointments as a client written against Whautomate's documentation calls it: nested
 * client / service / staff / location objects, reschedule and cancel with the location, booking a
 * slot by the startTime the slots endpoint returned, helpful errors for a missing JSON body, and
 * a notice for a slots query outside the booking window.
 */
import { createApiTestContext, type ApiTestContext } from './api-test-kit';

describe("/v1/appointments in Whautomate's documented shapes", () => {
  let ctx: ApiTestContext;
  let locationId: string;

  beforeAll(async () => {
    ctx = await createApiTestContext();
    locationId = (await ctx.db.prisma.location.findFirstOrThrow({ where: { businessId: ctx.demo.businessId } })).id;
  });
  afterAll(async () => ctx.db.drop());
  beforeEach(async () => {
    await ctx.db.prisma.bookingLog.deleteMany({ where: { businessId: ctx.demo.businessId } });
    await ctx.db.prisma.booking.deleteMany({ where: { businessId: ctx.demo.businessId } });
  });

  const bookNested = (overrides: Record<string, unknown> = {}) =>
    ctx.api('post', '/v1/appointments').send({
      client: { fullName: 'Maria Lopez', countryCode: '+34', phone: '611 222 333' },
      service: { id: 'consultation' },
      staff: { id: ctx.demo.staff.ana },
      location: { id: locationId },
      date: '2026-03-31',
      time: '09:00',
      timezone: 'Europe/Madrid',
      notes: 'First visit',
      addOnServices: [],
      overrideTimeSlotValidation: false,
      ...overrides,
    });

  describe('POST /v1/appointments', () => {
    it('books the nested body of the Whautomate docs with a new client, staff and location', async () => {
      const res = await bookNested();
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        client: { fullName: 'Maria Lopez', phone: '+34611222333' },
        service: { uid: 'consultation', durationMinutes: 30 },
        staff: { id: ctx.demo.staff.ana },
        location: { id: locationId, title: 'Demo Clinic' },
        date: '2026-03-31',
        time: '09:00',
        startTime: '2026-03-31T09:00:00+02:00',
        notes: 'First visit',
        bookedFrom: 'api',
      });
    });

    it('books an existing client given as client: {id}, with staff: null meaning any free staff member', async () => {
      const first = await bookNested();
      const res = await bookNested({ client: { id: first.body.client.id }, staff: null, time: '10:00', location: undefined });
      expect(res.status).toBe(201);
      expect(res.body.client.id).toBe(first.body.client.id);
      expect([ctx.demo.staff.ana, ctx.demo.staff.ben]).toContain(res.body.staff.id);
    });

    it('still accepts the flat ids as aliases', async () => {
      const res = await ctx.api('post', '/v1/appointments').send({
        fullName: 'Maria Lopez', countryCode: '+34', phone: '611 222 333', serviceId: 'consultation', staffId: ctx.demo.staff.ben, locationId, date: '2026-03-31', time: '11:00',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ staff: { id: ctx.demo.staff.ben }, location: { id: locationId }, time: '11:00' });
    });

    it('books a slot by the startTime the slots endpoint returned, in any zone', async () => {
      const slots = await ctx.api('get', '/v1/appointments/slots?serviceId=consultation&date=2026-03-31&timezone=America/New_York');
      const slot = slots.body[0].slots[2] as { startTime: string; endTime: string };
      expect(slot.startTime).toBe('2026-03-31T03:30:00-04:00');
      const res = await bookNested({ date: undefined, time: undefined, timezone: undefined, startTime: slot.startTime });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ startTimeUTC: '2026-03-31T07:30:00.000Z', time: '09:30', timezone: 'Europe/Madrid' });
    });

    it.each([
      ['no service', { service: undefined }, 'service', 'give service: {"id"}'],
      ['a client with id and phone', { client: { id: '3f2a8a64-5b1c-4c1e-9a57-0d4f1c9b2e11', fullName: 'X', countryCode: '+34', phone: '611 222 333' } }, 'client.id', 'not both'],
      ['a new client without phone', { client: { fullName: 'Maria Lopez', countryCode: '+34' } }, 'client.phone', 'is required when client.id is not given'],
      ['no date, time or startTime', { date: undefined, time: undefined }, 'date', 'or startTime'],
      ['startTime and date + time', { startTime: '2026-03-31T09:00:00+02:00' }, 'startTime', 'not both'],
      ['a startTime without offset', { date: undefined, time: undefined, startTime: '2026-03-31T09:00:00' }, 'startTime', 'with an offset'],
      ['service and a different serviceId', { serviceId: 'physio' }, 'service', 'not both'],
    ])('refuses %s with 400 naming the field and the fix', async (_name, overrides, field, message) => {
      const res = await bookNested(overrides);
      expect(res.status).toBe(400);
      expect(res.body.error.details).toContainEqual(expect.objectContaining({ in: 'body', field, message: expect.stringContaining(message) }));
    });
  });

  describe('POST /v1/appointments/reschedule and /cancel', () => {
    it('moves an appointment with the documented {appointmentId, location, date, time, timezone}', async () => {
      const booked = await bookNested();
      const res = await ctx.api('post', '/v1/appointments/reschedule').send({
        appointmentId: booked.body.id, location: { id: locationId }, date: '2026-04-01', time: '10:30', timezone: 'Europe/Madrid',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ date: '2026-04-01', time: '10:30', rescheduleCount: 1 });
    });

    it('moves an appointment to a startTime as the slots endpoint returns it', async () => {
      const booked = await bookNested();
      const res = await ctx.api('post', '/v1/appointments/reschedule').send({ appointmentId: booked.body.id, startTime: '2026-04-01T08:45:00Z' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ date: '2026-04-01', time: '10:45', startTime: '2026-04-01T10:45:00+02:00' });
    });

    it('cancels with the documented {appointmentId, location, cancellationReason}', async () => {
      const booked = await bookNested();
      const res = await ctx.api('post', '/v1/appointments/cancel').send({ appointmentId: booked.body.id, location: { id: locationId }, cancellationReason: 'Client is ill' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'cancelled', cancellationReason: 'Client is ill' });
    });

    it('refuses a location other than the appointment’s with 422, naming the right one', async () => {
      const booked = await bookNested();
      const other = await ctx.db.prisma.location.create({ data: { businessId: ctx.demo.businessId, name: 'Second clinic' } });
      const res = await ctx.api('post', '/v1/appointments/cancel').send({ appointmentId: booked.body.id, location: { id: other.id } });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'location_mismatch', details: { locationId } });
      await ctx.db.prisma.location.delete({ where: { id: other.id } });
    });
  });

  describe('a missing body or another Content-Type', () => {
    it('says to send a JSON object with Content-Type: application/json when the body is missing', async () => {
      const res = await ctx.api('post', '/v1/appointments');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('needs a JSON object body, sent with the header Content-Type: application/json');
      expect(res.body.error.message).toContain('"service":{"id":"consultation"}');
      expect(JSON.stringify(res.body)).not.toContain('received undefined');
    });

    it('names the Content-Type that was sent instead of JSON', async () => {
      const res = await ctx.api('post', '/v1/appointments/cancel').set('Content-Type', 'text/plain').send('appointmentId=bk_1');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe('The body must be JSON sent with the header Content-Type: application/json (this request sent Content-Type: text/plain).');
    });
  });

  describe('GET /v1/appointments/slots outside the booking window', () => {
    it('answers 200 with no slots and a notice saying the window for a date too far ahead', async () => {
      const res = await ctx.api('get', '/v1/appointments/slots?serviceId=consultation&date=2026-06-30');
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        {
          date: '2026-06-30',
          timezone: 'Europe/Madrid',
          slots: [],
          notice: '2026-06-30 is beyond the booking window: bookings can be made from 2026-03-30 to 2026-05-29 (up to 60 days ahead).',
        },
      ]);
    });

    it('marks only the days outside the window, and past days as past', async () => {
      const ahead = await ctx.api('get', '/v1/appointments/slots?serviceId=consultation&date=2026-05-28&nextThreeDays=true');
      expect(ahead.body.map((day: { date: string; notice?: string }) => [day.date, day.notice !== undefined])).toEqual([
        ['2026-05-28', false],
        ['2026-05-29', false],
        ['2026-05-30', true],
      ]);
      const past = await ctx.api('get', '/v1/appointments/slots?serviceId=consultation&date=2026-03-02');
      expect(past.body[0]).toMatchObject({ slots: [], notice: expect.stringMatching(/^2026-03-02 is in the past: bookings can be made from 2026-03-30/) });
    });
  });
});
