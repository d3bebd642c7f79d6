/**
 * A booking's whole life with a controllable clock: create, remind, reschedule, remind, start,
 * end, follow-up, rating — exactly these messages and events, at these times.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookSubscription, verifyEventSignature } from '../../src/events';
import { CONVERSATION_EFFECTS, type EffectContext } from '../../src/conversation/effects';
import { parseRatingReplyId } from '../../src/reminders';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { createReminderWorld, type ReminderWorld } from './reminder-world';

const T0 = '2026-03-23T08:00:00.000Z'; // Monday 09:00 in Madrid (CET, UTC+1)
const FIRST_START = new Date('2026-03-25T09:00:00.000Z'); // Wed 10:00 Madrid
const NEW_START = new Date('2026-03-26T10:00:00.000Z'); // Thu 11:00 Madrid
const SECRET = 'subscriber-secret-0123456789';

interface Received {
  headers: http.IncomingHttpHeaders;
  raw: string;
}

describe('a booking from creation to rating', () => {
  let db: TestDatabase;
  let world: ReminderWorld;
  let subscriber: http.Server;
  const received: Received[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    world = await createReminderWorld(db, { now: T0 });
    subscriber = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, raw });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => subscriber.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => subscriber.close(() => resolve()));
    await world.stop();
    await db.drop();
  });

  it('sends the reminders, follow-up and staff alerts and emits every event once, at the right times', async () => {
    const { prisma } = db;
    const { demo, clock } = world;
    const port = (subscriber.address() as AddressInfo).port;
    await createWebhookSubscription(prisma, { businessId: demo.businessId, url: `http://127.0.0.1:${port}/hooks`, secret: SECRET });
    await prisma.staff.update({ where: { id: demo.staff.ana }, data: { whatsappNumber: '+34611111111' } });
    await prisma.business.update({ where: { id: demo.businessId }, data: { frontDeskWhatsapp: '+34622222222' } });
    const [customerId] = await demo.createCustomers(1);
    await prisma.customer.update({ where: { id: customerId! }, data: { name: 'Lucía', lastInboundAt: new Date(T0) } });

    const created = await world.bookings.confirmSlot({
      businessId: demo.businessId, customerId: customerId!, serviceId: demo.services.consultation, staffId: demo.staff.ana, start: FIRST_START, source: 'whatsapp', actor: 'test',
    });
    if (!created.ok) throw new Error('slot taken');
    const uid = created.booking.uid;

    // The customer writes the day before, so the first reminder falls inside the 24-hour window.
    await world.runJobsUntil('2026-03-24T08:30:00.000Z');
    await prisma.customer.update({ where: { id: customerId! }, data: { lastInboundAt: new Date('2026-03-24T08:30:00.000Z') } });
    await world.runJobsUntil('2026-03-24T10:00:00.000Z');
    const moved = await world.bookings.reschedule({ businessId: demo.businessId, bookingId: uid, start: NEW_START, actor: 'test' });
    expect(moved.ok).toBe(true);
    await world.runJobsUntil('2026-03-26T14:00:00.000Z');

    const follow = world.sent.find((message) => message.type === 'template' && JSON.stringify(message.body).includes('visit_rating'))!;
    const fiveStars = ((follow.body.template as { components: Array<{ sub_type?: string; index?: string; parameters: Array<{ payload?: string }> }> }).components)
      .find((component) => component.sub_type === 'quick_reply' && component.index === '4')!.parameters[0]!.payload!;
    expect(parseRatingReplyId(fiveStars)).toEqual({ rating: 5, bookingUid: uid });
    clock.set('2026-03-26T15:00:00.000Z');
    const ctx = (tx: unknown) => ({ tx, bookings: world.bookings, business: { id: demo.businessId }, customer: { id: customerId! } }) as unknown as EffectContext;
    const rated = await prisma.$transaction((tx) => CONVERSATION_EFFECTS.recordRating.run(ctx(tx), parseRatingReplyId(fiveStars)!));
    expect(rated).toEqual({ type: 'RATING_RECORDED', rating: 5 });
    await world.runJobsUntil('2026-03-26T15:00:00.000Z');

    const summary = world.sent.map((message) => ({
      at: message.at,
      to: message.to,
      type: message.type,
      what: message.type === 'template' ? (message.body.template as { name: string }).name : (message.body.interactive as { type: string }).type,
    }));
    // Messages due at the same instant leave 1/80 s apart (the send gate, at the number's default rate).
    expect(summary).toStrictEqual([
      { at: T0, to: '+34611111111', type: 'template', what: 'tapbook_staff_alert' },
      { at: '2026-03-23T08:00:00.012Z', to: '+34622222222', type: 'template', what: 'tapbook_staff_alert' },
      { at: '2026-03-24T09:00:00.000Z', to: '34600000001', type: 'interactive', what: 'button' },
      { at: '2026-03-24T10:00:00.000Z', to: '+34611111111', type: 'template', what: 'tapbook_staff_alert' },
      { at: '2026-03-24T10:00:00.012Z', to: '+34622222222', type: 'template', what: 'tapbook_staff_alert' },
      { at: '2026-03-26T08:00:00.000Z', to: '34600000001', type: 'template', what: 'appointment_reminder' },
      { at: '2026-03-26T12:30:00.000Z', to: '34600000001', type: 'template', what: 'visit_rating' },
    ]);

    const firstReminder = world.sent[2]!.body.interactive as { body: { text: string }; action: { buttons: Array<{ reply: { id: string; title: string } }> } };
    expect(firstReminder.body.text).toContain('Wed 25 Mar, 10:00 (Madrid time, CET)');
    expect(firstReminder.action.buttons.map((button) => [button.reply.id, button.reply.title])).toStrictEqual([
      [`reminder:confirm:${uid}`, 'Confirm'],
      [`reminder:reschedule:${uid}`, 'Reschedule'],
      [`reminder:cancel:${uid}`, 'Cancel'],
    ]);
    const secondReminder = world.sent[5]!.body.template as { components: Array<Record<string, unknown>> };
    expect(secondReminder.components[0]).toStrictEqual({
      type: 'body',
      parameters: [{ type: 'text', text: 'Lucía' }, { type: 'text', text: 'Consultation' }, { type: 'text', text: 'Thu 26 Mar, 11:00 (Madrid time, CET)' }],
    });
    expect(secondReminder.components.slice(1).map((c) => (c.parameters as Array<{ payload: string }>)[0]!.payload)).toStrictEqual([
      `reminder:confirm:${uid}`,
      `reminder:reschedule:${uid}`,
      `reminder:cancel:${uid}`,
    ]);

    const events = await world.events();
    expect(events.map((event) => [event.type, event.at])).toStrictEqual([
      ['BOOKING_CREATED', T0],
      ['REMINDER_SENDING', '2026-03-24T09:00:00.000Z'],
      ['BOOKING_RESCHEDULED', '2026-03-24T10:00:00.000Z'],
      ['REMINDER_SENDING', '2026-03-26T08:00:00.000Z'],
      ['MEETING_STARTED', '2026-03-26T10:00:00.000Z'],
      ['MEETING_ENDED', '2026-03-26T10:30:00.000Z'],
      ['BOOKING_COMPLETED', '2026-03-26T10:30:00.000Z'],
      ['FOLLOWUP_SENDING', '2026-03-26T12:30:00.000Z'],
      ['UPDATE_RATING', '2026-03-26T15:00:00.000Z'],
    ]);

    const booking = await prisma.booking.findUniqueOrThrow({ where: { uid } });
    expect([booking.status, booking.rating]).toStrictEqual(['completed', 5]);
    const rows = await prisma.reminder.findMany({ where: { bookingId: booking.id }, orderBy: [{ kind: 'asc' }, { sequence: 'asc' }] });
    expect(rows.map((row) => [row.kind, row.sequence, row.status, row.dueAt.toISOString(), row.channel])).toStrictEqual([
      ['followup', 1, 'sent', '2026-03-26T12:30:00.000Z', 'template'],
      ['reminder', 1, 'sent', '2026-03-24T09:00:00.000Z', 'interactive'],
      ['reminder', 2, 'sent', '2026-03-26T08:00:00.000Z', 'template'],
    ]);

    // Every event reached the subscriber once, signed over the raw body, with its delivery id.
    expect(received.map((r) => JSON.parse(r.raw).type)).toStrictEqual(events.map((event) => event.type));
    for (const request of received) {
      expect(verifyEventSignature(SECRET, request.raw, request.headers['x-tapbook-signature'] as string)).toBe(true);
      expect(request.headers['x-tapbook-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(new Set(received.map((r) => r.headers['x-tapbook-delivery'])).size).toBe(received.length);
    expect(await world.pendingJobs()).toStrictEqual([]);
  });
});
