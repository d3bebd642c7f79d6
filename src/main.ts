/**
 * Starts Tapbook: configuration, database (embedded unless DATABASE_URL), migrations, demo seed,
 * job workers and the HTTP server; stops all of it cleanly on SIGINT/SIGTERM.
 */
// First: with OTEL_EXPORTER_OTLP_ENDPOINT set, tracing must patch http, express and pg before they load.
import './tracing-preload';
import os from 'node:os';
import type { Server } from 'node:http';
import { seedDemoBusinessIfEmpty } from '../prisma/seed';
import { createApp } from './app';
import { scheduleExternalCalendarImport } from './calendar';
import { ensureBootstrapAdminKey, findDefaultBusinessId } from './api';
import { ensureDemoAdmin } from './admin';
import { migrateJobQueue, startJobRunner } from './jobs';
import { createLogger, createPrismaClient, disconnectPrisma, loadConfig, openDatabase, recordBuildInfo, setMetricsEnabled, systemClock } from './platform';
import { createReadinessCheck, observeTurns, startMetricsServer } from './reports';
import { stopTracing, traceTaskList } from './platform/tracing';
import { version } from '../package.json';
import { buildTaskList } from './tasks';
import { createBookingService } from './booking';
import { createBookingListeners } from './reminders';
import { createGraphClient, SWEEP_OUTBOX_CRONTAB } from './whatsapp';

