/**
 * The outbox sender under concurrency: two workers running the same recipient's job at once
 * (a new job is created while one runs) send every message once, in the order produced.
 */
import { createFixedClock, createLogger } from '../../src/platform';
import { poolOf, type PgClient } from '../../src/platform/database';
import { buildMarkReadMessage, buildTextMessage, createGraphClient, enqueueOutbound, sendQueuedForRecipient, sendQueuedHoldingLock, type GraphClient } from '../../src/whatsapp';
import { DEMO } from '../../prisma/seed';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph';
import { setupDemo } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('outbox sender', () => {
  let db: TestDatabase;
  let graph: FakeGraph;
  let businessId: string;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 12 });
    businessId = (await setupDemo(db.prisma)).businessId;
    graph = await startFakeGraph();
  });
  afterAll(async () => {
    await graph.close();
    await db.drop();
  });

  /** The demo number's send cursor in epoch ms: each slot a claim books moves it by 1/rate. */
  const cursorMs = async () =>
    (await db.prisma.$queryRaw<Array<{ ms: number }>>`SELECT extract(epoch FROM pace_cursor_at)::float8 * 1000 AS ms FROM whatsapp_numbers WHERE phone_number_id = ${DEMO.phoneNumberId}`)[0]!.ms;

  /**
   * Sender deps whose send gate runs on `clock`, simulated: only the gate's waits move it, by exactly
   * what was asked, so a sender is never late for its slot whatever the machine's load.
   */
  function onSimulatedClock(clock: ReturnType<typeof createFixedClock>, graphClient: GraphClient = createGraphClient({ baseUrl: graph.baseUrl, accessToken: 'test' })) {
    return {
      prisma: db.prisma,
      clock,
      wait: async (ms: number) => clock.set(new Date(clock.now().getTime() + Math.max(0, ms))),
      isGateOnClock: true,
      logger: createLogger('silent'),
      graph: graphClient,
    };
  }

  it('two concurrent runs for one recipient send each message exactly once, in order', async () => {
    const recipient = '34633000001';
    for (let i = 1; i <= 8; i += 1) {
      await db.prisma.$transaction((tx) =>
        enqueueOutbound(tx, { businessId, customerId: null, phoneNumberId: DEMO.phoneNumberId, recipient, kind: 'reply', payload: buildTextMessage({ to: recipient, text: `message ${i}` }) }),
      );
    }
    const deps = {
      prisma: db.prisma,
      clock: createFixedClock('2030-01-01T00:00:00Z'),
      logger: createLogger('silent'),
      graph: createGraphClient({ baseUrl: graph.baseUrl, accessToken: 'test' }),
    };
    await Promise.all([sendQueuedForRecipient(deps, { businessId, recipient }), sendQueuedForRecipient(deps, { businessId, recipient })]);
    // The run that found the recipient busy re-queued itself; whatever is left is sent by a third run.
    await sendQueuedForRecipient(deps, { businessId, recipient });
    const texts = graph.messages().filter((m) => m.to === recipient).map((m) => (m.text as { body: string }).body);
    expect(texts).toEqual(Array.from({ length: 8 }, (_, i) => `message ${i + 1}`));
    const rows = await db.prisma.outboxMessage.findMany({ where: { recipient } });
    expect(rows.every((row) => row.status === 'accepted' && row.attempts === 1 && row.providerMessageId)).toBe(true);
  });

  it('rows read before the lock and sent meanwhile by another sender are not sent again, and take no send slot', async () => {
    const recipient = '34633000002';
    for (let i = 1; i <= 2; i += 1) {
      await db.prisma.$transaction((tx) =>
        enqueueOutbound(tx, { businessId, customerId: null, phoneNumberId: DEMO.phoneNumberId, recipient, kind: 'reply', payload: buildTextMessage({ to: recipient, text: `stale ${i}` }) }),
      );
    }
    // Our read of the rows (lockAndReadBatch's snapshot, taken just before the lock) ...
    const read = await db.prisma.$queryRawUnsafe<unknown[]>(
      `SELECT id, phone_number_id, payload, fallback_payload, attempts, kind, status, next_attempt_at FROM outbox_messages WHERE recipient = $1 ORDER BY sequence`,
      recipient,
    );
    // ... then the previous lock holder sends the first one and releases the lock.
    const [first] = await db.prisma.outboxMessage.findMany({ where: { recipient }, orderBy: { sequence: 'asc' } });
    await db.prisma.outboxMessage.update({ where: { id: first!.id }, data: { status: 'accepted', attempts: 1, providerMessageId: 'wamid.sent-by-the-other-sender' } });
    // At 1,000/s from a cursor 100 ms ahead, each claim moves the cursor by exactly 1 ms.
    const { sendRatePerSecond } = await db.prisma.whatsAppNumber.findUniqueOrThrow({ where: { phoneNumberId: DEMO.phoneNumberId } });
    // The gate on a simulated clock (see the two-slot test below): no late wake-up can cost a slot.
    const clock = createFixedClock('2030-01-01T00:00:00Z');
    await db.prisma.whatsAppNumber.update({ where: { phoneNumberId: DEMO.phoneNumberId }, data: { sendRatePerSecond: 1000, paceCursorAt: new Date(clock.now().getTime() + 100) } });
    const cursorBefore = await cursorMs();

    const deps = onSimulatedClock(clock);
    const client = await poolOf(db.prisma).connect();
    try {
      await sendQueuedHoldingLock(deps, client, { businessId, recipient }, read as never);
    } finally {
      client.release();
    }
    const texts = graph.messages().filter((m) => m.to === recipient).map((m) => (m.text as { body: string }).body);
    expect(texts).toEqual(['stale 2']);
    const rows = await db.prisma.outboxMessage.findMany({ where: { recipient }, orderBy: { sequence: 'asc' } });
    expect(rows.map((row) => [row.status, row.attempts, row.providerMessageId === 'wamid.sent-by-the-other-sender'])).toEqual([
      ['accepted', 1, true],
      ['accepted', 1, false],
    ]);
    // One slot for the one message that left: the stale claim took none.
    expect((await cursorMs()) - cursorBefore).toBeCloseTo(1, 3);
    await db.prisma.whatsAppNumber.update({ where: { phoneNumberId: DEMO.phoneNumberId }, data: { sendRatePerSecond, paceCursorAt: null } });
  });

  it('when the first of two messages fails, the second stays queued behind it, unmarked and unsent', async () => {
    const recipient = '34633000003';
    for (const text of ['first', 'second']) {
      await db.prisma.$transaction((tx) =>
        enqueueOutbound(tx, { businessId, customerId: null, phoneNumberId: DEMO.phoneNumberId, recipient, kind: 'reply', payload: buildTextMessage({ to: recipient, text }) }),
      );
    }
    const deps = {
      prisma: db.prisma,
      clock: createFixedClock('2030-01-01T00:00:00Z'),
      logger: createLogger('silent'),
      graph: createGraphClient({ baseUrl: graph.baseUrl, accessToken: 'test' }),
      random: () => 0,
    };
    const sentBefore = graph.messages().filter((m) => m.to === recipient).length;
    // Meta answers the first post with a 500: it is retried later, and the second waits behind it.
    graph.failNext(1, 500, { code: 1, message: 'An unknown error occurred' });
    await sendQueuedForRecipient(deps, { businessId, recipient });
    const rows = await db.prisma.outboxMessage.findMany({ where: { recipient }, orderBy: { sequence: 'asc' } });
    expect(rows.map((row) => [row.status, row.attempts])).toEqual([
      ['queued', 1],
      ['queued', 0],
    ]);
    // Only the failed post of the first reached Meta; the second never left.
    expect(graph.messages().filter((m) => m.to === recipient).slice(sentBefore).map((m) => (m.text as { body: string }).body)).toEqual(['first']);
  });

  it('two messages to one recipient both leave once, in order, taking two consecutive slots', async () => {
    const recipient = '34633000004';
    for (const text of ['one', 'two']) {
      await db.prisma.$transaction((tx) =>
        enqueueOutbound(tx, { businessId, customerId: null, phoneNumberId: DEMO.phoneNumberId, recipient, kind: 'reply', payload: buildTextMessage({ to: recipient, text }) }),
      );
    }
    // The gate on a simulated clock: a late wake-up under load would re-claim, and rightly so,
    // which is not what this test is about.
    const clock = createFixedClock('2030-01-01T00:00:00Z');
    const deps = onSimulatedClock(clock);
    const { sendRatePerSecond } = await db.prisma.whatsAppNumber.findUniqueOrThrow({ where: { phoneNumberId: DEMO.phoneNumberId } });
    // At 1,000/s from a cursor 100 ms ahead: two slots are exactly 2 ms, and a wasted one would show.
    await db.prisma.whatsAppNumber.update({ where: { phoneNumberId: DEMO.phoneNumberId }, data: { sendRatePerSecond: 1000, paceCursorAt: new Date(clock.now().getTime() + 100) } });
    const before = await cursorMs();
    await sendQueuedForRecipient(deps, { businessId, recipient });
    expect((await cursorMs()) - before).toBeCloseTo(2, 3);
    await db.prisma.whatsAppNumber.update({ where: { phoneNumberId: DEMO.phoneNumberId }, data: { sendRatePerSecond, paceCursorAt: null } });
    const arrivals = graph.requests.filter((r) => r.body.to === recipient);
    expect(arrivals.map((r) => (r.body.text as { body: string }).body)).toEqual(['one', 'two']);
    const rows = await db.prisma.outboxMessage.findMany({ where: { recipient }, orderBy: { sequence: 'asc' } });
    expect(rows.map((row) => [row.status, row.attempts])).toEqual([
      ['accepted', 1],
      ['accepted', 1],
    ]);
  });
  /** A checked-out client that counts the send gate's claims made on it (each books slots for the number). */
  function countingClaims(client: PgClient): { client: PgClient; claims: () => number } {
    let claims = 0;
    const query = ((config: unknown, ...rest: unknown[]) => {
      if ((config as { name?: string }).name === 'send-gate-claim') claims += 1;
      return (client.query as (...args: unknown[]) => unknown)(config, ...rest);
    }) as PgClient['query'];
    return { client: { query } as PgClient, claims: () => claims };
  }

  /** Queues a read receipt for `inboundId` and a text reply behind it, as a conversation step does. */
  async function queueReceiptAndReply(recipient: string, inboundId: string, text: string): Promise<void> {
    await db.prisma.$transaction(async (tx) => {
      await enqueueOutbound(tx, { businessId, customerId: null, phoneNumberId: DEMO.phoneNumberId, recipient, kind: 'read_receipt', payload: buildMarkReadMessage(inboundId) });
      await enqueueOutbound(tx, { businessId, customerId: null, phoneNumberId: DEMO.phoneNumberId, recipient, kind: 'reply', payload: buildTextMessage({ to: recipient, text }) });
    });
  }

  it('a read receipt and the reply behind it both end accepted, the receipt posted first', async () => {
    const recipient = '34633000005';
    await queueReceiptAndReply(recipient, 'wamid.INBOUND-5', 'your answer');
    const deps = { prisma: db.prisma, clock: createFixedClock('2030-01-01T00:00:00Z'), logger: createLogger('silent'), graph: createGraphClient({ baseUrl: graph.baseUrl, accessToken: 'test' }) };
    await sendQueuedForRecipient(deps, { businessId, recipient });
    const posted = graph.requests.filter((r) => r.body.to === recipient || r.body.message_id === 'wamid.INBOUND-5').map((r) => (r.body.status === 'read' ? 'read receipt' : 'reply'));
    expect(posted).toEqual(['read receipt', 'reply']);
    const rows = await db.prisma.outboxMessage.findMany({ where: { recipient }, orderBy: { sequence: 'asc' } });
    expect(rows.map((row) => [row.kind, row.status, row.attempts, row.sentAt !== null])).toEqual([
      ['read_receipt', 'accepted', 1, true],
      ['reply', 'accepted', 1, true],
    ]);
  });

  it('a read receipt posted before a reply that Meta refuses with a 500 is still recorded as accepted; the reply waits for its retry', async () => {
    const recipient = '34633000006';
    await queueReceiptAndReply(recipient, 'wamid.INBOUND-6', 'retry me');
    const deps = { prisma: db.prisma, clock: createFixedClock('2030-01-01T00:00:00Z'), logger: createLogger('silent'), graph: createGraphClient({ baseUrl: graph.baseUrl, accessToken: 'test' }), random: () => 0 };
    const before = graph.requests.length;
    // The receipt goes through; the reply behind it is answered with a 500.
    graph.failNextMessages(1, 500, { code: 1, message: 'An unknown error occurred' });
    await sendQueuedForRecipient(deps, { businessId, recipient });
    expect(graph.requests.slice(before).map((r) => (r.body.status === 'read' ? 'read receipt' : (r.body.text as { body: string }).body))).toEqual(['read receipt', 'retry me']);
    const rows = await db.prisma.outboxMessage.findMany({ where: { recipient }, orderBy: { sequence: 'asc' } });
    expect(rows.map((row) => [row.kind, row.status, row.attempts])).toEqual([
      ['read_receipt', 'accepted', 1],
      ['reply', 'queued', 1],
    ]);
  });

  it("on a busy number at Meta's default 80/s, with Meta answering in 150 ms, a read receipt and its reply use two send slots, one claim each, none lost", async () => {
    const recipient = '34633000007';
    await queueReceiptAndReply(recipient, 'wamid.INBOUND-7', 'after the blue ticks');
    // The gate on a simulated clock. Each post takes 150 ms of it (an internet round trip to Meta),
    // and meanwhile the number's other senders book 150 ms of slots, as on a busy number: a slot
    // booked for the reply before the receipt's answer is long past by then, and if the reply
    // must claim another, the first was lost to everyone.
    const clock = createFixedClock('2030-01-01T00:00:00Z');
    const real = createGraphClient({ baseUrl: graph.baseUrl, accessToken: 'test' });
    let bookedByOthersMs = 0;
    const answerAfter150Ms = async <T>(post: Promise<T>): Promise<T> => {
      const answer = await post;
      clock.set(new Date(clock.now().getTime() + 150));
      await db.prisma.$executeRaw`UPDATE whatsapp_numbers SET pace_cursor_at = pace_cursor_at + interval '150 milliseconds' WHERE phone_number_id = ${DEMO.phoneNumberId}`;
      bookedByOthersMs += 150;
      return answer;
    };
    const slowGraph: GraphClient = {
      sendMessage: (phoneNumberId, body) => answerAfter150Ms(real.sendMessage(phoneNumberId, body)),
      markRead: (phoneNumberId, messageId) => answerAfter150Ms(real.markRead(phoneNumberId, messageId)),
    };
    const deps = onSimulatedClock(clock, slowGraph);
    const { sendRatePerSecond } = await db.prisma.whatsAppNumber.findUniqueOrThrow({ where: { phoneNumberId: DEMO.phoneNumberId } });
    // Booked 1 s ahead: every slot comes from the cursor, never from "now".
    await db.prisma.whatsAppNumber.update({ where: { phoneNumberId: DEMO.phoneNumberId }, data: { sendRatePerSecond: 80, paceCursorAt: new Date(clock.now().getTime() + 1000) } });
    const before = await cursorMs();
    const pooled = await poolOf(db.prisma).connect();
    const counting = countingClaims(pooled);
    try {
      // Three runs, as three conversation steps would send.
      for (let run = 0; run < 3; run += 1) {
        if (run > 0) await queueReceiptAndReply(recipient, `wamid.INBOUND-7-${run}`, `again ${run}`);
        await sendQueuedHoldingLock(deps, counting.client, { businessId, recipient });
      }
      // Six messages, six slots of 12.5 ms, one claim each.
      expect((await cursorMs()) - before - bookedByOthersMs).toBeCloseTo(75, 3);
      expect(counting.claims()).toBe(6);
    } finally {
      pooled.release();
      await db.prisma.whatsAppNumber.update({ where: { phoneNumberId: DEMO.phoneNumberId }, data: { sendRatePerSecond, paceCursorAt: null } });
    }
    const rows = await db.prisma.outboxMessage.findMany({ where: { recipient }, orderBy: { sequence: 'asc' } });
    expect(rows.map((row) => [row.kind, row.status, row.attempts])).toEqual(
      Array.from({ length: 3 }, () => [
        ['read_receipt', 'accepted', 1],
        ['reply', 'accepted', 1],
      ]).flat(),
    );
  });
});
