/**
 * Channel behaviour a front desk relies on: hand-off silence and release, emergencies, opt-out,
 * inactivity timeouts, flooding, old snapshots, delivery statuses and retries by error class.
 */
import request from 'supertest';
import { deliverSystemEvent } from '../../src/conversation';
import { createBookingService } from '../../src/booking';
import { createLogger } from '../../src/platform';
import { signBody } from '../../src/whatsapp';
import { DEMO } from '../../prisma/seed';
import { buildWebhook, startChannel, type ChannelHarness } from '../support/channel-harness';
import { setupDemo } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

type Msg = Record<string, any>;
const text = (body: string) => ({ type: 'text', text: { body } });
const textOf = (m: Msg) => (m.text?.body ?? m.interactive?.body?.text ?? '') as string;
const buttonsOf = (m: Msg) => (m.interactive?.action?.buttons ?? []).map((b: Msg) => b.reply.id as string);

describe('channel behaviour', () => {
  let db: TestDatabase;
  let channel: ChannelHarness;
  let businessId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    businessId = (await setupDemo(db.prisma)).businessId;
    channel = await startChannel(db);
  });
  afterAll(async () => {
    await channel.stop();
    await db.drop();
  });

  const conversationOf = async (waId: string) => db.prisma.conversation.findFirstOrThrow({ where: { customer: { waId } } });
  const customerOf = async (waId: string) => db.prisma.customer.findFirstOrThrow({ where: { waId } });
  const conversationDeps = () => ({ prisma: db.prisma, clock: channel.clock, logger: createLogger('silent'), bookings: createBookingService({ prisma: db.prisma, clock: channel.clock }) });

  it('free text that matches nothing gets a short help and the menu again, never silence', async () => {
    const replies = await channel.send('34622000001', text('what is the meaning of life'));
    expect(replies.length).toBeGreaterThan(0);
    expect(buttonsOf(replies[replies.length - 1]!)).toHaveLength(3);
  });

  it('"human" hands off: the customer is told, later messages are stored but not answered, release brings the bot back', async () => {
    const from = '34622000002';
    await channel.send(from, text('hi'));
    const handoff = await channel.send(from, text('I want to talk to a human'));
    expect(handoff).toHaveLength(1);
    expect((await conversationOf(from)).isHandoff).toBe(true);

    const silent = await channel.send(from, text('hello? anyone?'));
    expect(silent).toEqual([]);
    const stored = await db.prisma.inboxMessage.findMany({ where: { customer: { waId: from } }, orderBy: { sentAt: 'desc' }, take: 1 });
    expect(stored[0]).toMatchObject({ outcome: 'handled_during_handoff' });

    const customer = await customerOf(from);
    expect(await deliverSystemEvent(conversationDeps(), { businessId, customerId: customer.id, event: { type: 'HANDOFF_RELEASED' } })).toBe(true);
    await channel.settle();
    expect((await conversationOf(from)).isHandoff).toBe(false);
    const back = await channel.send(from, text('hi'));
    expect(buttonsOf(back[back.length - 1]!)).toHaveLength(3);
  });

  it('an emergency keyword answers at once with the emergency text and hands off', async () => {
    const from = '34622000003';
    const replies = await channel.send(from, text('I have chest pain'));
    expect(replies.length).toBeGreaterThan(0);
    expect(textOf(replies[0]!)).toMatch(/112|emergency/i);
    expect((await conversationOf(from)).handoffReason).toBe('emergency');
  });

  it('STOP opts out and START opts back in', async () => {
    const from = '34622000004';
    await channel.send(from, text('STOP'));
    expect((await customerOf(from)).isOptedOut).toBe(true);
    await channel.send(from, text('START'));
    expect((await customerOf(from)).isOptedOut).toBe(false);
  });

  it('answers in Spanish when the customer writes Spanish', async () => {
    const replies = await channel.send('34622000005', text('hola'));
    expect(JSON.stringify(replies)).toMatch(/Reservar|cita|Hola/i);
  });

  it('a booking path left idle times out: one short note, back to the menu, stale timers ignored', async () => {
    const from = '34622000006';
    await channel.send(from, text('hi'));
    const menu = (await channel.send(from, text('menu'))).pop()!;
    await channel.send(from, { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: buttonsOf(menu)[0], title: 'Book' } } });
    const conversation = await conversationOf(from);
    expect(conversation.inactivityDeadline).not.toBeNull();
    const customer = await customerOf(from);
    const deadline = conversation.inactivityDeadline!.toISOString();
    // A timer armed for another deadline (superseded by newer activity) does nothing.
    expect(await deliverSystemEvent(conversationDeps(), { businessId, customerId: customer.id, event: { type: 'SESSION_TIMED_OUT' }, deadline: '2000-01-01T00:00:00.000Z' })).toBe(false);
    channel.clock.advanceMinutes(16);
    const before = channel.graph.messages().length;
    expect(await deliverSystemEvent(conversationDeps(), { businessId, customerId: customer.id, event: { type: 'SESSION_TIMED_OUT' }, deadline })).toBe(true);
    await channel.settle();
    const notes = channel.graph.messages().slice(before).filter((m) => m.to === from);
    expect(notes.length).toBeGreaterThanOrEqual(1);
    expect((await conversationOf(from)).inactivityDeadline).toBeNull();
    channel.clock.advanceMinutes(-16);
  });

  it('a flooding sender gets one notice and no answers during the cool-down; messages are still stored', async () => {
    const from = '34622000007';
    await db.prisma.business.update({ where: { id: businessId }, data: { floodMessagesPerMinute: 3 } });
    try {
      for (let i = 0; i < 3; i += 1) expect((await channel.send(from, text(`msg ${i}`))).length).toBeGreaterThan(0);
      const notice = await channel.send(from, text('msg 3'));
      expect(notice).toHaveLength(1);
      expect(await channel.send(from, text('msg 4'))).toEqual([]);
      expect(await db.prisma.inboxMessage.count({ where: { customer: { waId: from } } })).toBe(5);
    } finally {
      await db.prisma.business.update({ where: { id: businessId }, data: { floodMessagesPerMinute: 20 } });
    }
  });

  it('a snapshot from an older machine version resets to the menu with an apology, never a crash', async () => {
    const from = '34622000008';
    await channel.send(from, text('hi'));
    await db.prisma.conversation.updateMany({ where: { customer: { waId: from } }, data: { machineVersion: 0, snapshot: { value: 'no-such-state', context: {} } } });
    const replies = await channel.send(from, text('hi'));
    expect(replies.length).toBeGreaterThanOrEqual(2);
    expect((await conversationOf(from)).machineVersion).toBeGreaterThan(0);
  });

  it('status webhooks move the outbox row forward (sent → delivered → read), never backwards', async () => {
    const from = '34622000009';
    await channel.send(from, text('hi'));
    const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { recipient: from, kind: 'reply', providerMessageId: { not: null } } });
    const status = (value: string) =>
      JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'waba', changes: [{ field: 'messages', value: {
        messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: DEMO.phoneNumberId },
        statuses: [{ id: row.providerMessageId, status: value, timestamp: '1795000000', recipient_id: from }],
      } }] }] });
    const post = (body: string) => request(channel.app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody('channel-test-secret', body)).send(body);
    await post(status('read'));
    await post(status('delivered'));
    expect((await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).status).toBe('read');
  });

  it('one webhook with several statuses, out of order and for several messages, moves each row to its furthest status', async () => {
    const first = '34622000014';
    const second = '34622000015';
    await channel.send(first, text('hi'));
    await channel.send(second, text('hi'));
    const replyOf = (to: string) => db.prisma.outboxMessage.findFirstOrThrow({ where: { recipient: to, kind: 'reply', providerMessageId: { not: null } } });
    const [rowA, rowB] = [await replyOf(first), await replyOf(second)];
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'waba', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: DEMO.phoneNumberId },
      statuses: [
        { id: rowA.providerMessageId, status: 'read', timestamp: '1795000020', recipient_id: first },
        { id: rowA.providerMessageId, status: 'delivered', timestamp: '1795000010', recipient_id: first },
        { id: rowB.providerMessageId, status: 'sent', timestamp: '1795000005', recipient_id: second },
      ],
    } }] }] });
    const res = await request(channel.app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody('channel-test-secret', body)).send(body);
    expect(res.status).toBe(200);
    const [afterA, afterB] = [await replyOf(first), await replyOf(second)];
    expect(afterA.status).toBe('read');
    expect(afterA.deliveredAt).toEqual(new Date(1795000010_000));
    expect(afterA.readAt).toEqual(new Date(1795000020_000));
    expect(afterB.status).toBe('sent');
    expect(afterB.sentAt).toEqual(new Date(1795000005_000));
  });

  it('a burst from one sender (5 messages, 4 workers) is handled one message at a time, in arrival order', async () => {
    const from = '34622000013';
    await channel.send(from, text('hi'));
    const intents = ['STOP', 'START', 'STOP', 'START', 'STOP'];
    const bodies = intents.map((intent) => buildWebhook(from, text(intent)));
    // Acknowledged back to back: a message that arrives while the sender's job runs gets another
    // job, which may run on another of the four workers; the per-sender lock still applies them in order.
    const before = channel.graph.messages().filter((m) => m.to === from).length;
    for (const body of bodies) {
      const res = await request(channel.app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody('channel-test-secret', body)).send(body);
      expect(res.status).toBe(200);
    }
    await channel.settle();
    const replies = channel.graph.messages().filter((m) => m.to === from).slice(before).map((m) => textOf(m));
    expect(replies).toHaveLength(5);
    const kinds = replies.map((reply) => (/STOP|BAJA|PARAR/.test(reply) ? 'confirmed-opt-in' : 'confirmed-opt-out'));
    expect(kinds).toEqual(['confirmed-opt-out', 'confirmed-opt-in', 'confirmed-opt-out', 'confirmed-opt-in', 'confirmed-opt-out']);
    expect((await customerOf(from)).isOptedOut).toBe(true);
  });

  it('a tap on a follow-up rating stores the rating on the visit and thanks the customer', async () => {
    const from = '34622000011';
    await channel.send(from, text('hi'));
    const customer = await customerOf(from);
    const bookings = createBookingService({ prisma: db.prisma, clock: channel.clock });
    const start = new Date(channel.clock.now().getTime() - 3 * 60 * 60_000);
    const made = await bookings.confirmSlot({ businessId, customerId: customer.id, serviceId: 'consultation', start: new Date(channel.clock.now().getTime() + 26 * 60 * 60_000), source: 'api', actor: 'test' });
    if (!made.ok) throw new Error('setup booking failed');
    await db.prisma.booking.update({ where: { id: made.booking.id }, data: { status: 'completed', startsAt: start, endsAt: new Date(start.getTime() + 30 * 60_000), blockedFrom: start, blockedUntil: new Date(start.getTime() + 30 * 60_000) } });
    const replies = await channel.send(from, { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: `rating:4:${made.booking.uid}`, title: '4' } } });
    expect(replies).toHaveLength(1);
    expect(textOf(replies[0]!)).toMatch(/4/);
    expect((await db.prisma.booking.findUniqueOrThrow({ where: { id: made.booking.id } })).rating).toBe(4);
    // Someone else's booking cannot be rated with a forged id.
    const other = await channel.send('34622000012', { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: `rating:1:${made.booking.uid}`, title: '1' } } });
    expect(other).toEqual([]);
    expect((await db.prisma.booking.findUniqueOrThrow({ where: { id: made.booking.id } })).rating).toBe(4);
  });

  it('retries a 5xx and keeps order; does not retry a 4xx; 131047 without a template fails with the reason', async () => {
    const from = '34622000010';
    channel.graph.failNext(2, 500, { code: 1, message: 'temporary' });
    // decideRetry's backoff runs on the injected clock: re-run the sender until the row is sent.
    const replies = await sendWithRetries(from, text('hi'));
    expect(replies.length).toBeGreaterThan(0);
    const rows = await db.prisma.outboxMessage.findMany({ where: { recipient: from }, orderBy: { sequence: 'asc' } });
    expect(rows.every((r) => r.status === 'accepted')).toBe(true);
    expect(Math.max(...rows.map((r) => r.attempts))).toBe(3);

    channel.graph.failNext(1, 400, { code: 131047, message: 'Re-engagement message' });
    await channel.send(from, text('hi again'));
    const failed = await db.prisma.outboxMessage.findMany({ where: { recipient: from, status: 'failed' } });
    expect(failed).toHaveLength(1);
    expect(failed[0]!.errorCode).toBe(131047);
    expect(failed[0]!.lastError).toMatch(/24-hour/);
  });

  async function sendWithRetries(from: string, message: Record<string, unknown>) {
    const before = channel.graph.messages().length;
    const body = (await import('../support/channel-harness')).buildWebhook(from, message);
    await request(channel.app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody('channel-test-secret', body)).send(body);
    for (let i = 0; i < 20; i += 1) {
      await channel.settle();
      const waiting = await db.prisma.outboxMessage.count({ where: { recipient: from, status: { in: ['queued', 'sending'] } } });
      if (waiting === 0) break;
      // The retry job is scheduled at the backoff deadline; pull it forward instead of waiting.
      await db.prisma.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE task_id = (SELECT id FROM graphile_worker._private_tasks WHERE identifier = 'send_outbox')`;
      await db.prisma.outboxMessage.updateMany({ where: { recipient: from, status: 'queued' }, data: { nextAttemptAt: null } });
    }
    return channel.graph.messages().slice(before).filter((m) => m.to === from);
  }
});
