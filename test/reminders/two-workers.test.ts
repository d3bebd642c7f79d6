/**
 * Real graphile-worker runners on one database: a worker "process" (own runner and connection
 * pool) that dies before and after its commits is replaced mid-run, and two workers share the rest;
 * every reminder is sent once — both when a second (send_outbox) job sends the message and
 * when the reminder's own job sends it right after its commit (production's setup).
 */
import type { TaskList } from 'graphile-worker';
import { createBookingService } from '../../src/booking';
import { migrateJobQueue, startJobRunner, type JobRunner } from '../../src/jobs';
import { createFixedClock, createLogger, createPrismaClient, disconnectPrisma, type PrismaClient } from '../../src/platform';
import { buildReminderTasks, createBookingListeners, sendReminder, SEND_REMINDER_TASK, type SendReminderPayload } from '../../src/reminders';
import { createGraphClient, SEND_OUTBOX_TASK, sendQueuedForRecipient, type SendOutboxPayload } from '../../src/whatsapp';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph';
import { setupDemo } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const T0 = '2026-03-23T08:00:00.000Z';
// After every 24-hour reminder of Thursday's bookings is due, before any of them starts.
const SEND_TIME = '2026-03-25T18:00:00.000Z';
const BOOKINGS = 32;

describe.each([
  ['by a second job', false],
  ['by its own job', true],
])('several workers on one database, the message sent %s', (_name, isSentByOwnJob) => {
  let db: TestDatabase;
  let graph: FakeGraph;
  const extraClients: PrismaClient[] = [];
  const runners: JobRunner[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 6 });
    graph = await startFakeGraph();
    await migrateJobQueue(db.url);
  });
  afterAll(async () => {
    for (const runner of runners) await runner.stop().catch(() => undefined);
    for (const client of extraClients) await disconnectPrisma(client);
    await graph.close();
    await db.drop();
  });

  it('each reminder is sent exactly once across crashes, a replaced worker and a second worker', async () => {
    const clock = createFixedClock(T0);
    const logger = createLogger('silent');
    const demo = await setupDemo(db.prisma);
    await db.prisma.reminderRule.updateMany({ where: { NOT: { kind: 'reminder', sequence: 1 } }, data: { isActive: false } });
    const bookings = createBookingService({ prisma: db.prisma, clock, listeners: createBookingListeners({ clock }) });
    const customers = await demo.createCustomers(BOOKINGS);
    const uids: string[] = [];
    for (let i = 0; i < BOOKINGS; i += 1) {
      const staffId = i % 2 === 0 ? demo.staff.ana : demo.staff.ben;
      const slot = Math.floor(i / 2); // 16 half-hour slots per staff member on Thursday
      const localMinutes = (slot < 8 ? 9 * 60 : 14 * 60) + (slot % 8) * 30;
      const start = new Date(Date.UTC(2026, 2, 26, Math.floor(localMinutes / 60) - 1, localMinutes % 60));
      const result = await bookings.confirmSlot({ businessId: demo.businessId, customerId: customers[i]!, serviceId: demo.services.consultation, staffId, start, source: 'api', actor: 'test' });
      if (!result.ok) throw new Error(`slot ${start.toISOString()} taken`);
      uids.push(result.booking.uid);
    }
    // Only the reminder sends take part; the meeting jobs are parked far in the future.
    await db.prisma.$executeRaw`UPDATE graphile_worker._private_jobs j SET run_at = now() + interval '1 year'
      FROM graphile_worker._private_tasks t WHERE t.id = j.task_id AND t.identifier <> ${SEND_REMINDER_TASK}`;
    clock.set(SEND_TIME);

    let outboxJobRuns = 0;
    const buildTasks = (prisma: PrismaClient, crash?: { calls: number; workerIds: Set<string> }): TaskList => {
      const graphClient = createGraphClient({ baseUrl: graph.baseUrl, accessToken: 'test-token' });
      const sender = isSentByOwnJob ? { graph: graphClient } : undefined;
      const base = buildReminderTasks({ prisma, clock, logger, bookings: createBookingService({ prisma, clock, listeners: createBookingListeners({ clock }) }), ...(sender ? { sender } : {}) });
      return {
        ...base,
        [SEND_OUTBOX_TASK]: async (payload) => {
          outboxJobRuns += 1;
          await sendQueuedForRecipient({ prisma, clock, logger, graph: graphClient }, payload as SendOutboxPayload);
        },
        ...(crash
          ? {
              [SEND_REMINDER_TASK]: async (payload, helpers) => {
                crash.calls += 1;
                crash.workerIds.add(helpers.job.locked_by ?? '');
                const call = crash.calls;
                // Every 4th call dies before its commit, every 4th+1 right after it: the job stays and is retried.
                const beforeCommit = call % 4 === 0 ? () => { throw new Error('worker killed before commit'); } : undefined;
                await sendReminder({ prisma, clock, logger, ...(sender ? { sender } : {}), ...(beforeCommit ? { beforeCommit } : {}) }, payload as SendReminderPayload);
                if (call % 4 === 1) throw new Error('worker killed after commit');
              },
            }
          : {}),
      };
    };
    const secondClient = createPrismaClient({ url: db.url, poolSize: 6 });
    const thirdClient = createPrismaClient({ url: db.url, poolSize: 6 });
    extraClients.push(secondClient, thirdClient);
    const crash = { calls: 0, workerIds: new Set<string>() };
    const start = (prisma: PrismaClient, tasks: TaskList, concurrency = 3) =>
      startJobRunner({ connectionString: db.url, concurrency, tasks, logger, pollIntervalMs: 50 }).then((runner) => {
        runners.push(runner);
        return runner;
      });
    // One worker in the crashing process, so its id (needed to unlock its jobs after the kill) is known.
    // It runs alone until it has crashed a few times (else a faster second worker could take every
    // job first); then it is replaced and two workers share the rest.
    const crashing = await start(db.prisma, buildTasks(db.prisma, crash), 1);

    const deadline = Date.now() + 30_000;
    let replaced = false;
    for (;;) {
      if (!replaced && crash.calls >= 8) {
        await crashing.stop();
        // What a restart does for the workers of the dead process (graphile would wait 4 hours for their locks).
        await db.prisma.$executeRaw`SELECT graphile_worker.force_unlock_workers(${[...crash.workerIds]}::text[])`;
        await start(secondClient, buildTasks(secondClient));
        await start(thirdClient, buildTasks(thirdClient));
        replaced = true;
      }
      // Failed jobs wait for graphile's backoff; let that time pass at once.
      await db.prisma.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now()
        WHERE last_error IS NOT NULL AND locked_at IS NULL AND run_at > now() AND run_at < now() + interval '1 day'`;
      const pending = await db.prisma.reminder.count({ where: { status: 'pending' } });
      const unsent = await db.prisma.outboxMessage.count({ where: { status: { notIn: ['accepted', 'failed'] } } });
      const [jobs] = await db.prisma.$queryRaw<Array<{ n: number }>>`
        SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE run_at < now() + interval '1 day'`;
      if (pending === 0 && unsent === 0 && jobs!.n === 0) break;
      if (Date.now() > deadline) {
        const left = await db.prisma.$queryRaw`SELECT t.identifier, j.run_at, j.attempts, j.max_attempts, j.locked_at, j.last_error FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE j.run_at < now() + interval '1 day' LIMIT 5`;
        throw new Error(`not done: ${pending} reminders pending, ${unsent} outbox rows unsent, ${jobs!.n} jobs ${JSON.stringify(left, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))} calls ${crash.calls} sent ${graph.messages().length}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    expect(replaced).toBe(true);
    const messages = graph.messages();
    expect(messages).toHaveLength(BOOKINGS);
    const perBooking = uids.map((uid) => messages.filter((message) => JSON.stringify(message).includes(`reminder:confirm:${uid}`)).length);
    expect(perBooking).toStrictEqual(uids.map(() => 1));
    expect(await db.prisma.reminder.count({ where: { status: 'sent' } })).toBe(BOOKINGS);
    expect(await db.prisma.outgoingEvent.count({ where: { type: 'REMINDER_SENDING' } })).toBe(BOOKINGS);
    // Sent by its own job: no second job per reminder (each customer here has nothing else queued).
    if (isSentByOwnJob) expect(outboxJobRuns).toBe(0);
    else expect(outboxJobRuns).toBeGreaterThanOrEqual(BOOKINGS);
  }, 90_000);
});
