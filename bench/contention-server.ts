/**
 * One app process of bench/contention.bench.ts: HTTP app and job runner on the shared database, as
 * src/main.ts runs them (replies sent to the bench's fake Graph API right after each step). Reports its port over IPC and
 * serves until SIGTERM.
 */
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app';
import { createBookingService } from '../src/booking';
import { startJobRunner } from '../src/jobs';
import { createFixedClock, createLogger, createPrismaClient, disconnectPrisma, loadConfig } from '../src/platform';
import { createBookingListeners } from '../src/reminders';
import { buildTaskList } from '../src/tasks';
import { createGraphClient } from '../src/whatsapp';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger('silent');
  const clock = createFixedClock(process.env.BENCH_NOW!);
  const prisma = createPrismaClient({ url: config.database.url!, poolSize: config.database.poolSize });
  const bookings = createBookingService({ prisma, clock, listeners: createBookingListeners({ clock }) });
  const runner = await startJobRunner({
    connectionString: config.database.url!,
    concurrency: config.workerConcurrency,
    pollIntervalMs: 50,
    tasks: buildTaskList({ prisma, logger, clock, config, bookings, graph: config.whatsapp.accessToken ? createGraphClient({ baseUrl: config.whatsapp.graphUrl, accessToken: config.whatsapp.accessToken }) : undefined }),
    logger,
  });
  const app = createApp({ config, prisma, logger, clock });
  const server = app.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void runner
      .stop()
      .catch(() => undefined)
      .then(() => disconnectPrisma(prisma))
      .finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
