/**
 * /v1/appointments over HTTP against a real database: slots in any zone, booking with a new or
 * existing client, taken slots with alternatives, lifecycle, details, delete, idempotency.
 */
import { createApiTestContext, type ApiTestContext } from './api-test-kit';

describe('/v1/appointments', () => {
  let ctx: ApiTestContext;

  beforeAll(async () => {
    ctx = await createApiTestContext();
  });
  afterAll(async () => ctx.db.drop());
  beforeEach(async () => {
    await ctx.db.prisma.bookingLog.deleteMany({ where: { businessId: ctx.demo.businessId } });
    await ctx.db.prisma.booking.deleteMany({ where: { businessId: ctx.demo.businessId } });
    await ctx.db.prisma.idempotencyRecord.deleteMany();
  });

  const book = (overrides: Record<string, unknown> = {}, key?: string) =>
    ctx.api('post', '/v1/appointments', key).send({
      fullName: 'Maria Lopez',
      countryCode: '+34',
      phone: '611 222 333',
      serviceId: 'consultation',
      staffId: ctx.demo.staff.ana,
      date: '2026-03-31',
      time: '09:00',
      timezone: 'Europe/Madrid',
      ...overrides,
    });

  describe('GET /v1/appointments/slots', () => {
    it('lists distinct start times of Tuesday in the business zone with its offset', async () => {
      const res = await ctx.api('get', '/v1/appointments/slots?serviceId=consultation&date=2026-03-31');
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(1);
      const [day] = res.body;
      expect(day).toMatchObject({ date: '2026-03-31', timezone: 'Europe/Madrid' });
      expect(day.slots[0]).toEqual({ startTime: '2026-03-31T09:00:00+02:00', endTime: '2026-03-31T09:30:00+02:00' });
      const starts = day.slots.map((slot: { startTime: string }) => slot.startTime);
      // Ana and Ben are both free at 09:00: still one entry per start time.
      expect(new Set(starts).size).toBe(starts.length);
      expect(starts).toContain('2026-03-31T17:30:00+02:00');
      // 30 minutes from 12:45 or 17:45 would run past the end of the morning or the day.
      expect(starts).not.toContain('2026-03-31T12:45:00+02:00');
      expect(starts).not.toContain('2026-03-31T17:45:00+02:00');
    });

    it('answers three days with nextThreeDays=true, weekends included as empty days', async () => {
      const res = await ctx.api('get', `/v1/appointments/slots?serviceId=${ctx.demo.services.consultation}&date=2026-04-03&nextThreeDays=true`);
      expect(res.status).toBe(200);
      expect(res.body.map((day: { date: string; slots: unknown[] }) => [day.date, day.slots.length > 0])).toEqual([
        ['2026-04-03', true],
        ['2026-04-04', false],
        ['2026-04-05', false],
      ]);
    });

    it('reads the date in the requested zone and answers with that zone’s offset', async () => {
      const res = await ctx.api('get', '/v1/appointments/slots?serviceId=consultation&date=2026-03-31&timezone=America/New_York');
      expect(res.status).toBe(200);
      expect(res.body[0].timezone).toBe('America/New_York');
      // 09:00 Madrid = 03:00 New York; the last start, 17:30 Madrid, is 11:30 there.
      expect(res.body[0].slots[0].startTime).toBe('2026-03-31T03:00:00-04:00');
      expect(res.body[0].slots.at(-1).startTime).toBe('2026-03-31T11:30:00-04:00');
    });

    it('leaves out a slot once it is booked for the only staff member asked about', async () => {
      expect((await book()).status).toBe(201);
      const res = await ctx.api('get', `/v1/appointments/slots?serviceId=consultation&date=2026-03-31&staffId=${ctx.demo.staff.ana}`);
      expect(res.body[0].slots[0].startTime).toBe('2026-03-31T09:30:00+02:00');
      const any = await ctx.api('get', '/v1/appointments/slots?serviceId=consultation&date=2026-03-31');
      expect(any.body[0].slots[0].startTime).toBe('2026-03-31T09:00:00+02:00');
    });

    it.each([
      ['an unknown zone', 'serviceId=consultation&date=2026-03-31&timezone=Mars/Olympus', 400, 'invalid_request'],
      ['an offset instead of a zone', 'serviceId=consultation&date=2026-03-31&timezone=%2B02:00', 400, 'invalid_request'],
      ['a malformed date', 'serviceId=consultation&date=31-03-2026', 400, 'invalid_request'],
      ['a missing service', 'date=2026-03-31', 400, 'invalid_request'],
      ['nextThreeDays=yes', 'serviceId=consultation&date=2026-03-31&nextThreeDays=yes', 400, 'invalid_request'],
      ['a staff id that is not a UUID', 'serviceId=consultation&date=2026-03-31&staffId=ana', 400, 'invalid_request'],
      ['an unknown service', 'serviceId=massage&date=2026-03-31', 404, 'service_not_found'],
    ])('refuses %s', async (_name, query, status, code) => {
      const res = await ctx.api('get', `/v1/appointments/slots?${query}`);
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
    });

    it('names the offending field', async () => {
      const res = await ctx.api('get', '/v1/appointments/slots?serviceId=consultation&date=2026-03-31&timezone=Nowhere');
      expect(res.body.error.details).toEqual([{ in: 'query', field: 'timezone', message: 'must be an IANA time zone such as Europe/Madrid' }]);
    });
  });

  describe('POST /v1/appointments', () => {
    it('books for a new client found by phone and answers the Whautomate shape', async () => {
      const res = await book({ notes: 'First visit', addOnServices: [] });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id: expect.stringMatching(/^bk_/),
        client: { fullName: 'Maria Lopez', phone: '+34611222333' },
        staff: { id: ctx.demo.staff.ana, name: 'Dr. Ana García' },
        date: '2026-03-31',
        time: '09:00',
        timezone: 'Europe/Madrid',
        startTimeUTC: '2026-03-31T07:00:00.000Z',
        startTime: '2026-03-31T09:00:00+02:00',
        endTimeUTC: '2026-03-31T07:30:00.000Z',
        endTime: '2026-03-31T09:30:00+02:00',
        service: { id: ctx.demo.services.consultation, name: 'Consultation', durationMinutes: 30, sellingPrice: 60 },
        addOnServices: [],
        bookedFrom: 'api',
        status: 'confirmed',
        appointmentType: 'in_person',
        paymentStatus: 'unpaid',
        notes: 'First visit',
        rescheduleCount: 0,
      });
      const customer = await ctx.db.prisma.customer.findUniqueOrThrow({ where: { id: res.body.client.id } });
      expect(customer).toMatchObject({ waId: '34611222333', phoneE164: '+34611222333', businessId: ctx.demo.businessId });
    });

    it('finds the same client again by phone instead of creating a second one', async () => {
      const first = await book();
      const second = await book({ time: '10:00', fullName: 'Maria L.', phone: '611-222-333' });
      expect(second.status).toBe(201);
      expect(second.body.client.id).toBe(first.body.client.id);
      expect(second.body.client.fullName).toBe('Maria Lopez');
    });

    it('books an existing client by clientId with any free staff member', async () => {
      const [customerId] = await ctx.demo.createCustomers(1, '3470000');
      const res = await ctx.api('post', '/v1/appointments').send({ clientId: customerId, serviceId: 'consultation', date: '2026-03-31', time: '09:00' });
      expect(res.status).toBe(201);
      expect([ctx.demo.staff.ana, ctx.demo.staff.ben]).toContain(res.body.staff.id);
    });

    it('converts a time given in another zone to the business zone', async () => {
      const res = await book({ time: '08:00', timezone: 'Europe/Lisbon' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ startTimeUTC: '2026-03-31T07:00:00.000Z', time: '09:00', timezone: 'Europe/Madrid' });
    });

    it('answers a taken slot with 409 and the nearest alternatives in the caller’s zone', async () => {
      await book();
      const res = await book({ fullName: 'Other', phone: '622 000 111' });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('slot_no_longer_available');
      const alternatives = res.body.error.details.alternatives;
      expect(alternatives.length).toBeGreaterThan(0);
      expect(alternatives).toContainEqual({ startTime: '2026-03-31T09:30:00+02:00', endTime: '2026-03-31T10:00:00+02:00', staffId: ctx.demo.staff.ana });
      expect(await ctx.db.prisma.booking.count({ where: { businessId: ctx.demo.businessId } })).toBe(1);
    });

    it.each([
      ['a time outside working hours', { time: '20:00' }, 422, 'slot_outside_hours'],
      ['a time too soon', { date: '2026-03-30', time: '09:00' }, 422, 'slot_too_soon'],
      ['a time off the grid', { time: '09:10' }, 422, 'slot_not_on_step'],
      ['a time in the past', { date: '2026-03-01' }, 422, 'slot_in_past'],
      ['an add-on the service does not offer', { addOnServices: [{ id: 'x' }] }, 422, 'add_on_not_available'],
      ['a staff member who does not perform the service', { serviceId: 'physio' }, 422, 'staff_does_not_perform_service'],
      ['a time skipped by DST', { date: '2026-03-29', time: '02:30' }, 422, 'validation_failed'],
      ['an unknown client', { clientId: '00000000-0000-4000-8000-000000000000', fullName: undefined, countryCode: undefined, phone: undefined }, 404, 'customer_not_found'],
      ['an unknown location', { locationId: '00000000-0000-4000-8000-000000000000' }, 404, 'location_not_found'],
    ])('refuses %s', async (_name, overrides, status, code) => {
      const res = await book(overrides);
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message.length).toBeGreaterThan(20);
    });

    it('lets only admin keys override slot validation', async () => {
      const desk = await book({ time: '20:00', overrideTimeSlotValidation: true }, ctx.keys.frontDesk);
      expect(desk.status).toBe(403);
      const admin = await book({ time: '20:00', overrideTimeSlotValidation: true });
      expect(admin.status).toBe(201);
      expect(admin.body.time).toBe('20:00');
    });
  });

  describe('garbage to every POST answers 400 with field details, never 500', () => {
    const garbage: Array<[string, unknown]> = [
      ['an empty object', {}],
      ['an array', [1, 2]],
      ['wrong types', { appointmentId: 5, date: true, time: [], rating: 'five', serviceId: { a: 1 }, clientId: 7 }],
      ['a huge string', { appointmentId: 'x'.repeat(5000), cancellationReason: 'y'.repeat(5000), rating: 1e309 }],
    ];
    const posts = ['/v1/appointments', '/v1/appointments/reschedule', '/v1/appointments/cancel', '/v1/appointments/bk_x/rating'];
    it.each(posts.flatMap((path) => garbage.map(([name, body]) => [path, name, body] as const)))('%s with %s', async (path, _name, body) => {
      const res = await ctx.api('post', path).send(body as object);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(Array.isArray(res.body.error.details)).toBe(true);
    });

    it.each(posts)('%s with invalid JSON', async (path) => {
      const res = await ctx.api('post', path).set('content-type', 'application/json').send('{"date": ');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_json');
    });
  });

  describe('reading', () => {
    it('lists with filters and pagination metadata, soonest first', async () => {
      await book({ time: '11:00' });
      await book({ time: '09:00', staffId: ctx.demo.staff.ben, phone: '622 000 222' });
      await book({ date: '2026-04-01', time: '09:00' });
      const page1 = await ctx.api('get', '/v1/appointments?limit=2&page=1');
      expect(page1.status).toBe(200);
      expect(page1.body.pagination).toEqual({ page: 1, limit: 2, totalItems: 3, totalPages: 2 });
      expect(page1.body.data.map((a: { time: string }) => a.time)).toEqual(['09:00', '11:00']);
      const tuesdayAna = await ctx.api('get', `/v1/appointments?startDate=2026-03-31&endDate=2026-03-31&staffId=${ctx.demo.staff.ana}`);
      expect(tuesdayAna.body.data.map((a: { time: string; date: string }) => `${a.date} ${a.time}`)).toEqual(['2026-03-31 11:00']);
      const cancelled = await ctx.api('get', '/v1/appointments?status=cancelled');
      expect(cancelled.body.data).toEqual([]);
    });

    it.each(['limit=0', 'limit=101', 'page=0', 'status=done', 'startDate=tomorrow', 'clientId=abc'])('refuses ?%s with 400', async (query) => {
      const res = await ctx.api('get', `/v1/appointments?${query}`);
      expect(res.status).toBe(400);
    });

    it('reads one appointment by its public id; unknown ids are 404', async () => {
      const created = await book();
      const res = await ctx.api('get', `/v1/appointments/${created.body.id}`, ctx.keys.readOnly);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(created.body);
      expect((await ctx.api('get', '/v1/appointments/bk_doesnotexist0000')).status).toBe(404);
    });
  });

  describe('changes', () => {
    it('reschedules (count +1) and cancels; a cancelled appointment refuses further changes with 409', async () => {
      const created = await book();
      const moved = await ctx.api('post', '/v1/appointments/reschedule').send({ appointmentId: created.body.id, date: '2026-04-01', time: '10:30', reason: 'Client asked' });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ date: '2026-04-01', time: '10:30', rescheduleCount: 1, staff: { id: ctx.demo.staff.ana } });
      const cancelled = await ctx.api('post', '/v1/appointments/cancel').send({ appointmentId: created.body.id, cancellationReason: 'Ill' });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', cancellationReason: 'Ill' });
      const again = await ctx.api('post', '/v1/appointments/cancel').send({ appointmentId: created.body.id });
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: 'invalid_transition', details: { status: 'cancelled' } });
      expect(again.body.error.message).toContain('final');
      const reschedule = await ctx.api('post', '/v1/appointments/reschedule').send({ appointmentId: created.body.id, date: '2026-04-02', time: '10:30' });
      expect(reschedule.status).toBe(409);
    });

    it('answers a reschedule onto a taken slot with 409 and alternatives', async () => {
      const first = await book();
      await book({ time: '10:00', phone: '622 000 333' });
      const res = await ctx.api('post', '/v1/appointments/reschedule').send({ appointmentId: first.body.id, date: '2026-03-31', time: '10:00', staffId: ctx.demo.staff.ana });
      expect(res.status).toBe(409);
      expect(res.body.error.details.alternatives.length).toBeGreaterThan(0);
    });

    it('walks the lifecycle: complete, rate; no-show after completion is refused', async () => {
      const created = await book();
      const completed = await ctx.api('post', `/v1/appointments/${created.body.id}/complete`, ctx.keys.frontDesk);
      expect(completed.status).toBe(200);
      expect(completed.body.status).toBe('completed');
      const rated = await ctx.api('post', `/v1/appointments/${created.body.id}/rating`).send({ rating: 5 });
      expect(rated.status).toBe(200);
      expect(rated.body.rating).toBe(5);
      expect((await ctx.api('post', `/v1/appointments/${created.body.id}/rating`).send({ rating: 6 })).status).toBe(400);
      const noShow = await ctx.api('post', `/v1/appointments/${created.body.id}/no-show`);
      expect(noShow.status).toBe(409);
      expect(noShow.body.error.code).toBe('invalid_transition');
    });

    it('confirms a pending appointment, and refuses to confirm it twice', async () => {
      const created = await book();
      await ctx.db.prisma.booking.update({ where: { uid: created.body.id }, data: { status: 'pending' } });
      const confirmed = await ctx.api('post', `/v1/appointments/${created.body.id}/confirm`);
      expect(confirmed.status).toBe(200);
      expect(confirmed.body.status).toBe('confirmed');
      expect((await ctx.api('post', `/v1/appointments/${created.body.id}/confirm`)).status).toBe(409);
    });

    it('marks a no-show and rating it is refused', async () => {
      const created = await book();
      expect((await ctx.api('post', `/v1/appointments/${created.body.id}/no-show`)).body.status).toBe('no_show');
      expect((await ctx.api('post', `/v1/appointments/${created.body.id}/rating`).send({ rating: 1 })).status).toBe(409);
    });

    it('updates location, source, metadata and notes', async () => {
      const created = await book();
      const location = await ctx.db.prisma.location.findFirstOrThrow({ where: { businessId: ctx.demo.businessId } });
      const res = await ctx.api('patch', `/v1/appointments/${created.body.id}`).send({ locationId: location.id, bookedFrom: 'admin', metadata: { crmId: 'A-1' }, notes: 'x' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ location: { id: location.id, title: 'Demo Clinic' }, bookedFrom: 'admin', metadata: { crmId: 'A-1' }, notes: 'x' });
      const cleared = await ctx.api('patch', `/v1/appointments/${created.body.id}`).send({ notes: null, metadata: null });
      expect(cleared.body).toMatchObject({ notes: null, metadata: null });
      expect((await ctx.api('patch', `/v1/appointments/${created.body.id}`).send({})).status).toBe(400);
      expect((await ctx.api('patch', `/v1/appointments/${created.body.id}`).send({ bookedFrom: 'fax' })).status).toBe(400);
    });

    it('deletes an appointment with its audit log', async () => {
      const created = await book();
      const res = await ctx.api('delete', `/v1/appointments/${created.body.id}`);
      expect(res.status).toBe(204);
      expect((await ctx.api('get', `/v1/appointments/${created.body.id}`)).status).toBe(404);
      expect(await ctx.db.prisma.bookingLog.count({ where: { businessId: ctx.demo.businessId } })).toBe(0);
      expect((await ctx.api('delete', `/v1/appointments/${created.body.id}`)).status).toBe(404);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first response for the same key and body, and books once', async () => {
      const first = await book().set('Idempotency-Key', 'key-1');
      const second = await book().set('Idempotency-Key', 'key-1');
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body).toEqual(first.body);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(await ctx.db.prisma.booking.count({ where: { businessId: ctx.demo.businessId } })).toBe(1);
    });

    it('refuses the same key with another body (422), whatever the key order of the first', async () => {
      await book().set('Idempotency-Key', 'key-2');
      const other = await book({ time: '10:00' }).set('Idempotency-Key', 'key-2');
      expect(other.status).toBe(422);
      expect(other.body.error.code).toBe('idempotency_key_reused');
    });

    it('runs two identical simultaneous requests once; both get the same appointment', async () => {
      const [a, b] = await Promise.all([book().set('Idempotency-Key', 'key-3'), book().set('Idempotency-Key', 'key-3')]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.id).toBe(b.body.id);
      expect(await ctx.db.prisma.booking.count({ where: { businessId: ctx.demo.businessId } })).toBe(1);
    });

    it('replays a refusal too, even after the slot became free', async () => {
      const blocker = await book();
      const refused = await book({ phone: '622 000 444' }).set('Idempotency-Key', 'key-4');
      expect(refused.status).toBe(409);
      await ctx.api('post', '/v1/appointments/cancel').send({ appointmentId: blocker.body.id });
      const replay = await book({ phone: '622 000 444' }).set('Idempotency-Key', 'key-4');
      expect(replay.status).toBe(409);
      expect(replay.body).toEqual(refused.body);
    });

    it('keeps keys apart per API key', async () => {
      const mine = await book().set('Idempotency-Key', 'shared');
      const theirs = await book({ time: '10:00' }, ctx.keys.frontDesk).set('Idempotency-Key', 'shared');
      expect(theirs.status).toBe(201);
      expect(theirs.body.id).not.toBe(mine.body.id);
    });

    it('refuses an unusable key', async () => {
      const res = await book().set('Idempotency-Key', 'x'.repeat(201));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_idempotency_key');
    });
  });
});
