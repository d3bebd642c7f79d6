/**
 * A transient database error while the runner records a finished or failed job (a deadlock with
 * a webhook replacing the job's key, a serialization failure, a dropped connection) must not stop
 * the runner: the job's completion is retried and later jobs still run.
 */
import { Pool } from 'pg';
import { migrateJobQueue, startJobRunner, type JobRunner } from '../../src/jobs';
import { createLogger } from '../../src/platform';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitUntil } from '../support/wait-until';

describe('transient errors of the job queue', () => {
  let db: TestDatabase;
  let pool: Pool;
  let runner: JobRunner | undefined;
  const logger = createLogger('silent');

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 2 });
    await migrateJobQueue(db.url);
    pool = new Pool({ connectionString: db.url, max: 3 });
    // The next `failures` deletes of a job (graphile-worker completing it) fail as PostgreSQL's
    // deadlock detector fails the victim of a deadlock.
    // A sequence counts the deletes: unlike a table, it is not rolled back with the failed statement.
    await pool.query(`CREATE SEQUENCE job_deletes`);
    await pool.query(`CREATE TABLE injected_failures (failures int NOT NULL, sqlstate text NOT NULL)`);
    await pool.query(`INSERT INTO injected_failures VALUES (0, '40P01')`);
    await pool.query(`CREATE FUNCTION fail_injected() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE planned injected_failures;
      BEGIN
        SELECT * INTO planned FROM injected_failures;
        IF nextval('job_deletes') <= planned.failures THEN RAISE EXCEPTION 'injected failure' USING ERRCODE = planned.sqlstate; END IF;
        RETURN CASE TG_OP WHEN 'UPDATE' THEN NEW ELSE OLD END;
      END $$`);
    await pool.query(`CREATE TRIGGER fail_injected BEFORE DELETE ON graphile_worker._private_jobs FOR EACH STATEMENT EXECUTE FUNCTION fail_injected()`);
    // Recording a failed attempt is the update that writes the job's last_error.
    await pool.query(`CREATE TRIGGER fail_injected_on_failure BEFORE UPDATE ON graphile_worker._private_jobs FOR EACH ROW
      WHEN (NEW.last_error IS DISTINCT FROM OLD.last_error) EXECUTE FUNCTION fail_injected()`);
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('a deadlock while a finished job is recorded: the job is recorded on a retry and the runner runs the next jobs', async () => {
    const ran: number[] = [];
    runner = await startJobRunner({ connectionString: db.url, concurrency: 2, logger, pollIntervalMs: 50, tasks: { note: async (payload) => void ran.push((payload as { n: number }).n) } });
    let isStopped = false;
    runner.runner.promise.then(() => (isStopped = true), () => (isStopped = true));
    await pool.query(`SELECT setval('job_deletes', 1, false)`);
    await pool.query(`UPDATE injected_failures SET failures = 1, sqlstate = '40P01'`);
    await pool.query(`SELECT graphile_worker.add_job('note', '{"n": 1}')`);
    await waitUntil(async () => Number((await pool.query(`SELECT last_value FROM job_deletes`)).rows[0].last_value) >= 1, 'the injected failure to fire');
    await pool.query(`SELECT graphile_worker.add_job('note', '{"n": 2}')`);
    await waitUntil(() => ran.includes(2), 'the job added after the failure to run', 10_000);
    await waitUntil(async () => Number((await pool.query(`SELECT count(*) FROM graphile_worker.jobs`)).rows[0].count) === 0, 'both jobs to be recorded as done', 10_000);
    expect(isStopped).toBe(false);
  });

  it('a serialization failure while a failed attempt is recorded: the attempt and its error are recorded on a retry, the job is unlocked and the runner goes on', async () => {
    const ran: number[] = [];
    runner = await startJobRunner({
      connectionString: db.url,
      concurrency: 2,
      logger,
      pollIntervalMs: 50,
      tasks: {
        flaky: async () => {
          throw new Error('the Graph API answered 500');
        },
        note: async (payload) => void ran.push((payload as { n: number }).n),
      },
    });
    let isStopped = false;
    runner.runner.promise.then(() => (isStopped = true), () => (isStopped = true));
    await pool.query(`SELECT setval('job_deletes', 1, false)`);
    await pool.query(`UPDATE injected_failures SET failures = 1, sqlstate = '40001'`);
    const { rows } = await pool.query<{ id: string }>(`SELECT id::text FROM graphile_worker.add_job('flaky', '{}', max_attempts => 3)`);
    const flakyId = rows[0]!.id;
    await waitUntil(async () => Number((await pool.query(`SELECT last_value FROM job_deletes`)).rows[0].last_value) >= 1, 'the injected failure to fire');
    await waitUntil(async () => {
      const job = (await pool.query(`SELECT attempts, last_error, locked_by FROM graphile_worker.jobs WHERE id = $1`, [flakyId])).rows[0];
      return job?.attempts === 1 && String(job.last_error).includes('the Graph API answered 500') && job.locked_by === null;
    }, 'the failed attempt to be recorded and the job unlocked', 10_000);
    await pool.query(`SELECT graphile_worker.add_job('note', '{"n": 3}')`);
    await waitUntil(() => ran.includes(3), 'a job added afterwards to run', 10_000);
    expect(runner.isRunning()).toBe(true);
    expect(isStopped).toBe(false);
  });

  it('a runner that ends by itself is reported once (the process exits to be restarted), and a requested stop is not', async () => {
    const ends: Array<Error | undefined> = [];
    runner = await startJobRunner({ connectionString: db.url, concurrency: 1, logger, pollIntervalMs: 50, tasks: {}, onUnexpectedStop: (error) => ends.push(error) });
    expect(runner.isRunning()).toBe(true);
    // graphile-worker's own stop, as when it gives up after an error: not ours.
    await runner.runner.stop();
    await waitUntil(() => ends.length === 1, 'the unexpected stop to be reported');
    expect(runner.isRunning()).toBe(false);
    await runner.stop();
    runner = undefined;

    const requested = await startJobRunner({ connectionString: db.url, concurrency: 1, logger, pollIntervalMs: 50, tasks: {}, onUnexpectedStop: (error) => ends.push(error) });
    await requested.stop();
    await requested.runner.promise.catch(() => undefined);
    expect(requested.isRunning()).toBe(false);
    expect(ends).toHaveLength(1);
  });
});
