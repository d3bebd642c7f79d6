/**
 * Adding a job without NOTIFY inside the transaction, then waking the workers after the commit.
 *
 * graphile-worker's add_job calls pg_notify, and PostgreSQL serialises the commits of every
 * transaction that sent a NOTIFY, WAL flush included: measured here, 16 connections committing
 * one-row inserts reach ~3,300 commits/s, but only ~650/s once each also notifies. The webhook
 * commits one inbox row + job per message, so that lock was its ceiling. Its statement adds the
 * job with add_job_without_notify below, and the web process then sends one NOTIFY per event-loop
 * turn for everything it stored, outside any transaction (no WAL to flush, the lock is held for
 * microseconds). A lost NOTIFY only delays a job until the runners' next poll.
 */
import { Pool } from 'pg';

/**
 * SQL of `tapbook_jobs.add_job_with_id_without_notify(job_id, identifier, payload, max_attempts)`:
 * graphile-worker 0.18's add_jobs for one plain job (no key, queue or run_at) minus pg_notify, with
 * an id from `next_job_id()`; and of `add_job_without_notify(identifier, payload, max_attempts)`, which takes the id itself.
 */
const INSTALL_ADD_JOB_WITHOUT_NOTIFY_SQL = `
BEGIN;
-- Several app processes start at once; IF NOT EXISTS and OR REPLACE are not safe against each other.
SELECT pg_advisory_xact_lock(hashtext('tapbook_jobs.install'));
CREATE SCHEMA IF NOT EXISTS tapbook_jobs;
-- The id is taken beforehand from next_job_id() so that a caller can keep it next to the row the
-- job processes (inbox_messages.job_id) in the statement that adds the job.
CREATE OR REPLACE FUNCTION tapbook_jobs.next_job_id() RETURNS bigint LANGUAGE sql VOLATILE AS $$
  SELECT nextval(pg_get_serial_sequence('graphile_worker._private_jobs', 'id'));
$$;
CREATE OR REPLACE FUNCTION tapbook_jobs.add_job_with_id_without_notify(job_id bigint, identifier text, payload json, max_attempts integer DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_task_id integer;
BEGIN
  -- As add_jobs does: make sure the task exists without consuming identity values needlessly.
  INSERT INTO graphile_worker._private_tasks (identifier)
  SELECT add_job_with_id_without_notify.identifier
  WHERE NOT EXISTS (SELECT 1 FROM graphile_worker._private_tasks existing WHERE existing.identifier = add_job_with_id_without_notify.identifier)
  ON CONFLICT DO NOTHING;
  SELECT id INTO v_task_id FROM graphile_worker._private_tasks WHERE _private_tasks.identifier = add_job_with_id_without_notify.identifier;
  -- The id comes from the identity's own sequence (next_job_id), so it can never collide.
  INSERT INTO graphile_worker._private_jobs (id, task_id, payload, run_at, max_attempts, priority)
  OVERRIDING SYSTEM VALUE
  VALUES (add_job_with_id_without_notify.job_id, v_task_id, COALESCE(payload, '{}'::json), now(), COALESCE(max_attempts, 25), 0);
  RETURN add_job_with_id_without_notify.job_id;
END;
$$;
-- For callers that need not know the id (and web processes of the previous release during a deploy).
CREATE OR REPLACE FUNCTION tapbook_jobs.add_job_without_notify(identifier text, payload json, max_attempts integer DEFAULT NULL)
RETURNS bigint LANGUAGE sql VOLATILE AS $$
  SELECT tapbook_jobs.add_job_with_id_without_notify(tapbook_jobs.next_job_id(), identifier, payload, max_attempts);
$$;
COMMIT;`;

/** Installs (or updates) the tapbook_jobs functions above; safe when several processes start at once. */
export async function installAddJobWithoutNotify(connectionString: string): Promise<void> {
  const pool = new Pool({ connectionString, max: 1 });
  try {
    await pool.query(INSTALL_ADD_JOB_WITHOUT_NOTIFY_SQL);
  } finally {
    await pool.end();
  }
}

/** Wakes idle job runners (every process LISTENing on graphile-worker's channel) after jobs were committed without NOTIFY. */
export type JobNudger = (jobCount: number) => void;

/**
 * A nudger that coalesces wake-ups into one NOTIFY on `pool` at a time: the first job of a quiet
 * period is announced on the next event-loop turn; jobs stored while a NOTIFY is in flight are
 * announced together when it returns. So it holds at most one connection, even while the
 * notification lock is busy with other processes' notifying commits.
 * Fire and forget: the caller has already committed; a failed NOTIFY is covered by polling.
 */
export function createJobNudger(pool: Pool): JobNudger {
  let pendingJobs = 0;
  let isScheduled = false;
  const flush = () => {
    const count = pendingJobs;
    pendingJobs = 0;
    // graphile-worker reads `count` to decide how many idle workers to wake; `r` keeps PostgreSQL from folding equal payloads.
    pool
      .query("SELECT pg_notify('jobs:insert', $1)", [JSON.stringify({ r: Math.random(), count })])
      .catch(() => undefined)
      .finally(() => {
        if (pendingJobs > 0) flush();
        else isScheduled = false;
      });
  };
  return (jobCount) => {
    if (jobCount <= 0) return;
    pendingJobs += jobCount;
    if (isScheduled) return;
    isScheduled = true;
    setImmediate(flush);
  };
}
