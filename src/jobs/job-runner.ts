/**
 * The durable job runner: graphile-worker on the same PostgreSQL. Jobs are added inside the
 * transaction of the data they belong to (see `addJobInTransaction`), so a committed change
 * always has its job and a rolled-back one never does.
 */
import { EventEmitter } from 'node:events';
import type { Runner, TaskList, WorkerEvents } from 'graphile-worker';
import { Pool } from 'pg';
import type { Db } from '../platform/database';
import { querySql, type SqlStatement, type SqlTarget } from '../platform/sql';
import { loadEsm } from '../platform/load-esm';
import { startWorkerLiveness, unlockJobsOfDeadWorkers, UNLOCK_DEAD_WORKERS_CRONTAB, UNLOCK_DEAD_WORKERS_TASK, type WorkerLiveness } from './dead-workers';
import type { Logger } from '../platform/logger';

type GraphileWorker = typeof import('graphile-worker');

/** Options for one job added with SQL. */
export interface AddJobOptions {
  /** Jobs with the same key replace each other (re-planning instead of duplicating). */
  jobKey?: string;
  runAt?: Date;
  /** Run this long after the database's now (for infrastructure waits, independent of the app clock). */
  runAfterMs?: number;
  maxAttempts?: number;
  priority?: number;
  queueName?: string;
}

/**
 * Adds a job through `graphile_worker.add_job` inside the caller's transaction: a Prisma
 * transaction client, or a checked-out pg client between its BEGIN and COMMIT (hot paths).
 */
export async function addJobInTransaction(db: SqlTarget, task: string, payload: unknown, options: AddJobOptions = {}): Promise<void> {
  await querySql(db, ADD_JOB_SQL, [
    task,
    JSON.stringify(payload ?? {}),
    options.queueName ?? null,
    options.runAt ?? null,
    (options.runAfterMs ?? 0) / 1000,
    options.maxAttempts ?? null,
    options.jobKey ?? null,
    options.priority ?? null,
  ]);
}

// `SELECT 1 FROM`: add_job returns the job row as a composite, which Prisma cannot read back.
const ADD_JOB_SQL: SqlStatement = {
  name: 'jobs-add-job',
  text: `SELECT 1 AS added FROM graphile_worker.add_job(
      identifier => $1::text, payload => $2::json, queue_name => $3::text,
      run_at => COALESCE($4::timestamptz, now() + make_interval(secs => $5::double precision)),
      max_attempts => $6::int, job_key => $7::text, priority => $8::int)`,
};

/** Removes a pending job by its key (no-op if it ran or never existed). */
export async function removeJobInTransaction(db: Db, jobKey: string): Promise<void> {
  await db.$executeRaw`SELECT graphile_worker.remove_job(${jobKey}::text)`;
}

/** Installs graphile-worker's schema (idempotent), so jobs can be added before a runner starts. */
export async function migrateJobQueue(connectionString: string): Promise<void> {
  const { runMigrations } = loadEsm<GraphileWorker>('graphile-worker');
  await runMigrations({ connectionString, logger: silentGraphileLogger() });
}

/** A started job runner; stop() lets running jobs finish, then closes its connections. */
export interface JobRunner {
  runner: Runner;
  /** Whether the runner still takes jobs: false once stop() was called or the runner ended by itself. */
  isRunning(): boolean;
  stop(): Promise<void>;
}

