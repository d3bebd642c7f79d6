/**
 * CRUD of the rest of the business over HTTP: services (20 active at most), staff with services,
 * working hours and date overrides (which the slot search then honours), locations, clients,
 * settings. Garbage input is a 400 with field details everywhere.
 */
import { createApiTestContext, type ApiTestContext } from './api-test-kit';

describe('business resources', () => {
  let ctx: ApiTestContext;

  beforeAll(async () => {
    ctx = await createApiTestContext();
  });
  afterAll(async () => ctx.db.drop());

  describe('/v1/services', () => {
    it('creates, reads by id and uid, updates, lists and deletes a service', async () => {
      const created = await ctx.api('post', '/v1/services').send({ uid: 'cleaning', name: 'Cleaning', durationMinutes: 45, sellingPrice: 70.5, staffIds: [ctx.demo.staff.ana] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ uid: 'cleaning', name: 'Cleaning', durationMinutes: 45, sellingPrice: 70.5, currency: 'EUR', isActive: true, staffIds: [ctx.demo.staff.ana] });
      expect((await ctx.api('get', '/v1/services/cleaning', ctx.keys.readOnly)).body.id).toBe(created.body.id);
      const updated = await ctx.api('patch', `/v1/services/${created.body.id}`).send({ sellingPrice: 65, bufferAfterMinutes: 10 });
      expect(updated.body).toMatchObject({ sellingPrice: 65, bufferAfterMinutes: 10 });
      const list = await ctx.api('get', '/v1/services');
      expect(list.body.map((s: { uid: string }) => s.uid)).toEqual(['consultation', 'follow-up', 'physio', 'blood-test', 'cleaning']);
      expect((await ctx.api('delete', '/v1/services/cleaning')).status).toBe(204);
      expect((await ctx.api('get', '/v1/services/cleaning')).status).toBe(404);
    });

    it('refuses a duplicate uid with 409', async () => {
      const res = await ctx.api('post', '/v1/services').send({ uid: 'consultation', name: 'Again', durationMinutes: 30, sellingPrice: 1 });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('conflict');
    });

    it('keeps at most 20 active services: the 21st is refused, an inactive one is fine', async () => {
      for (let i = 4; i <= 20; i += 1) {
        expect((await ctx.api('post', '/v1/services').send({ uid: `s${i}`, name: `Service ${i}`, durationMinutes: 30, sellingPrice: 10 })).status).toBe(201);
      }
      const over = await ctx.api('post', '/v1/services').send({ uid: 's21', name: 'Service 21', durationMinutes: 30, sellingPrice: 10 });
      expect(over.status).toBe(409);
      expect(over.body.error.code).toBe('too_many_active_services');
      const inactive = await ctx.api('post', '/v1/services').send({ uid: 's21', name: 'Service 21', durationMinutes: 30, sellingPrice: 10, isActive: false });
      expect(inactive.status).toBe(201);
      expect((await ctx.api('patch', '/v1/services/s21').send({ isActive: true })).status).toBe(409);
      await ctx.api('patch', '/v1/services/s20').send({ isActive: false });
      expect((await ctx.api('patch', '/v1/services/s21').send({ isActive: true })).status).toBe(200);
      // The demo's add-on is active too, but is no row of the WhatsApp service list.
      expect((await ctx.api('get', '/v1/services?isActive=true')).body.filter((service: { isAddOn: boolean }) => !service.isAddOn)).toHaveLength(20);
      for (let i = 4; i <= 21; i += 1) await ctx.api('delete', `/v1/services/s${i}`);
    });

    it('refuses to delete a booked service (deactivate instead)', async () => {
      const [customerId] = await ctx.demo.createCustomers(1, '3481000');
      const booked = await ctx.api('post', '/v1/appointments').send({ clientId: customerId, serviceId: 'follow-up', date: '2026-04-02', time: '09:00' });
      expect(booked.status).toBe(201);
      const res = await ctx.api('delete', '/v1/services/follow-up');
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain('isActive');
      await ctx.api('delete', `/v1/appointments/${booked.body.id}`);
    });

    it.each([
      [{}, ['uid', 'name', 'durationMinutes', 'sellingPrice']],
      [{ uid: 'a b', name: 'x', durationMinutes: 30, sellingPrice: 1 }, ['uid']],
      [{ uid: 'ok', name: 'x', durationMinutes: 2, sellingPrice: -1 }, ['durationMinutes', 'sellingPrice']],
      [{ uid: 'ok', name: 'x', durationMinutes: 30, sellingPrice: 1.234 }, ['sellingPrice']],
      [{ uid: 'ok', name: 'x', durationMinutes: 30, sellingPrice: 1, currency: 'euro', staffIds: ['ana'] }, ['currency', 'staffIds.0']],
    ])('POST %j → 400 naming %j', async (body, fields) => {
      const res = await ctx.api('post', '/v1/services').send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([...fields].sort());
    });
  });

  describe('/v1/staff', () => {
    let staffId: string;

    it('adds a staff member with services, hours and an override, and the slot search honours them', async () => {
      const created = await ctx.api('post', '/v1/staff').send({ name: 'Dr. Lena Park', whatsappNumber: '+34600000009', serviceIds: [ctx.demo.services.physio] });
      expect(created.status).toBe(201);
      staffId = created.body.id;
      expect(created.body).toMatchObject({ name: 'Dr. Lena Park', isActive: true, serviceIds: [ctx.demo.services.physio] });

      const hours = await ctx.api('put', `/v1/staff/${staffId}/working-hours`).send({ tuesday: [{ start: '15:00', end: '17:00' }], friday: [{ start: '22:00', end: '02:00' }] });
      expect(hours.status).toBe(200);
      expect(hours.body).toMatchObject({ monday: [], tuesday: [{ start: '15:00', end: '17:00' }], friday: [{ start: '22:00', end: '02:00' }] });
      expect((await ctx.api('get', `/v1/staff/${staffId}/working-hours`)).body).toEqual(hours.body);

      const slots = await ctx.api('get', `/v1/appointments/slots?serviceId=physio&staffId=${staffId}&date=2026-03-31`);
      // 45 minutes from 15:00 to 17:00: the last start is 16:15.
      const starts = slots.body[0].slots.map((s: { startTime: string }) => s.startTime);
      expect([starts[0], starts.at(-1), starts.length]).toEqual(['2026-03-31T15:00:00+02:00', '2026-03-31T16:15:00+02:00', 6]);

      const closed = await ctx.api('post', `/v1/staff/${staffId}/date-overrides`).send({ date: '2026-03-31', isClosed: true, note: 'Conference' });
      expect(closed.status).toBe(201);
      expect(closed.body).toMatchObject({ date: '2026-03-31', isClosed: true, startTime: null, note: 'Conference' });
      const none = await ctx.api('get', `/v1/appointments/slots?serviceId=physio&staffId=${staffId}&date=2026-03-31`);
      expect(none.body[0].slots).toEqual([]);
      expect((await ctx.api('get', `/v1/staff/${staffId}/date-overrides?from=2026-03-01&to=2026-04-30`)).body).toHaveLength(1);
      expect((await ctx.api('delete', `/v1/staff/${staffId}/date-overrides/${closed.body.id}`)).status).toBe(204);
      expect((await ctx.api('get', `/v1/staff/${staffId}/date-overrides`)).body).toEqual([]);
    });

    it('replaces the services of a staff member', async () => {
      const res = await ctx.api('put', `/v1/staff/${staffId}/services`).send({ serviceIds: [ctx.demo.services.consultation, ctx.demo.services.physio] });
      expect(res.status).toBe(200);
      expect(res.body.serviceIds).toEqual([ctx.demo.services.consultation, ctx.demo.services.physio].sort());
      expect((await ctx.api('get', `/v1/staff/${staffId}/services`)).body).toEqual(res.body);
    });

    it('deactivates and deletes a staff member without bookings', async () => {
      expect((await ctx.api('patch', `/v1/staff/${staffId}`).send({ isActive: false })).body.isActive).toBe(false);
      expect((await ctx.api('get', '/v1/staff?isActive=true')).body.map((s: { id: string }) => s.id)).not.toContain(staffId);
      expect((await ctx.api('delete', `/v1/staff/${staffId}`)).status).toBe(204);
      expect((await ctx.api('get', `/v1/staff/${staffId}`)).status).toBe(404);
    });

    it.each([
      ['overlapping ranges', { monday: [{ start: '09:00', end: '13:00' }, { start: '12:00', end: '14:00' }] }, 'monday'],
      ['a bad time', { monday: [{ start: '9am', end: '13:00' }] }, 'monday.0.start'],
      ['an unknown weekday key is ignored but a wrong type is not', { monday: 'all day' }, 'monday'],
    ])('refuses working hours with %s', async (_name, body, field) => {
      const res = await ctx.api('put', `/v1/staff/${ctx.demo.staff.ana}/working-hours`).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it.each([
      [{ date: '2026-04-01', isClosed: false }, ['startTime', 'endTime']],
      [{ date: '2026-04-01', isClosed: false, startTime: '12:00', endTime: '10:00' }, ['endTime']],
      [{ date: '2026-04-01', isClosed: true, startTime: '10:00' }, ['startTime']],
      [{ date: 'April', isClosed: 'yes' }, ['date', 'isClosed']],
    ])('refuses the override %j', async (body, fields) => {
      const res = await ctx.api('post', `/v1/staff/${ctx.demo.staff.ana}/date-overrides`).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([...fields].sort());
    });

    it('refuses to delete a staff member with bookings', async () => {
      const [customerId] = await ctx.demo.createCustomers(1, '3482000');
      const booked = await ctx.api('post', '/v1/appointments').send({ clientId: customerId, serviceId: 'physio', date: '2026-04-02', time: '09:00' });
      expect((await ctx.api('delete', `/v1/staff/${booked.body.staff.id}`)).status).toBe(409);
      await ctx.api('delete', `/v1/appointments/${booked.body.id}`);
    });

    it('answers 400 (not 500) for an id that is not a UUID', async () => {
      expect((await ctx.api('get', '/v1/staff/ana')).status).toBe(400);
    });
  });

  describe('/v1/locations', () => {
    it('creates, updates, lists and deletes a location', async () => {
      const created = await ctx.api('post', '/v1/locations').send({ title: 'City centre', address: 'Gran Vía 10' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ title: 'City centre', address: 'Gran Vía 10', isActive: true });
      expect((await ctx.api('patch', `/v1/locations/${created.body.id}`).send({ title: 'Centre' })).body.title).toBe('Centre');
      expect((await ctx.api('get', '/v1/locations')).body.map((l: { title: string }) => l.title)).toEqual(['Centre', 'Demo Clinic']);
      expect((await ctx.api('delete', `/v1/locations/${created.body.id}`)).status).toBe(204);
      expect((await ctx.api('post', '/v1/locations').send({ title: '' })).status).toBe(400);
    });
  });

  describe('/v1/clients', () => {
    it('adds a client by phone, refuses the same number twice, finds and updates it', async () => {
      const created = await ctx.api('post', '/v1/clients', ctx.keys.frontDesk).send({ fullName: 'Ana Cliente', countryCode: '+351', phone: '912 345 678', locale: 'pt' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ fullName: 'Ana Cliente', phone: '+351912345678', waId: '351912345678', locale: 'pt', isOptedOut: false });
      const again = await ctx.api('post', '/v1/clients').send({ fullName: 'Ana', countryCode: '351', phone: '912345678' });
      expect(again.status).toBe(409);
      expect(again.body.error.details).toEqual({ clientId: created.body.id });
      const found = await ctx.api('get', '/v1/clients?search=cliente');
      expect(found.body.data.map((c: { id: string }) => c.id)).toEqual([created.body.id]);
      expect((await ctx.api('get', '/v1/clients?search=912345')).body.data.map((c: { id: string }) => c.id)).toEqual([created.body.id]);
      const updated = await ctx.api('patch', `/v1/clients/${created.body.id}`).send({ fullName: 'Ana C.', isOptedOut: true, timeZone: 'Europe/Lisbon' });
      expect(updated.body).toMatchObject({ fullName: 'Ana C.', isOptedOut: true, timeZone: 'Europe/Lisbon' });
      expect((await ctx.api('get', `/v1/clients/${created.body.id}`)).body).toEqual(updated.body);
    });

    it.each([
      [{ fullName: 'X', countryCode: '+34', phone: '12' }, 'phone'],
      [{ fullName: 'X', countryCode: 'ES', phone: '611222333' }, 'countryCode'],
      [{ fullName: 'X', countryCode: '+34', phone: '611222333', timeZone: 'Madrid' }, 'timeZone'],
      [{ countryCode: '+34', phone: '611222333' }, 'fullName'],
    ])('refuses %j naming %s', async (body, field) => {
      const res = await ctx.api('post', '/v1/clients').send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    });
  });

  describe('/v1/settings', () => {
    it('reads and changes booking settings; read-only keys may read only', async () => {
      const read = await ctx.api('get', '/v1/settings', ctx.keys.readOnly);
      expect(read.body).toMatchObject({ id: ctx.demo.businessId, timeZone: 'Europe/Madrid', slotStepMinutes: 15, minimumNoticeMinutes: 120 });
      const changed = await ctx.api('patch', '/v1/settings').send({ minimumNoticeMinutes: 60, emergencyKeywords: ['sangre'] });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ minimumNoticeMinutes: 60, emergencyKeywords: ['sangre'] });
      expect((await ctx.api('patch', '/v1/settings', ctx.keys.readOnly).send({ minimumNoticeMinutes: 0 })).status).toBe(403);
      const bad = await ctx.api('patch', '/v1/settings').send({ slotStepMinutes: 7, timeZone: 'Mars/Base' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['slotStepMinutes', 'timeZone']);
      await ctx.api('patch', '/v1/settings').send({ minimumNoticeMinutes: 120, emergencyKeywords: [] });
    });
  });
});