const SHUTDOWN_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // Before any component is built: the Graph clients and routes check it once, when they are made.
  setMetricsEnabled(config.metrics.isEnabled);
  recordBuildInfo({ version, role: config.processRole });
  const database = await openDatabase(config, logger);
  const prisma = createPrismaClient({
    url: database.url,
    poolSize: config.database.poolSize,
    onIdleClientError: (error) => logger.warn({ err: error.message }, 'database connection dropped'),
  });
  if (config.seedDemo) {
    const seededId = await seedDemoBusinessIfEmpty(prisma);
    if (seededId) logger.debug({ businessId: seededId }, 'seeded the demo business');
  }
  if (config.adminApiKey) {
    // ADMIN_API_KEY bootstraps an admin key of the demo (oldest) business; only its hash is stored.
    const businessId = await findDefaultBusinessId(prisma);
    if (businessId) await ensureBootstrapAdminKey(prisma, { businessId, rawKey: config.adminApiKey });
  }
  // Sandbox mode: a demo console admin with a fresh one-time password, printed in the start line.
  const demoAdmin = config.whatsapp.isSandbox && config.seedDemo && config.processRole !== 'worker' ? await findDefaultBusinessId(prisma).then((id) => (id ? ensureDemoAdmin(prisma, id) : undefined)) : undefined;
  await migrateJobQueue(database.url);
  // Staff members' external calendars are re-imported every 15 minutes (one pending round, whatever the number of processes).
  await scheduleExternalCalendarImport(prisma, systemClock.now());
  // Aborted on SIGINT/SIGTERM: a booking retrying against a busy slot stops instead of holding the shutdown.
  const stopping = new AbortController();
  const runsWorkers = config.processRole !== 'web';
  const runsHttp = config.processRole !== 'worker';
  if (!runsHttp && config.workerNice > 0) {
    // A worker-only process yields the CPU to web processes on the same host: Meta wants webhook
    // answers fast (median ≤ 250 ms, < 1 % over 1 s) and retries the slow ones, while a backlog
    // of turns only waits a little longer. Raising one's own nice value needs no privilege.
    try {
      os.setPriority(Math.min(19, os.getPriority() + config.workerNice));
    } catch (error) {
      // A container or OS that refuses is no reason not to work: say so and run at normal priority.
      logger.warn({ err: (error as Error).message }, 'could not lower the worker process priority (WORKER_NICE); running at normal priority');
    }
  }
  const runner = !runsWorkers ? undefined : await startJobRunner({
    connectionString: database.url,
    concurrency: config.workerConcurrency,
    crontab: SWEEP_OUTBOX_CRONTAB,
    tasks: traceTaskList(buildTaskList({
      prisma,
      logger,
      clock: systemClock,
      config,
      // Listeners: events + reminders/follow-ups/staff notifications in each booking's transaction.
      bookings: createBookingService({ prisma, clock: systemClock, listeners: createBookingListeners({ clock: systemClock }), signal: stopping.signal }),
      graph: config.whatsapp.accessToken ? createGraphClient({ baseUrl: config.whatsapp.graphUrl, accessToken: config.whatsapp.accessToken }) : undefined,
    })),
    logger,
    // A process whose runner gave up would hold its locked jobs and answer nobody: exit with an
    // error, so the supervisor (systemd's Restart=always) starts a fresh one, which takes them over.
    onUnexpectedStop: () => void stop('job runner stopped', 1),
  });
  // Turns processed and their latency, from the job runner's events.
  if (runner) observeTurns(runner.runner.events);
  const isJobRunnerAlive = runner ? () => runner.isRunning() && !stopping.signal.aborted : undefined;

  const app = createApp({ config, prisma, logger, clock: systemClock, shutdownSignal: stopping.signal, ...(isJobRunnerAlive ? { isJobRunnerAlive } : {}) });
  // METRICS_PORT: /metrics, /livez and /readyz on a listener of their own (a worker-only process's only one).
  const metricsServer = config.metrics.port === undefined ? undefined : await startMetricsServer({
    host: config.metrics.host,
    port: config.metrics.port,
    prisma,
    logger,
    token: config.metrics.token,
    isMetricsEnabled: config.metrics.isEnabled,
    readiness: createReadinessCheck({ prisma, ...(isJobRunnerAlive ? { isJobRunnerAlive } : {}) }),
  });
  const server: Server | undefined = !runsHttp
    ? undefined
    : await new Promise((resolve, reject) => {
        const listening = app.listen(config.http.port, config.http.host, () => resolve(listening));
        listening.once('error', reject);
      });
  const address = server?.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const mode = config.whatsapp.isSandbox
    ? 'sandbox mode (no WHATSAPP_ACCESS_TOKEN: outbound messages are stored, not sent)'
    : `live mode (posting to ${config.whatsapp.graphUrl})`;
  const where = database.isEmbedded ? `embedded PostgreSQL in ${config.database.embedded.dataDir}` : 'PostgreSQL at DATABASE_URL';
  let isStopping = false;
  const stop = async (signal: string, exitCode = 0) => {
    if (isStopping) return;
    isStopping = true;
    logger[exitCode === 0 ? 'info' : 'error']({ signal }, 'shutting down');
    stopping.abort();
    const deadline = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting anyway');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections would hold close() open; in-flight requests have had their chance.
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
        server.closeIdleConnections();
      });
    }
    logger.debug('http stopped');
    await metricsServer?.close();
    await runner?.stop().catch((error: unknown) => logger.error({ err: error }, 'stopping workers failed'));
    logger.debug('workers stopped');
    await stopTracing().catch((error: unknown) => logger.warn({ err: error }, 'flushing traces failed'));
    await disconnectPrisma(prisma);
    await database.stop();
    logger.debug('database stopped');
    clearTimeout(deadline);
    process.exit(exitCode);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  // Printed only once the signal handlers are in place: whoever waits for this line (a test, a
  // supervisor) may send SIGINT right away, and before the handlers Node would just die with 130.
  const role = config.processRole === 'all' ? '' : ` (${config.processRole} process only)`;
  const origin = `http://${config.http.host === '0.0.0.0' ? 'localhost' : config.http.host}:${port}`;
  if (runsHttp) {
    // Sandbox mode: the WhatsApp simulator is where a newcomer tries the product as a customer.
    const simulator = config.whatsapp.isSandbox ? `; WhatsApp simulator: ${origin}/simulator` : '';
    console.log(`Tapbook listening on ${origin}${role} — ${mode}; ${where}; tz data ${process.versions.tz}${simulator}`);
    if (demoAdmin) console.log(`Staff console: ${origin}/admin — sign in as ${demoAdmin.email} with password ${demoAdmin.password} (demo admin, sandbox mode; a new password on every start)`);
  } else {
    console.log(`Tapbook job worker running${role} — ${mode}; ${where}; tz data ${process.versions.tz}`);
  }
}

main().catch((error: unknown) => {
  console.error(`Tapbook could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
