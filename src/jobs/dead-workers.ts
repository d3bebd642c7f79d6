/**
 * Dead-worker recovery. graphile-worker marks every job it takes (and a named queue it runs) with
 * its worker id, and another process takes such a job again only when the lock is 4 hours old.
 * A worker process that is killed (OOM, kill -9, a host gone) would leave a customer's turn
 * unanswered, or a reminder unsent, for 4 hours.
 *
 * Liveness comes from PostgreSQL itself, not from clocks or heartbeats: every runner holds a
 * session-level advisory lock per worker id on a connection of its own for as long as it runs.
 * PostgreSQL drops the locks of a connection whose process died (its socket closes). The sweep
 * (at start and every minute, once across all processes) tries each worker id that holds jobs:
 * a lock it can take belongs to nobody alive, so that worker's jobs and queues are unlocked for
 * the others (graphile-worker's own force_unlock_workers). Locks taken in the last minute are
 * left alone: a runner registers its id right after graphile-worker creates it, and that minute
 * covers the gap. Every task is safe to run twice, so a worker that was only cut off from the
 * database (and re-registers when it is back) costs at most a repeated job.
 */
import { Client, type Pool } from 'pg';
import { inPgTransaction } from '../platform/database';
import type { Logger } from '../platform/logger';

/** The first key of the two-key advisory locks that mark live workers (its own lock space, apart from the one-key locks of senders). */
export const LIVE_WORKER_LOCK_NAMESPACE = 1952542818; // "tapb"

/** Jobs locked more recently than this are never unlocked by the sweep (a runner's registration window). */
export const DEAD_WORKER_GRACE_SECONDS = 60;

/** The cron task that unlocks the jobs of dead workers. */
export const UNLOCK_DEAD_WORKERS_TASK = 'unlock_dead_workers';

/** graphile-worker crontab line of the sweep (every minute). */
export const UNLOCK_DEAD_WORKERS_CRONTAB = `* * * * * ${UNLOCK_DEAD_WORKERS_TASK}`;

/** Holds the liveness locks of this process's worker ids; stop() releases them. */
export interface WorkerLiveness {
  /** Marks a worker id as alive (until stop()). */
  register(workerId: string): Promise<void>;
  stop(): Promise<void>;
}

const RECONNECT_DELAY_MS = 1_000;

/**
 * Opens the liveness connection. If it is lost while the process lives (a database restart), it
 * reconnects and takes the locks again; meanwhile a sweep may hand this process's jobs to others.
 */
export function startWorkerLiveness(options: { connectionString: string; logger: Logger }): WorkerLiveness {
  const state: LivenessState = {
    connectionString: options.connectionString,
    log: options.logger.child({ component: 'jobs-liveness' }),
    workerIds: new Set<string>(),
    isStopped: false,
    connection: undefined,
    retry: undefined,
    registering: Promise.resolve(),
  };
  return {
    async register(workerId) {
      if (state.isStopped || state.workerIds.has(workerId)) return;
      state.workerIds.add(workerId);
      await inTurn(state, async () => lockAll(await ensureConnected(state), [workerId]));
    },
    async stop() {
      state.isStopped = true;
      if (state.retry) clearTimeout(state.retry);
      const client = await state.connection?.catch(() => undefined);
      state.connection = undefined;
      // Closing the session releases every lock it holds.
      await client?.end().catch(() => undefined);
    },
  };
}

/** The liveness connection of one process and the worker ids whose locks it holds. */
interface LivenessState {
  connectionString: string;
  log: Logger;
  workerIds: Set<string>;
  isStopped: boolean;
  connection: Promise<Client> | undefined;
  retry: NodeJS.Timeout | undefined;
  /** The registration whose locks are being taken; the next one waits for it. */
  registering: Promise<unknown>;
}

async function lockAll(client: Client, ids: Iterable<string>): Promise<void> {
  for (const id of ids) await client.query('SELECT pg_advisory_lock($1::int, hashtext($2))', [LIVE_WORKER_LOCK_NAMESPACE, id]);
}

