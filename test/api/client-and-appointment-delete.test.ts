/**
 * Deleting a client (erasure): refused while they have upcoming active appointments; otherwise
 * their conversation, inbox and outbox go, and past appointments stay anonymised under the
 * "Deleted client" placeholder. Deleting an appointment removes its reminders and their jobs.
 */
import { DELETED_CLIENT_WA_ID } from '../../src/api';
import { createApiTestContext, type ApiTestContext } from './api-test-kit';

describe('deleting clients and appointments', () => {
  let ctx: ApiTestContext;

  beforeAll(async () => {
    ctx = await createApiTestContext();
  });
  afterAll(async () => ctx.db.drop());

  const jobKeys = async () =>
    (await ctx.db.prisma.$queryRaw<Array<{ key: string | null }>>`SELECT key FROM graphile_worker._private_jobs`).map((row) => row.key).filter((key): key is string => key !== null);

  const book = async (phone: string, date: string, time: string, notes?: string) => {
    const res = await ctx.api('post', '/v1/appointments').send({ fullName: 'Maria Lopez', countryCode: '+34', phone, serviceId: 'consultation', staffId: ctx.demo.staff.ana, date, time, notes });
    expect(res.status).toBe(201);
    return res.body as { id: string; client: { id: string } };
  };

  describe('DELETE /v1/appointments/{id}', () => {
    it('removes the appointment’s reminders, meeting jobs and reminder jobs', async () => {
      const appointment = await book('600 100 200', '2026-04-02', '09:00');
      const booking = await ctx.db.prisma.booking.findUniqueOrThrow({ where: { uid: appointment.id }, include: { reminders: true } });
      expect(booking.reminders.length).toBeGreaterThan(0);
      const keysBefore = await jobKeys();
      const ownKeys = keysBefore.filter((key) => key.includes(booking.id) || booking.reminders.some((reminder) => key.includes(reminder.id)));
      expect(ownKeys.length).toBeGreaterThanOrEqual(booking.reminders.length + 1);
      expect((await ctx.api('delete', `/v1/appointments/${appointment.id}`)).status).toBe(204);
      const keysAfter = await jobKeys();
      expect(keysAfter.filter((key) => ownKeys.includes(key))).toEqual([]);
      expect(await ctx.db.prisma.reminder.count({ where: { bookingId: booking.id } })).toBe(0);
      expect(await ctx.db.prisma.booking.count({ where: { id: booking.id } })).toBe(0);
    });
  });

  describe('DELETE /v1/clients/{id}', () => {
    it('refuses with 409 while the client has an upcoming active appointment, and changes nothing', async () => {
      const appointment = await book('600 100 300', '2026-04-03', '10:00');
      const res = await ctx.api('delete', `/v1/clients/${appointment.client.id}`);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('client_has_upcoming_appointments');
      expect(res.body.error.details).toEqual({ upcomingAppointments: 1 });
      expect(await ctx.db.prisma.customer.count({ where: { id: appointment.client.id } })).toBe(1);
      // Once cancelled, the client may go.
      await ctx.api('post', '/v1/appointments/cancel').send({ appointmentId: appointment.id });
      expect((await ctx.api('delete', `/v1/clients/${appointment.client.id}`)).status).toBe(204);
    });

    it('erases the client with their messages and keeps past appointments anonymised', async () => {
      const prisma = ctx.db.prisma;
      const past = await book('600 100 400', '2026-03-31', '11:00', 'Allergic to latex; call +34600100400');
      const clientId = past.client.id;
      const booking = await prisma.booking.findUniqueOrThrow({ where: { uid: past.id } });
      const client = await prisma.customer.findUniqueOrThrow({ where: { id: clientId } });
      await prisma.conversation.create({ data: { businessId: ctx.demo.businessId, customerId: clientId, machineVersion: 1, snapshot: {}, stateValue: 'idle' } });
      await prisma.inboxMessage.create({ data: { businessId: ctx.demo.businessId, customerId: clientId, waMessageId: 'wamid.erase-1', type: 'text', message: { text: 'hello' }, sentAt: new Date() } });
      await prisma.outboxMessage.create({ data: { businessId: ctx.demo.businessId, customerId: clientId, phoneNumberId: '1', recipient: client.waId, kind: 'reply', payload: { text: 'Hi Maria' } } });
      // The visit is over: a day later the appointment is past.
      ctx.clock.set('2026-04-01T12:00:00.000Z');
      try {
        expect((await ctx.api('delete', `/v1/clients/${clientId}`, ctx.keys.frontDesk)).status).toBe(403);
        expect((await ctx.api('delete', `/v1/clients/${clientId}`)).status).toBe(204);
      } finally {
        ctx.clock.set('2026-03-30T06:00:00.000Z');
      }
      expect(await prisma.customer.count({ where: { id: clientId } })).toBe(0);
      expect(await prisma.conversation.count({ where: { customerId: clientId } })).toBe(0);
      expect(await prisma.inboxMessage.count({ where: { waMessageId: 'wamid.erase-1' } })).toBe(0);
      expect(await prisma.outboxMessage.count({ where: { recipient: client.waId } })).toBe(0);
      const kept = await prisma.booking.findUniqueOrThrow({ where: { id: booking.id }, include: { customer: true, logs: true, reminders: true } });
      expect(kept.customer).toMatchObject({ waId: DELETED_CLIENT_WA_ID, name: 'Deleted client', phoneE164: null });
      expect(kept.notes).toBeNull();
      expect(JSON.stringify(kept.logs)).not.toContain('latex');
      expect(kept.reminders.every((reminder) => reminder.status !== 'pending')).toBe(true);
      const view = await ctx.api('get', `/v1/appointments/${past.id}`);
      expect(view.status).toBe(200);
      expect(view.body.client.fullName).toBe('Deleted client');
      expect(JSON.stringify(view.body)).not.toMatch(/Maria|600100400/);
      // The placeholder is not a client anyone can list, read or delete.
      const list = await ctx.api('get', '/v1/clients?limit=100');
      expect(list.body.data.map((c: { fullName: string }) => c.fullName)).not.toContain('Deleted client');
      expect((await ctx.api('get', `/v1/clients/${kept.customerId}`)).status).toBe(404);
      expect((await ctx.api('delete', `/v1/clients/${kept.customerId}`)).status).toBe(404);
    });

    it('deletes a client without appointments', async () => {
      const created = await ctx.api('post', '/v1/clients').send({ fullName: 'Temp Person', countryCode: '+34', phone: '600 555 666' });
      expect((await ctx.api('delete', `/v1/clients/${created.body.id}`)).status).toBe(204);
      expect((await ctx.api('get', `/v1/clients/${created.body.id}`)).status).toBe(404);
      expect((await ctx.api('delete', `/v1/clients/${created.body.id}`)).status).toBe(404);
    });
  });
});
