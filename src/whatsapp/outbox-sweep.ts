/**
 * The outbox sweep: a safety net for messages that were committed but never handed to a sender.
 * A conversation step sends its messages right after its commit, in the same job, with no
 * send_outbox job (that is three queue round trips per turn saved). If the process dies between
 * the commit and the send, or the send's own bookkeeping fails, the rows stay queued with no job;
 * this cron job (every minute, once across all processes) gives each such recipient a send_outbox job.
 * A row left `sending` by a crash goes through recovery there (outbox-recovery.ts), never straight to a post.
 */
import { addJobInTransaction } from '../jobs';
import type { PrismaClient } from '../platform/database';
import { poolOf } from '../platform/database';
import type { Logger } from '../platform/logger';
import { querySql, type SqlStatement } from '../platform/sql';
import { pruneUnmatchedStatuses } from './outbox-recovery';
import { SEND_OUTBOX_TASK, sendJobKey, type SendOutboxPayload } from './outbox-repository';

/** The cron task that hands stranded outbox rows to send_outbox jobs. */
export const SWEEP_OUTBOX_TASK = 'sweep_outbox';

/** graphile-worker crontab line of the sweep (every minute). */
export const SWEEP_OUTBOX_CRONTAB = `* * * * * ${SWEEP_OUTBOX_TASK}`;

/** A row untouched this long while queued or sending has no live sender (sends time out well before). */
export const STRANDED_AFTER_SECONDS = 60;

// Rows waiting for a scheduled retry have a job at next_attempt_at: only overdue ones count.
// The partial index outbox_messages_unsent keeps this cheap however large the outbox grows.
const STRANDED_RECIPIENTS_SQL: SqlStatement = {
  name: 'outbox-stranded-recipients',
  text: `SELECT DISTINCT business_id::text AS business_id, recipient FROM outbox_messages
          WHERE status IN ('queued', 'sending')
            AND updated_at < now() - make_interval(secs => $1::double precision)
            AND (next_attempt_at IS NULL OR next_attempt_at < now() - make_interval(secs => $1::double precision))
          LIMIT 1000`,
};

/** Adds a send_outbox job for every recipient with stranded rows (and drops old unmatched statuses); returns how many. */
export async function sweepOutbox(deps: { prisma: PrismaClient; logger: Logger }): Promise<number> {
  const pool = poolOf(deps.prisma);
  const stranded = await querySql<{ business_id: string; recipient: string }>(pool, STRANDED_RECIPIENTS_SQL, [STRANDED_AFTER_SECONDS]);
  for (const row of stranded) {
    const job: SendOutboxPayload = { businessId: row.business_id, recipient: row.recipient };
    await addJobInTransaction(pool, SEND_OUTBOX_TASK, job, { jobKey: sendJobKey(job.businessId, job.recipient), maxAttempts: 50 });
  }
  await pruneUnmatchedStatuses(pool);
  if (stranded.length > 0) deps.logger.warn({ recipients: stranded.length }, 'outbox sweep: queued messages had no sender; send jobs added');
  return stranded.length;
}
