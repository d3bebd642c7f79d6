/**
 * The send gate under real concurrency: two worker "processes" (their own job runners and
 * connection pools on one database, the real clock) send 30 messages that are all due at once
 * at a rate of 5/s. Meta would answer 130429 to a sixth message within a second, so the
 * arrivals at the fake Graph API must never exceed 5 in any 1-s window (+1 for window edges),
 * even while one process keeps freezing for a second (its waiting senders then wake up together),
 * and each message arrives exactly once.
 */
import { DEMO } from '../../prisma/seed';
import { migrateJobQueue, startJobRunner, type JobRunner } from '../../src/jobs';
import { createLogger, createPrismaClient, disconnectPrisma, systemClock, type PrismaClient } from '../../src/platform';
import { buildTextMessage, createGraphClient, enqueueOutbound, SEND_OUTBOX_TASK, sendQueuedForRecipient, type SendOutboxPayload } from '../../src/whatsapp';
import { setupDemo } from '../support/demo';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph';
import { countBusiestSecond } from '../support/busiest-second';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const RATE = 5;
const MESSAGES = 30;


describe('send gate', () => {
  let db: TestDatabase;
  let graph: FakeGraph;
  const clients: PrismaClient[] = [];
  const runners: JobRunner[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 6 });
    await migrateJobQueue(db.url);
    graph = await startFakeGraph();
  });
  afterAll(async () => {
    for (const runner of runners) await runner.stop().catch(() => undefined);
    for (const client of clients) await disconnectPrisma(client);
    await graph.close();
    await db.drop();
  });

  it(`${MESSAGES} messages due at once leave at most ${RATE} (+1) per second from two processes, each once, even when one keeps freezing`, async () => {
    const { businessId } = await setupDemo(db.prisma);
    await db.prisma.whatsAppNumber.update({ where: { phoneNumberId: DEMO.phoneNumberId }, data: { sendRatePerSecond: RATE } });
    const recipients = Array.from({ length: MESSAGES }, (_, i) => `3465500${String(i).padStart(4, '0')}`);
    await db.prisma.$transaction(async (tx) => {
      for (const recipient of recipients) {
        await enqueueOutbound(tx, { businessId, customerId: null, phoneNumberId: DEMO.phoneNumberId, recipient, kind: 'reply', payload: buildTextMessage({ to: recipient, text: 'Your table is ready' }) });
      }
    });

    const logger = createLogger('silent');
    let oversleeps = 0;
    for (const stalls of [false, true]) {
      const prisma = createPrismaClient({ url: db.url, poolSize: 6 });
      clients.push(prisma);
      const graphClient = createGraphClient({ baseUrl: graph.baseUrl, accessToken: 'test' });
      // The stalled process freezes for 1 s at every 4th wait (a GC pause, a starved CPU): every
      // sender of it whose slot comes up meanwhile wakes up at the end of the freeze, together.
      let waits = 0;
      let frozenUntil = 0;
      const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
      const wait = async (ms: number) => {
        waits += 1;
        if (stalls && waits % 4 === 0) {
          frozenUntil = Date.now() + 1000;
          oversleeps += 1;
        }
        await sleep(ms);
        while (Date.now() < frozenUntil) await sleep(frozenUntil - Date.now());
      };
      runners.push(
        await startJobRunner({
          connectionString: db.url,
          concurrency: 3,
          pollIntervalMs: 50,
          logger,
          tasks: {
            [SEND_OUTBOX_TASK]: async (payload) => {
              await sendQueuedForRecipient({ prisma, clock: systemClock, logger, graph: graphClient, wait }, payload as SendOutboxPayload);
            },
          },
        }),
      );
    }

    const deadline = Date.now() + 40_000;
    while (graph.messages().length < MESSAGES || (await db.prisma.outboxMessage.count({ where: { status: { not: 'accepted' } } })) > 0) {
      if (Date.now() > deadline) throw new Error(`only ${graph.messages().length} of ${MESSAGES} messages sent`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const arrivals = graph.requests.map((request) => request.receivedAt);
    expect(countBusiestSecond(arrivals)).toBeLessThanOrEqual(RATE + 1);
    expect(graph.messages().map((message) => message.to).sort()).toStrictEqual(recipients);
    // The stalled process really did freeze, and the rate held anyway.
    expect(oversleeps).toBeGreaterThan(0);
    // Paced, not merely spread: 30 messages at 5/s need at least (30 - 6) / 5 s.
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThanOrEqual(((MESSAGES - RATE - 1) / RATE) * 1000);
  }, 60_000);
});
