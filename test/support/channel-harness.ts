/**
 * The whole WhatsApp channel in one test process: the Express app, a real job runner on the test
 * database, and a loopback fake Graph API. `send` posts a signed webhook like Meta and waits
 * (by polling the database, never by sleeping a fixed time) until the bot's answer has been sent.
 */
import request from 'supertest';
import { createApp } from '../../src/app';
import { createBookingService } from '../../src/booking';
import { createBookingListeners } from '../../src/reminders';
import { migrateJobQueue, startJobRunner, type JobRunner } from '../../src/jobs';
import { createFixedClock, createLogger, loadConfig } from '../../src/platform';
import { buildTaskList } from '../../src/tasks';
import { createGraphClient, isBusinessScopedUserId, signBody } from '../../src/whatsapp';
import { DEMO } from '../../prisma/seed';
import { startFakeGraph, type FakeGraph } from './fake-graph';
import type { TestDatabase } from './test-database';

const SECRET = 'channel-test-secret';

/** A date-independent "now": 08:00 Madrid on a Monday at least a week ahead, so timers armed
 *  from it lie in the future for the job queue too. */
export function nextMondayMorning(from: Date = new Date()): Date {
  const day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate() + 7, 7, 0, 0));
  while (day.getUTCDay() !== 1) day.setUTCDate(day.getUTCDate() + 1);
  return day; // 07:00Z = 08:00 CET (winter) or 09:00 CEST (summer); both before the 2 h notice matters
}

/** A started channel. */
export interface ChannelHarness {
  app: ReturnType<typeof createApp>;
  graph: FakeGraph;
  clock: ReturnType<typeof createFixedClock>;
  runner: JobRunner;
  /** Posts one customer message and resolves with the messages the bot sent in answer. */
  send(from: string, message: Record<string, unknown>, options?: { name?: string }): Promise<Array<Record<string, unknown>>>;
  /** Waits until no job is pending or running and no outbox row is waiting. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

let messageCounter = 0;

/**
 * Builds Meta's webhook envelope around one message; a BSUID `from` gives a username-only sender (no
 * phone, as Meta sends). `at` is when the customer sent it (default: the wall clock); a harness on a
 * test clock passes that clock's time, as Meta's timestamps follow the same time as the server's.
 */
export function buildWebhook(from: string, message: Record<string, unknown>, name = 'Test Customer', at: Date = new Date()): string {
  messageCounter += 1;
  const isUserId = isBusinessScopedUserId(from);
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'waba', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '34600000001', phone_number_id: DEMO.phoneNumberId },
      contacts: [isUserId ? { profile: { name }, user_id: from } : { profile: { name }, wa_id: from }],
      messages: [{ ...(isUserId ? { from_user_id: from } : { from }), id: `wamid.test.${process.pid}.${Date.now()}.${messageCounter}`, timestamp: String(Math.floor(at.getTime() / 1000) + messageCounter), ...message }],
    } }] }],
  });
}

/** Starts app + runner + fake Graph API on a test database that already has the demo seed. */
export async function startChannel(db: TestDatabase, options: { now?: Date; pollIntervalMs?: number; env?: Record<string, string> } = {}): Promise<ChannelHarness> {
  const graph = await startFakeGraph();
  const clock = createFixedClock(options.now ?? nextMondayMorning());
  const config = loadConfig({ DATABASE_URL: db.url, WHATSAPP_APP_SECRET: SECRET, WHATSAPP_ACCESS_TOKEN: 'test-token', WHATSAPP_GRAPH_URL: graph.baseUrl, ...options.env });
  // TEST_LOG_LEVEL=warn (or error) shows the server's log while chasing a failing test.
  const logger = createLogger((process.env.TEST_LOG_LEVEL as 'error' | undefined) ?? 'silent');
  await migrateJobQueue(db.url);
  // Listeners: events + reminders, as in src/main.ts.
  const bookings = createBookingService({ prisma: db.prisma, clock, listeners: createBookingListeners({ clock }) });
  const runner = await startJobRunner({
    connectionString: db.url,
    concurrency: 4,
    logger,
    pollIntervalMs: options.pollIntervalMs ?? 100,
    tasks: buildTaskList({ prisma: db.prisma, logger, clock, config, bookings, graph: createGraphClient({ baseUrl: config.whatsapp.graphUrl, accessToken: 'test-token' }) }),
  });
  const app = createApp({ config, prisma: db.prisma, logger, clock });

  const settle = async () => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const [jobs] = await db.prisma.$queryRaw<Array<{ n: bigint }>>`
        SELECT count(*) AS n FROM graphile_worker.jobs WHERE (run_at <= now() AND attempts < max_attempts) OR locked_at IS NOT NULL`;
      // Rows deliberately deferred (a retry after backoff), and the rows queued behind them for the
      // same recipient, are not "waiting": the test decides when to resume them.
      const waitingRows = await db.prisma.$queryRaw<Array<{ waiting: number }>>`
        SELECT count(*)::int AS waiting FROM outbox_messages o
        WHERE o.status IN ('queued', 'sending') AND o.next_attempt_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM outbox_messages d WHERE d.recipient = o.recipient AND d.status = 'queued' AND d.next_attempt_at IS NOT NULL)`;
      const unprocessed = await db.prisma.inboxMessage.count({ where: { processedAt: null } });
      const waiting = waitingRows[0]?.waiting ?? 0;
      if (Number(jobs!.n) === 0 && waiting === 0 && unprocessed === 0) return;
      if (Date.now() > deadline) {
        const rows = await db.prisma.outboxMessage.findMany({ where: { status: { in: ['queued', 'sending'] } }, select: { status: true, attempts: true, nextAttemptAt: true, lastError: true } });
        const queue = await db.prisma.$queryRaw<unknown[]>`SELECT task_identifier, key, run_at, attempts, max_attempts, locked_at, last_error FROM graphile_worker.jobs`;
        const pending = await db.prisma.inboxMessage.findMany({ where: { processedAt: null }, select: { customerId: true, receivedAt: true } });
        throw new Error(`channel did not settle: ${jobs!.n} jobs, ${waiting} outbox rows waiting, ${unprocessed} inbox rows: ${JSON.stringify(rows)}; queue ${JSON.stringify(queue)}; pending ${JSON.stringify(pending)}`);
      }
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  return {
    app,
    graph,
    clock,
    runner,
    settle,
    async send(from, message, sendOptions = {}) {
      const before = graph.messages().length;
      const body = buildWebhook(from, message, sendOptions.name, clock.now());
      const res = await request(app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody(SECRET, body)).send(body);
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${JSON.stringify(res.body)}`);
      await settle();
      return graph.messages().slice(before).filter((m) => (m.to ?? m.recipient) === from);
    },
    async stop() {
      await runner.stop();
      await graph.close();
    },
  };
}
