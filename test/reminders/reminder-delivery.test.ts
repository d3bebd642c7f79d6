/**
 * Reminder rules in practice: cancellations stop later reminders, opted-out customers get
 * nothing, the 24-hour window decides between interactive and template, crashes and repeated
 * jobs never send twice, and sends are paced per phone number.
 */
import { DEMO } from '../../prisma/seed';
import { reminderJobKey, sendReminder, setSendRate } from '../../src/reminders';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { createReminderWorld, type ReminderWorld } from './reminder-world';

const T0 = '2026-03-23T08:00:00.000Z'; // Monday 09:00 Madrid
const WED_10 = new Date('2026-03-25T09:00:00.000Z'); // Wed 10:00 Madrid; reminders at Tue 09:00Z and Wed 07:00Z
const AFTER_ALL = '2026-03-26T00:00:00.000Z';

describe('reminder sending', () => {
  let db: TestDatabase;
  let world: ReminderWorld;

  beforeEach(async () => {
    db = await createTestDatabase();
    world = await createReminderWorld(db, { now: T0 });
  });
  afterEach(async () => {
    await world.stop();
    await db.drop();
  });

  async function book(options: { lastInboundAt?: string | null; isOptedOut?: boolean; start?: Date; staff?: 'ana' | 'ben' } = {}) {
    const [customerId] = await world.demo.createCustomers(1);
    await db.prisma.customer.update({
      where: { id: customerId! },
      data: { name: 'Marta', lastInboundAt: options.lastInboundAt === undefined ? new Date(T0) : options.lastInboundAt, isOptedOut: options.isOptedOut ?? false },
    });
    const result = await world.bookings.confirmSlot({
      businessId: world.demo.businessId,
      customerId: customerId!,
      serviceId: world.demo.services.consultation,
      staffId: world.demo.staff[options.staff ?? 'ana'],
      start: options.start ?? WED_10,
      source: 'api',
      actor: 'test',
    });
    if (!result.ok) throw new Error('slot taken');
    const customer = await db.prisma.customer.findUniqueOrThrow({ where: { id: customerId! } });
    return { booking: result.booking, customerId: customerId!, waId: customer.waId };
  }

  const rowsOf = async (bookingId: string) =>
    (await db.prisma.reminder.findMany({ where: { bookingId }, orderBy: [{ kind: 'asc' }, { sequence: 'asc' }] })).map((row) => [row.kind, row.sequence, row.status, row.reason]);
  const sentTo = (waId: string) => world.sent.filter((message) => message.to === waId);

  it('a cancellation after the first reminder stops the second', async () => {
    const { booking, waId } = await book({ lastInboundAt: '2026-03-24T08:00:00.000Z' });
    await world.runJobsUntil('2026-03-24T12:00:00.000Z');
    expect(sentTo(waId)).toHaveLength(1);
    await world.bookings.cancel({ businessId: world.demo.businessId, bookingId: booking.id, actor: 'test' });
    await world.runJobsUntil(AFTER_ALL);
    expect(sentTo(waId)).toHaveLength(1);
    expect(await rowsOf(booking.id)).toStrictEqual([
      ['reminder', 1, 'sent', null],
      ['reminder', 2, 'cancelled', 'booking_cancelled'],
    ]);
    expect((await world.events()).map((event) => event.type)).toStrictEqual(['BOOKING_CREATED', 'REMINDER_SENDING', 'BOOKING_CANCELLED']);
    expect(await world.pendingJobs()).toStrictEqual([]);
  });

  it('an opted-out customer gets no reminder and no follow-up; the rows say why', async () => {
    const { booking, waId } = await book({ isOptedOut: true });
    await world.runJobsUntil('2026-03-25T13:00:00.000Z');
    expect(sentTo(waId)).toStrictEqual([]);
    expect(await rowsOf(booking.id)).toStrictEqual([
      ['followup', 1, 'skipped', 'opted_out'],
      ['reminder', 1, 'skipped', 'opted_out'],
      ['reminder', 2, 'skipped', 'opted_out'],
    ]);
  });

  it('outside the 24-hour window the rule template is sent, with the same quick-reply payloads', async () => {
    const { booking, waId } = await book({ lastInboundAt: null });
    await world.runJobsUntil('2026-03-24T10:00:00.000Z');
    const [message] = sentTo(waId);
    expect(message!.type).toBe('template');
    const template = message!.body.template as { name: string; language: { code: string }; components: Array<{ type: string; sub_type?: string; parameters: Array<{ text?: string; payload?: string }> }> };
    expect([template.name, template.language.code]).toStrictEqual(['appointment_reminder', 'en']);
    expect(template.components.filter((c) => c.sub_type === 'quick_reply').map((c) => c.parameters[0]!.payload)).toStrictEqual([
      `reminder:confirm:${booking.uid}`,
      `reminder:reschedule:${booking.uid}`,
      `reminder:cancel:${booking.uid}`,
    ]);
  });

  it('outside the window a rule without a template is skipped instead of failing at Meta', async () => {
    await db.prisma.reminderRule.updateMany({ where: { kind: 'reminder' }, data: { templateName: null, templateLanguage: null } });
    const { booking, waId } = await book({ lastInboundAt: null });
    await world.runJobsUntil('2026-03-24T10:00:00.000Z');
    expect(sentTo(waId)).toStrictEqual([]);
    expect((await rowsOf(booking.id))[0]).toStrictEqual(['reminder', 1, 'skipped', 'outside_window_no_template']);
  });

  it('inside the window the interactive message goes first and the template follows when Meta answers 131047', async () => {
    const { waId } = await book({ lastInboundAt: '2026-03-24T08:00:00.000Z' });
    world.graph.failNext(1, 400, { code: 131047, message: 'Re-engagement message' });
    await world.runJobsUntil('2026-03-24T10:00:00.000Z');
    const toCustomer = world.graph.requests.filter((request) => request.body.to === waId).map((request) => request.body.type);
    expect(toCustomer).toStrictEqual(['interactive', 'template']);
  });

  it('times are written in the customer’s own zone, with the zone named', async () => {
    const { waId, customerId } = await book({ lastInboundAt: '2026-03-24T08:00:00.000Z' });
    await db.prisma.customer.update({ where: { id: customerId }, data: { timeZone: 'America/Sao_Paulo', locale: 'pt' } });
    await world.runJobsUntil('2026-03-24T10:00:00.000Z');
    const interactive = sentTo(waId)[0]!.body.interactive as { body: { text: string }; action: { buttons: Array<{ reply: { title: string } }> } };
    expect(interactive.body.text).toContain('qua 25 mar, 06:00 (horário de Sao Paulo, GMT-3)');
    expect(interactive.action.buttons.map((button) => button.reply.title)).toStrictEqual(['Confirmar', 'Remarcar', 'Cancelar']);
  });

  it('a booking made too late for the 24-hour reminder skips it and still gets the 2-hour one', async () => {
    world.clock.set('2026-03-25T04:00:00.000Z');
    const { booking, waId } = await book({ lastInboundAt: '2026-03-25T04:00:00.000Z' });
    expect(await rowsOf(booking.id)).toStrictEqual([
      ['reminder', 1, 'skipped', 'due_time_passed'],
      ['reminder', 2, 'pending', null],
    ]);
    await world.runJobsUntil('2026-03-25T08:00:00.000Z');
    expect(sentTo(waId).map((message) => message.at)).toStrictEqual(['2026-03-25T07:00:00.000Z']);
  });

  it('a visit staff marks as no-show skips the unsent reminder and gets no rating request', async () => {
    const { booking, waId } = await book();
    await world.runJobsUntil('2026-03-24T12:00:00.000Z');
    await world.bookings.applyLifecycle({ businessId: world.demo.businessId, bookingId: booking.id, event: 'MARK_NO_SHOW', actor: 'staff' });
    await world.runJobsUntil(AFTER_ALL);
    expect(sentTo(waId)).toHaveLength(1);
    expect(await rowsOf(booking.id)).toStrictEqual([
      ['reminder', 1, 'sent', null],
      ['reminder', 2, 'skipped', 'booking_no_show'],
    ]);
    expect((await world.events()).map((event) => event.type)).toStrictEqual(['BOOKING_CREATED', 'REMINDER_SENDING', 'BOOKING_NO_SHOW']);
  });

  it('a visit staff completed early is not touched at the end time; its follow-up still counts from the booked end', async () => {
    const { booking, waId } = await book({ lastInboundAt: '2026-03-25T09:05:00.000Z' });
    await world.runJobsUntil('2026-03-25T09:10:00.000Z');
    await world.bookings.applyLifecycle({ businessId: world.demo.businessId, bookingId: booking.id, event: 'COMPLETE', actor: 'staff' });
    await world.runJobsUntil(AFTER_ALL);
    expect((await world.events()).map((event) => event.type)).toStrictEqual([
      'BOOKING_CREATED', 'REMINDER_SENDING', 'REMINDER_SENDING', 'MEETING_STARTED', 'MEETING_ENDED', 'BOOKING_COMPLETED', 'FOLLOWUP_SENDING',
    ]);
    const followUp = sentTo(waId).at(-1)!;
    expect(followUp.at).toBe('2026-03-25T11:30:00.000Z');
    // Inside the window the rating request is a 1–5 list.
    const rows = (followUp.body.interactive as { action: { sections: Array<{ rows: Array<{ id: string }> }> } }).action.sections[0]!.rows.map((row) => row.id);
    expect(rows).toStrictEqual([1, 2, 3, 4, 5].map((n) => `rating:${n}:${booking.uid}`));
  });

  describe('exactly once', () => {
    async function reminderIdOf(bookingId: string): Promise<string> {
      const row = await db.prisma.reminder.findFirstOrThrow({ where: { bookingId, kind: 'reminder', sequence: 1 } });
      return row.id;
    }

    it('a crash after queueing but before the commit leaves nothing behind, and the retry sends once', async () => {
      const { booking, waId } = await book();
      const reminderId = await reminderIdOf(booking.id);
      world.clock.set('2026-03-24T09:00:00.000Z');
      const crashing = { prisma: db.prisma, clock: world.clock, logger: world.logger, beforeCommit: () => { throw new Error('worker killed'); } };
      await expect(sendReminder(crashing, { reminderId })).rejects.toThrow('worker killed');
      expect(await db.prisma.outboxMessage.count({ where: { recipient: waId } })).toBe(0);
      expect((await db.prisma.reminder.findUniqueOrThrow({ where: { id: reminderId } })).status).toBe('pending');
      await world.runJobsUntil('2026-03-24T10:00:00.000Z');
      expect(sentTo(waId)).toHaveLength(1);
    });

    it('a job that runs again after a crash past the commit (or on a second worker) sends nothing more', async () => {
      const { booking, waId } = await book();
      const reminderId = await reminderIdOf(booking.id);
      world.clock.set('2026-03-24T09:00:00.000Z');
      const deps = { prisma: db.prisma, clock: world.clock, logger: world.logger };
      const outcomes = await Promise.all([sendReminder(deps, { reminderId }), sendReminder(deps, { reminderId }), sendReminder(deps, { reminderId })]);
      expect(outcomes.map((o) => o.outcome).sort()).toStrictEqual(['not_pending', 'not_pending', 'sent']);
      expect(await sendReminder(deps, { reminderId })).toStrictEqual({ outcome: 'not_pending' });
      await world.runJobsUntil('2026-03-24T10:00:00.000Z');
      expect(sentTo(waId)).toHaveLength(1);
      expect(await db.prisma.outgoingEvent.count({ where: { type: 'REMINDER_SENDING' } })).toBe(1);
    });

    it('a worker killed after claiming the outbox row but before the HTTP call: the restart sends it once', async () => {
      const { booking, waId } = await book();
      const reminderId = await reminderIdOf(booking.id);
      world.clock.set('2026-03-24T09:00:00.000Z');
      await sendReminder({ prisma: db.prisma, clock: world.clock, logger: world.logger }, { reminderId });
      // What the sender commits before posting; the process dies here.
      await db.prisma.outboxMessage.updateMany({ where: { recipient: waId }, data: { status: 'sending', attempts: 1 } });
      await world.runJobsUntil('2026-03-24T10:00:00.000Z');
      expect(sentTo(waId)).toHaveLength(1);
      const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { recipient: waId } });
      expect([row.status, row.attempts, row.providerMessageId?.startsWith('wamid.')]).toStrictEqual(['accepted', 2, true]);
    });

    it('a worker killed between its commit and the HTTP call of a reminder it sends itself: the retry sends it once, and the log says why', async () => {
      const { booking, waId } = await book();
      const reminderId = await reminderIdOf(booking.id);
      world.clock.set('2026-03-24T09:00:00.000Z');
      // The row is queued and marked `sending` (both committed); the process dies before posting.
      const dying = { ...world.sender, graph: { sendMessage: () => Promise.reject(new Error('worker killed')), markRead: () => Promise.reject(new Error('worker killed')) } };
      await expect(sendReminder({ prisma: db.prisma, clock: world.clock, logger: world.logger, sender: dying }, { reminderId })).rejects.toThrow('worker killed');
      const claimed = await db.prisma.outboxMessage.findFirstOrThrow({ where: { recipient: waId } });
      expect([claimed.status, claimed.attempts, claimed.providerMessageId]).toStrictEqual(['sending', 1, null]);
      expect(world.sent).toStrictEqual([]);
      // graphile retries the failed job; it finds the reminder sent but its message not accepted.
      await world.runJobsUntil('2026-03-24T10:00:00.000Z');
      expect(sentTo(waId)).toHaveLength(1);
      const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { recipient: waId } });
      expect([row.status, row.attempts, row.providerMessageId?.startsWith('wamid.')]).toStrictEqual(['accepted', 2, true]);
      expect(await db.prisma.outgoingEvent.count({ where: { type: 'REMINDER_SENDING' } })).toBe(1);
      expect(world.logs.filter((line) => line.includes('sending again, a duplicate is possible'))).toHaveLength(1);
    });

    it('re-planning replaces the pending job instead of adding a second one', async () => {
      const { booking } = await book();
      await world.bookings.reschedule({ businessId: world.demo.businessId, bookingId: booking.id, start: new Date('2026-03-25T10:00:00.000Z'), actor: 'test' });
      await world.bookings.reschedule({ businessId: world.demo.businessId, bookingId: booking.id, start: new Date('2026-03-25T11:00:00.000Z'), actor: 'test' });
      const reminderId = await reminderIdOf(booking.id);
      const jobs = (await world.pendingJobs()).filter((job) => job.key === reminderJobKey(reminderId));
      expect(jobs).toStrictEqual([{ task: 'send_reminder', runAt: '2026-03-24T11:00:00.000Z', key: reminderJobKey(reminderId) }]);
    });
  });

  it('reminders due at the same instant leave paced at the number’s send rate', async () => {
    await setSendRate(db.prisma, { phoneNumberId: DEMO.phoneNumberId, perSecond: 4 });
    for (let i = 0; i < 3; i += 1) await book({ staff: 'ana', start: new Date(WED_10.getTime() + i * 3_600_000) });
    for (let i = 0; i < 3; i += 1) await book({ staff: 'ben', start: new Date(WED_10.getTime() + i * 3_600_000) });
    // Both staff have bookings at 10:00, 11:00, 12:00: two reminders are due at each instant.
    world.clock.set('2026-03-24T09:00:00.000Z');
    const due = (await world.pendingJobs()).filter((job) => job.task === 'send_reminder' && job.runAt === '2026-03-24T09:00:00.000Z');
    expect(due).toHaveLength(2);
    await world.runJobsUntil('2026-03-24T09:00:05.000Z');
    expect(world.sent.map((message) => message.at)).toStrictEqual(['2026-03-24T09:00:00.000Z', '2026-03-24T09:00:00.250Z']);
  });
});
