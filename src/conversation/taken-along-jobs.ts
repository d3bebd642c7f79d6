/**
 * The jobs of messages a step answered before their own jobs ran. Every inbox message queues a
 * process_inbox job, but a step answers all of its sender's pending messages at once: without
 * this, a burst left one job per message behind it with nothing to do (bench:webhook: ~50,000 of
 * them after a 30 s burst, 9–12 s of both cores to run through), in front of reminders and timers.
 */
import type { Logger } from '../platform/logger';
import { querySql, type SqlStatement, type SqlTarget } from '../platform/sql';
import type { PendingInboxMessage } from './conversation-repository';

/** The job ids of the answered messages, except the message the running job was queued for. */
export function takenAlongJobIds(answered: readonly PendingInboxMessage[], ownInboxId: string | undefined): string[] {
  return answered.flatMap((message) => (message.id !== ownInboxId && message.jobId !== null ? [message.jobId] : []));
}

// graphile-worker's own admin function: deletes the jobs that no worker has taken yet. A job
// already taken (running, or fetched ahead) is left alone and stops after one read by key.
const COMPLETE_JOBS_SQL: SqlStatement = {
  name: 'conversation-complete-taken-along-jobs',
  text: `SELECT count(*)::int AS completed FROM graphile_worker.complete_jobs($1::bigint[])`,
};

/**
 * Completes those jobs; call it only after the step that answered their messages committed. A
 * failure is logged, not thrown: the jobs then simply run and find their messages answered.
 */
export async function completeTakenAlongJobs(db: SqlTarget, logger: Logger, jobIds: readonly string[]): Promise<void> {
  if (jobIds.length === 0) return;
  try {
    await querySql(db, COMPLETE_JOBS_SQL, [jobIds]);
  } catch (error) {
    logger.warn({ err: error, jobs: jobIds.length }, 'could not complete the jobs of messages a step answered; they will run and find nothing to do');
  }
}
