/**
 * Dead-worker recovery: a worker process killed in the middle of a job (kill -9) leaves the job
 * locked; graphile-worker alone would wait 4 hours before anyone ran it again. The sweep hands it
 * to a live worker once the lock is older than the grace period, and never takes a job from a
 * worker that is alive, however long its job runs.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { Client, Pool } from 'pg';
import { DEAD_WORKER_GRACE_SECONDS, LIVE_WORKER_LOCK_NAMESPACE, migrateJobQueue, startJobRunner, startWorkerLiveness, unlockJobsOfDeadWorkers, type JobRunner } from '../../src/jobs';
import { createLogger } from '../../src/platform';
import { createTestDatabase, runAdminQuery, type TestDatabase } from '../support/test-database';
import { waitUntil } from '../support/wait-until';

const ROOT = path.resolve(__dirname, '../..');

describe('jobs of dead workers', () => {
  let db: TestDatabase;
  let pool: Pool;
  const logger = createLogger('silent');
  // Killed at the end whatever a test did, so a failing test never leaves a worker process behind.
  const children: ChildProcessWithoutNullStreams[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 2 });
    await migrateJobQueue(db.url);
    pool = new Pool({ connectionString: db.url, max: 3 });
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await pool.end();
    await db.drop();
  });

  async function addJob(task: string, payload: unknown): Promise<string> {
    const { rows } = await pool.query<{ id: string }>('SELECT id::text FROM graphile_worker.add_job($1, $2::json)', [task, JSON.stringify(payload)]);
    return rows[0]!.id;
  }
  async function lockOf(jobId: string): Promise<{ locked_by: string | null; attempts: number } | undefined> {
    const { rows } = await pool.query<{ locked_by: string | null; attempts: number }>('SELECT locked_by, attempts FROM graphile_worker.jobs WHERE id = $1', [jobId]);
    return rows[0];
  }
  /** Time passing without waiting for it: the lock looks `seconds` old. */
  async function ageLock(jobId: string, seconds: number): Promise<void> {
    await pool.query(`UPDATE graphile_worker._private_jobs SET locked_at = now() - make_interval(secs => $2) WHERE id = $1`, [jobId, seconds]);
  }
  /** Starts the hanging worker process and resolves once it has taken `jobId`. */
  async function startHangingWorker(jobId: string): Promise<ChildProcessWithoutNullStreams> {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/node'), ['--import', 'tsx', 'test/jobs/support/hanging-worker.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url, NODE_OPTIONS: '' },
    });
    children.push(child);
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(`started ${jobId}`)) resolve();
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`hanging worker exited with ${code} before taking the job: ${output}`)));
    });
    return child;
  }

  it('worker ids registered all at once (a runner starting its workers) each hold their liveness lock, taken one query at a time', async () => {
    // pg queues a query given to a busy client, but warns that pg 9 will not: count each client's
    // queries in flight at once.
    const inFlight = new Map<Client, { now: number; most: number }>();
    const query = Client.prototype.query;
    const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
      const count = inFlight.get(this) ?? { now: 0, most: 0 };
      inFlight.set(this, count);
      count.now += 1;
      count.most = Math.max(count.most, count.now);
      const result = (query as (...a: unknown[]) => unknown).apply(this, args);
      void Promise.resolve(result).finally(() => (count.now -= 1)).catch(() => undefined);
      return result as never;
    });
    const liveness = startWorkerLiveness({ connectionString: db.url, logger });
    try {
      const ids = Array.from({ length: 8 }, (_, i) => `worker-registered-together-${i}`);
      await Promise.all(ids.map((id) => liveness.register(id)));
      const { rows } = await pool.query<{ id: string }>(
        `SELECT w.id FROM unnest($2::text[]) AS w(id)
          WHERE EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::int::oid AND l.objid = hashtext(w.id)::oid)`,
        [LIVE_WORKER_LOCK_NAMESPACE, ids],
      );
      expect(rows.map((row) => row.id).sort()).toEqual([...ids].sort());
      expect(Math.max(...[...inFlight.values()].map((count) => count.most))).toBe(1);
    } finally {
      spy.mockRestore();
      await liveness.stop();
    }
  });

  it('a job whose worker was killed mid-run is unlocked after the grace period and run by a live worker', async () => {
    const jobId = await addJob('hang', { n: 1 });
    const child = await startHangingWorker(jobId);
    const deadWorker = (await lockOf(jobId))!.locked_by;
    expect(deadWorker).toEqual(expect.any(String));
    // While the process lives, its job stays with it, however old the lock.
    await ageLock(jobId, DEAD_WORKER_GRACE_SECONDS * 10);
    expect(await unlockJobsOfDeadWorkers({ pool, logger })).toEqual([]);
    expect((await lockOf(jobId))!.locked_by).toBe(deadWorker);

    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    // PostgreSQL notices the closed connection on its own; until then the worker still counts as alive.
    let unlocked: string[] = [];
    await waitUntil(async () => (unlocked = await unlockJobsOfDeadWorkers({ pool, logger })).length > 0, 'the dead worker to be found', 20_000);
    expect(unlocked).toEqual([deadWorker]);
    expect((await lockOf(jobId))!.locked_by).toBeNull();

    // A live worker now runs it (at once: the job is not scheduled for later).
    const ran: string[] = [];
    const runner = await startJobRunner({ connectionString: db.url, concurrency: 1, logger, tasks: { hang: async (_payload, helpers) => void ran.push(helpers.job.id) } });
    try {
      await waitUntil(async () => (await lockOf(jobId)) === undefined, 'the job to complete', 20_000);
    } finally {
      await runner.stop();
    }
    expect(ran).toEqual([jobId]);
  });

  it('a dead worker\'s job locked less than the grace period ago stays locked', async () => {
    const jobId = await addJob('hang', { n: 2 });
    const child = await startHangingWorker(jobId);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    // Locked a moment ago: indistinguishable from a runner that is still registering its id.
    expect(await unlockJobsOfDeadWorkers({ pool, logger })).toEqual([]);
    expect((await lockOf(jobId))!.locked_by).toEqual(expect.any(String));
    // Once it is old enough, the sweep takes it (then it is removed, so no later runner picks it up).
    await ageLock(jobId, DEAD_WORKER_GRACE_SECONDS + 1);
    await waitUntil(async () => (await unlockJobsOfDeadWorkers({ pool, logger })).length > 0, 'the dead worker to be found', 20_000);
    await pool.query('DELETE FROM graphile_worker._private_jobs WHERE id = $1', [jobId]);
  });

  it('a long job of a live worker in this process is never taken from it', async () => {
    const jobId = await addJob('slow', { n: 3 });
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let started = false;
    const runner: JobRunner = await startJobRunner({
      connectionString: db.url,
      concurrency: 1,
      logger,
      tasks: {
        slow: async () => {
          started = true;
          await finished;
        },
      },
    });
    try {
      await waitUntil(() => started, 'the job to start', 20_000);
      const owner = (await lockOf(jobId))!.locked_by;
      await ageLock(jobId, 3 * 60 * 60);
      expect(await unlockJobsOfDeadWorkers({ pool, logger })).toEqual([]);
      expect((await lockOf(jobId))!.locked_by).toBe(owner);
      finish();
      await waitUntil(async () => (await lockOf(jobId)) === undefined, 'the job to complete', 20_000);
    } finally {
      finish();
      await runner.stop();
    }
  });
  it('a runner whose liveness connection is cut, while the database refuses connections, takes its locks again once it can', async () => {
    const logs: string[] = [];
    const runner = await startJobRunner({ connectionString: db.url, concurrency: 1, logger: createLogger('warn', { write: (line: string) => logs.push(line) }), tasks: {} });
    const livenessLocks = () =>
      pool.query<{ pid: number; locks: number }>(
        `SELECT a.pid, count(l.*)::int AS locks FROM pg_stat_activity a LEFT JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'advisory' AND l.classid = $1 AND l.granted
          WHERE a.application_name = 'tapbook worker liveness' AND a.datname = current_database() GROUP BY a.pid`,
        [LIVE_WORKER_LOCK_NAMESPACE],
      );
    try {
      const [before] = (await livenessLocks()).rows;
      expect(before?.locks).toBeGreaterThan(0);
      // The database refuses new connections for a while: the runner keeps trying, not just once.
      await runAdminQuery(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS false`);
      try {
        await pool.query('SELECT pg_terminate_backend($1)', [before!.pid]);
        await waitUntil(() => logs.filter((line) => line.includes('still down; trying again')).length >= 2, 'two failed reconnects', 20_000);
      } finally {
        await runAdminQuery(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS true`);
      }
      await waitUntil(
        async () => {
          const rows = (await livenessLocks()).rows;
          return rows.length === 1 && rows[0]!.pid !== before!.pid && rows[0]!.locks === before!.locks;
        },
        'the liveness locks to be taken again on a new connection',
        20_000,
      );
    } finally {
      await runner.stop();
    }
    // Stopped: no liveness connection is left.
    expect((await livenessLocks()).rows).toEqual([]);
  });
});
