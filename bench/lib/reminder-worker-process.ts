/**
 * One worker process of the reminders benchmark, as production runs them: its own job runner,
 * connection pools and event loop on the shared database, sending to the loopback fake Graph API.
 * Started by bench/reminders.bench.ts with fork(); it answers 'ready' when its runner is up, and on
 * 'stop' lets running jobs finish, reports the CPU time it spent since 'ready' and exits.
 */
import { createBookingService } from '../../src/booking';
import { startJobRunner } from '../../src/jobs';
import { createLogger, createPrismaClient, disconnectPrisma, systemClock } from '../../src/platform';
import { buildReminderTasks, createBookingListeners } from '../../src/reminders';
import { createGraphClient, SEND_OUTBOX_TASK, sendQueuedForRecipient, type GraphClient, type SendOutboxPayload } from '../../src/whatsapp';

/** The arguments the parent passes (JSON in argv[2]). */
export interface WorkerProcessOptions {
  url: string;
  graphBaseUrl: string;
  concurrency: number;
  pollMs: number;
}

/** What a worker process reports when it stops. */
export interface WorkerProcessReport {
  cpuMs: number;
  /** Date.now() right before each Graph API call. */
  leftAt: number[];
  /** Send slots lost because a sender woke up too late for them. */
  slotsMissed: number;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2]!) as WorkerProcessOptions;
  const logger = createLogger('silent');
  const prisma = createPrismaClient({ url: options.url, poolSize: options.concurrency + 2 });
  const bookings = createBookingService({ prisma, clock: systemClock, listeners: createBookingListeners({ clock: systemClock }) });
  const real = createGraphClient({ baseUrl: options.graphBaseUrl, accessToken: 'bench' });
  // When each message left this process (right before the HTTP call), to compare with its arrival.
  const leftAt: number[] = [];
  const graph: GraphClient = {
    sendMessage: (phoneNumberId, body) => {
      leftAt.push(Date.now());
      return real.sendMessage(phoneNumberId, body);
    },
    markRead: (phoneNumberId, messageId) => real.markRead(phoneNumberId, messageId),
  };
  let slotsMissed = 0;
  const sender = { graph, onSlotMissed: () => (slotsMissed += 1) };
  const runner = await startJobRunner({
    connectionString: options.url,
    concurrency: options.concurrency,
    pollIntervalMs: options.pollMs,
    logger,
    tasks: {
      ...buildReminderTasks({ prisma, clock: systemClock, logger, bookings, sender }),
      [SEND_OUTBOX_TASK]: async (payload) => {
        await sendQueuedForRecipient({ prisma, clock: systemClock, logger, ...sender }, payload as SendOutboxPayload);
      },
    },
  });
  process.on('message', (message) => {
    if (message !== 'stop') return;
    void (async () => {
      await runner.stop();
      await disconnectPrisma(prisma);
      const cpu = process.cpuUsage(startCpu);
      const report: WorkerProcessReport = { cpuMs: (cpu.user + cpu.system) / 1000, leftAt, slotsMissed };
      process.send?.(report, () => process.exit(0));
    })();
  });
  // CPU from here on: loading and compiling the code is not part of sending.
  const startCpu = process.cpuUsage();
  process.send?.('ready');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