/** Starts processing jobs with the given task list. */
export async function startJobRunner(options: {
  connectionString: string;
  concurrency: number;
  tasks: TaskList;
  logger: Logger;
  pollIntervalMs?: number;
  /** Recurring jobs in graphile-worker's crontab syntax (deduplicated across processes by graphile-worker). */
  crontab?: string;
  /**
   * Called when the runner ends although stop() was not called (graphile-worker gave up after an
   * error): this process then runs no jobs, and its locked jobs stay locked until it exits.
   */
  onUnexpectedStop?: (error: Error | undefined) => void;
}): Promise<JobRunner> {
  const { run, Logger: GraphileLogger } = loadEsm<GraphileWorker>('graphile-worker');
  const log = options.logger.child({ component: 'jobs' });
  const pool = createJobPool(options.connectionString, options.concurrency, log);
  // Every worker id graphile-worker creates is marked alive for as long as this runner runs, so a
  // crashed process's jobs are taken over within about a minute instead of 4 hours (dead-workers.ts).
  const liveness = startWorkerLiveness({ connectionString: options.connectionString, logger: options.logger });
  const { events, registrations } = markWorkersAlive(liveness, log);
  const unlockDeadWorkers = () => unlockJobsOfDeadWorkers({ pool, logger: log });
  let runner: Runner;
  try {
    runner = await run({
      pgPool: pool,
      concurrency: options.concurrency,
      noHandleSignals: true,
      pollInterval: options.pollIntervalMs ?? 1000,
      taskList: { ...options.tasks, [UNLOCK_DEAD_WORKERS_TASK]: async () => void (await unlockDeadWorkers()) },
      crontab: [options.crontab, UNLOCK_DEAD_WORKERS_CRONTAB].filter(Boolean).join('\n'),
      events,
      // Fetching is batched (graphile-worker's "performance" page): each runner locks up to
      // `concurrency` jobs per query. Completions are not (completeJobBatchDelay and
      // failJobBatchDelay stay unset): in graphile-worker 0.18 one failed batch, such as a deadlock
      // with a webhook replacing a running job's key, shuts the whole worker pool down (its retry
      // loop exits on the first error, graphile/worker#636), while a lone completion is retried.
      // test/jobs/transient-queue-errors.test.ts fails with batched completions.
      preset: { worker: { localQueue: { size: options.concurrency } } },
      logger: new GraphileLogger(() => (level, message) => {
        if (level === 'error') log.error(message);
        else if (level === 'warning') log.warn(message);
        else log.debug(message);
      }),
    });
  } catch (error) {
    await liveness.stop();
    throw error;
  }
  await Promise.all(registrations);
  let isStopRequested = false;
  let hasEnded = false;
  const onEnd = (error?: unknown) => {
    hasEnded = true;
    if (isStopRequested) return;
    const reason = error === undefined ? undefined : error instanceof Error ? error : new Error(String(error));
    log.error({ err: reason?.message }, 'the job runner stopped by itself; this process runs no jobs until it is restarted');
    options.onUnexpectedStop?.(reason);
  };
  runner.promise.then(() => onEnd(), onEnd);
  // A restarted process takes over what its crashed predecessor held without waiting for the cron.
  await unlockDeadWorkers().catch((error: Error) => log.warn({ err: error.message }, 'dead-worker sweep failed at start; the minute cron retries'));
  return {
    runner,
    isRunning: () => !isStopRequested && !hasEnded,
    stop: async () => {
      isStopRequested = true;
      try {
        if (!hasEnded) await runner.stop();
      } finally {
        // Released only after the runner's jobs are done: until then they are still this process's.
        await liveness.stop();
        await pool.end();
      }
    },
  };
}

/** The runner's own connection pool, two connections above its concurrency. */
function createJobPool(connectionString: string, concurrency: number, log: Logger): Pool {
  // We own the pool so its error listener outlives the runner: connections still closing when
  // the database stops would otherwise raise an unhandled 'error' and crash the shutdown.
  const pool = new Pool({ connectionString, max: concurrency + 2 });
  pool.on('error', (error) => log.debug({ err: error.message }, 'job queue connection dropped'));
  pool.on('connect', (client) => client.on('error', (error) => log.debug({ err: error.message }, 'job queue client error')));
  return pool;
}

/** Worker events that register each worker pool and worker id as alive; `registrations` settle once each lock is held (or its failure logged). */
function markWorkersAlive(liveness: WorkerLiveness, log: Logger): { events: WorkerEvents; registrations: Array<Promise<void>> } {
  const registrations: Array<Promise<void>> = [];
  const register = (workerId: string) =>
    registrations.push(liveness.register(workerId).catch((error: Error) => log.warn({ err: error.message, workerId }, 'could not mark a job worker alive; its jobs may be taken over by other processes')));
  const events = new EventEmitter() as WorkerEvents;
  events.on('pool:create', ({ workerPool }) => register(workerPool.id));
  events.on('worker:create', ({ worker }) => register(worker.workerId));
  return { events, registrations };
}

function silentGraphileLogger() {
  const { Logger: GraphileLogger } = loadEsm<GraphileWorker>('graphile-worker');
  return new GraphileLogger(() => () => undefined);
}
