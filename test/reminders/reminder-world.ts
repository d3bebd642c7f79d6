/**
 * A reminder test world on a test database: the demo business with its default rules, a booking
 * core with the real listeners, a fixed clock, the loopback fake Graph API, and a deterministic
 * job loop that runs due graphile-worker jobs in run_at order, moving the clock to each job's time.
 */
import { randomBytes } from 'node:crypto';
import { createBookingService, type BookingService } from '../../src/booking';
import { migrateJobQueue } from '../../src/jobs';
import { createFixedClock, createLogger, type Logger } from '../../src/platform';
import { buildReminderTasks, createBookingListeners } from '../../src/reminders';
import { createGraphClient, SEND_OUTBOX_TASK, sendQueuedForRecipient, type GraphClient, type OutboxSenderDeps, type SendOutboxPayload } from '../../src/whatsapp';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph';
import { setupDemo, type DemoHandles } from '../support/demo';
import type { TestDatabase } from '../support/test-database';

/** The DATA_ENCRYPTION_KEY of the test world (opens sealed webhook signing secrets). */
export const WORLD_ENCRYPTION_KEY = randomBytes(32);

/** One message as the fake Graph API received it, with the (fixed-clock) time it left. */
export interface SentMessage {
  at: string;
  to: string;
  type: string;
  body: Record<string, unknown>;
}

/** The world a reminder test works in. */
export interface ReminderWorld {
  db: TestDatabase;
  demo: DemoHandles;
  clock: ReturnType<typeof createFixedClock>;
  graph: FakeGraph;
  graphClient: GraphClient;
  bookings: BookingService;
  logger: Logger;
  /** Warnings and errors logged so far (JSON lines). */
  logs: string[];
  tasks: Record<string, (payload: unknown) => Promise<unknown>>;
  /** The outbox sender's deps of the world's tasks (the send gate on the world's clock). */
  sender: Omit<OutboxSenderDeps, 'prisma' | 'clock' | 'logger'>;
  /** Messages sent so far (read receipts excluded), oldest first. */
  sent: SentMessage[];
  /** Runs every job due up to `until` in run_at order (clock follows), then sets the clock to `until`. */
  runJobsUntil(until: string | Date): Promise<string[]>;
  /** Event types written so far, in order, with their times. */
  events(): Promise<Array<{ type: string; at: string; bookingId: string | null }>>;
  /** Pending graphile jobs by task name. */
  pendingJobs(): Promise<Array<{ task: string; runAt: string; key: string | null }>>;
  stop(): Promise<void>;
}

/** Builds the world; `now` is the clock's start. */
export async function createReminderWorld(db: TestDatabase, options: { now: string }): Promise<ReminderWorld> {
  await migrateJobQueue(db.url);
  const demo = await setupDemo(db.prisma);
  const clock = createFixedClock(options.now);
  const graph = await startFakeGraph();
  const logs: string[] = [];
  const logger = createLogger('warn', { write: (line: string) => logs.push(line) });
  const sent: SentMessage[] = [];
  const real = createGraphClient({ baseUrl: graph.baseUrl, accessToken: 'test-token' });
  const graphClient: GraphClient = {
    async sendMessage(phoneNumberId, body) {
      const result = await real.sendMessage(phoneNumberId, body);
      sent.push({ at: clock.now().toISOString(), to: body.to ?? body.recipient, type: body.type, body: body as unknown as Record<string, unknown> });
      return result;
    },
    markRead: (phoneNumberId, messageId) => real.markRead(phoneNumberId, messageId),
  };
  const bookings = createBookingService({ prisma: db.prisma, clock, listeners: createBookingListeners({ clock }) });
  // The send gate runs on the world's clock, and waiting for a slot moves it, as real time would move the database's.
  const wait = async (ms: number) => clock.set(new Date(clock.now().getTime() + ms));
  const sender = { graph: graphClient, random: () => 0.5, wait, isGateOnClock: true };
  // The subscribers of these tests listen on loopback: the test-only allowance lets deliveries reach them.
  const reminderTasks = buildReminderTasks({ prisma: db.prisma, clock, logger, bookings, random: () => 0.5, encryptionKey: WORLD_ENCRYPTION_KEY, sender, outbound: { allowsLoopback: true } });
  const tasks: Record<string, (payload: unknown) => Promise<unknown>> = {
    [SEND_OUTBOX_TASK]: (payload) => sendQueuedForRecipient({ prisma: db.prisma, clock, logger, ...sender }, payload as SendOutboxPayload),
  };
  for (const [name, task] of Object.entries(reminderTasks)) {
    tasks[name] = (payload) => Promise.resolve((task as (p: unknown, h: unknown) => unknown)(payload, {}));
  }

  return {
    db,
    demo,
    clock,
    graph,
    graphClient,
    bookings,
    logger,
    logs,
    tasks,
    sender,
    sent,
    async runJobsUntil(until) {
      const limit = new Date(until);
      const ran: string[] = [];
      for (let guard = 0; guard < 10_000; guard += 1) {
        const [job] = await db.prisma.$queryRaw<Array<{ id: bigint; task: string; payload: unknown; run_at: Date }>>`
          SELECT j.id, t.identifier AS task, j.payload, j.run_at
            FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
           WHERE j.is_available AND j.run_at <= ${limit}
           ORDER BY j.run_at, j.id LIMIT 1`;
        if (!job) break;
        if (job.run_at.getTime() > clock.now().getTime()) clock.set(job.run_at);
        const task = tasks[job.task];
        if (!task) throw new Error(`no task ${job.task} in the reminder world`);
        // Locked like a worker would: a re-plan during the run adds a new job instead of rewriting this one.
        await db.prisma.$executeRaw`UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'reminder-world' WHERE id = ${job.id}`;
        try {
          await task(job.payload);
        } catch (error) {
          await db.prisma.$executeRaw`UPDATE graphile_worker._private_jobs SET locked_at = NULL, locked_by = NULL, attempts = attempts + 1 WHERE id = ${job.id}`;
          throw error;
        }
        await db.prisma.$executeRaw`DELETE FROM graphile_worker._private_jobs WHERE id = ${job.id}`;
        ran.push(job.task);
      }
      if (limit.getTime() > clock.now().getTime()) clock.set(limit);
      return ran;
    },
    async events() {
      const rows = await db.prisma.outgoingEvent.findMany({ orderBy: { sequence: 'asc' }, select: { type: true, createdAt: true, bookingId: true } });
      return rows.map((row) => ({ type: row.type, at: row.createdAt.toISOString(), bookingId: row.bookingId }));
    },
    async pendingJobs() {
      const rows = await db.prisma.$queryRaw<Array<{ task: string; run_at: Date; key: string | null }>>`
        SELECT t.identifier AS task, j.run_at, j.key FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
         WHERE j.is_available ORDER BY j.run_at, j.id`;
      return rows.map((row) => ({ task: row.task, runAt: row.run_at.toISOString(), key: row.key }));
    },
    async stop() {
      await graph.close();
    },
  };
}