// Registrations arrive together (one per worker of a runner): their locks are taken one at a
// time, since a pg client given a query while another runs only queues it, deprecated in pg 9.
function inTurn(state: LivenessState, task: () => Promise<void>): Promise<void> {
  const turn = state.registering.then(task);
  state.registering = turn.catch(() => undefined);
  return turn;
}

/** Opens a session that takes every registered lock, and reconnects when it is lost. */
function connect(state: LivenessState): Promise<Client> {
  const client = new Client({ connectionString: state.connectionString, application_name: 'tapbook worker liveness' });
  let isLost = false;
  const lost = (reason: string) => {
    if (state.isStopped || isLost) return;
    isLost = true;
    state.connection = undefined;
    state.log.warn({ reason }, 'worker liveness connection lost; reconnecting (until then, other processes may take over this process\'s jobs)');
    scheduleReconnect(state);
  };
  client.on('error', (error) => lost(error.message));
  client.on('end', () => lost('connection ended'));
  return client.connect().then(async () => {
    // A host that vanishes without closing its socket (power, network cut) would otherwise look
    // alive to PostgreSQL for the OS's 2-hour keepalive default. Over TCP the server probes
    // this session after 30 s of silence and gives up after about a minute (no effect on a Unix socket,
    // where the process's death closes the socket at once).
    await client.query(
      `SELECT set_config('tcp_keepalives_idle', '30', false), set_config('tcp_keepalives_interval', '10', false), set_config('tcp_keepalives_count', '3', false)`,
    );
    await lockAll(client, state.workerIds);
    return client;
  });
}

// Tries again every RECONNECT_DELAY_MS until a connection holds every lock again (or stop()).
function scheduleReconnect(state: LivenessState): void {
  if (state.isStopped || state.retry) return;
  state.retry = setTimeout(() => {
    state.retry = undefined;
    ensureConnected(state).catch((error: Error) => {
      state.log.warn({ reason: error.message }, 'worker liveness connection still down; trying again');
      scheduleReconnect(state);
    });
  }, RECONNECT_DELAY_MS);
  state.retry.unref();
}

function ensureConnected(state: LivenessState): Promise<Client> {
  state.connection ??= connect(state).catch((error: unknown) => {
    state.connection = undefined;
    scheduleReconnect(state);
    throw error;
  });
  return state.connection;
}

// The worker ids holding jobs for over the grace period whose liveness lock can be taken are dead
// (a 32-bit hash collision with a live id only errs towards "alive": the old 4-hour wait). A named
// queue is locked only together with one of its jobs, by the same worker, so graphile-worker's
// public jobs view names every holder. The lock is transaction-level: held while their jobs are freed, then let go.
const DEAD_WORKERS_SQL = `
  SELECT id FROM (SELECT DISTINCT locked_by AS id FROM graphile_worker.jobs
                    WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $2::double precision)) holders
   WHERE pg_try_advisory_xact_lock($1::int, hashtext(id)) ORDER BY id`;

/** Unlocks the jobs and queues of workers that are no longer alive; returns their ids. */
export async function unlockJobsOfDeadWorkers(deps: { pool: Pool; logger: Logger; graceSeconds?: number }): Promise<string[]> {
  const client = await deps.pool.connect();
  try {
    const ids = await inPgTransaction(client, async () => {
      const { rows } = await client.query<{ id: string }>(DEAD_WORKERS_SQL, [LIVE_WORKER_LOCK_NAMESPACE, deps.graceSeconds ?? DEAD_WORKER_GRACE_SECONDS]);
      const dead = rows.map((row) => row.id);
      if (dead.length > 0) await client.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [dead]);
      return dead;
    });
    if (ids.length > 0) deps.logger.warn({ workers: ids }, 'jobs of dead workers unlocked; other workers take them over now');
    return ids;
  } finally {
    client.release();
  }
}
