/**
 * Recovery of a send that may have reached Meta without its message id being stored.
 *
 * A row is marked `sending` (with `attempted_at`, the database's clock) and committed before the
 * post; Meta's message id is stored right after its answer. A process killed in between leaves the
 * row `sending` without an id, and Meta has no idempotency key: posting again may deliver the
 * message twice, not posting may lose it. Meta reports every accepted message in status webhooks
 * (`sent`, `delivered`, …) carrying the message id and the recipient; statuses for ids no row has
 * are kept (unmatched_statuses, inbox-repository.ts). So before posting such a row again:
 *  1. a status to the same recipient from the same number, received after the attempt, for an id
 *     no row has → that was this post: adopt the id (and its statuses), do not post again;
 *  2. none yet, less than the grace period after the attempt → wait (the row and those behind it
 *     stay queued: order is kept) and look again;
 *  3. none after the grace period → post again, with a warning that a duplicate is possible. A
 *     booking confirmation lost is worse than one received twice, and a status that has not
 *     arrived within the grace period most likely never will: the post did not reach Meta.
 * Read receipts carry no status webhook and marking read twice is harmless: they go again at once.
 * A post that timed out waiting for Meta's answer may have been accepted too: the sender leaves it
 * `sending` for its retry, which goes through the same rules.
 */
import { querySql, type SqlStatement, type SqlTarget } from '../platform/sql';

/** How long after an unfinished attempt a row waits for Meta's status before it is posted again. */
export const RESEND_GRACE_MS = 60_000;

/**
 * How far before the attempt Meta's own status time may lie and still be this attempt's (Meta's
 * clock against the database's; Meta's timestamps are whole seconds). A status older than that
 * belongs to an earlier post (a late status of a message already sent again) and is never adopted.
 */
export const STATUS_CLOCK_SKEW_SECONDS = 30;

/** Unmatched statuses are kept this long: any recovery looks only at the minutes after its attempt. */
export const UNMATCHED_STATUS_RETENTION_HOURS = 24;

/**
 * Stores Meta's answer: the row is accepted with its message id, and statuses that arrived for
 * that id before this save (the status webhook can overtake it) are taken over and forgotten.
 */
export const ACCEPT_SQL: SqlStatement = {
  name: 'outbox-accepted',
  text: `WITH early AS (
           DELETE FROM unmatched_statuses WHERE message_id = $2 RETURNING sent_at, delivered_at, read_at, failed_at, error_code, last_error)
         UPDATE outbox_messages o
            SET status = ${furthestStatusOf('e')}, provider_message_id = COALESCE($2, o.provider_message_id),
                sent_at = COALESCE(e.sent_at, $3), delivered_at = e.delivered_at, read_at = e.read_at, failed_at = e.failed_at,
                error_code = CASE WHEN e.failed_at IS NOT NULL THEN e.error_code ELSE o.error_code END,
                last_error = CASE WHEN e.failed_at IS NOT NULL THEN e.last_error ELSE o.last_error END,
                updated_at = now()
           FROM (SELECT 1) AS one LEFT JOIN early e ON true
          WHERE o.id = $1::uuid`,
};

function furthestStatusOf(alias: string): string {
  return `CASE WHEN ${alias}.failed_at IS NOT NULL THEN 'failed' WHEN ${alias}.read_at IS NOT NULL THEN 'read'
               WHEN ${alias}.delivered_at IS NOT NULL THEN 'delivered' WHEN ${alias}.sent_at IS NOT NULL THEN 'sent' ELSE 'accepted' END`;
}

/**
 * Looks for this attempt's status among the unmatched ones and adopts the earliest (rows of one
 * recipient are sent in order, so the earliest unfinished row posted first); also answers how long
 * the grace period still runs (database clock; null when the attempt's time is unknown).
 */
const RECOVER_SQL: SqlStatement = {
  name: 'outbox-recover-attempt',
  text: `WITH attempt AS (SELECT attempted_at FROM outbox_messages WHERE id = $1::uuid AND status = 'sending' AND attempts = $2 AND provider_message_id IS NULL),
           candidate AS (
             SELECT u.id FROM unmatched_statuses u, attempt
              WHERE u.business_id = $3::uuid AND u.phone_number_id = $4 AND u.recipient = ltrim($5, '+')
                AND u.received_at >= attempt.attempted_at
                AND LEAST(u.sent_at, u.delivered_at, u.read_at, u.failed_at) >= attempt.attempted_at - make_interval(secs => $6::double precision)
                AND NOT EXISTS (SELECT 1 FROM outbox_messages o WHERE o.provider_message_id = u.message_id)
              ORDER BY LEAST(u.sent_at, u.delivered_at, u.read_at, u.failed_at), u.received_at, u.id
              LIMIT 1),
           taken AS (
             DELETE FROM unmatched_statuses u USING candidate c WHERE u.id = c.id
             RETURNING u.message_id, u.sent_at, u.delivered_at, u.read_at, u.failed_at, u.error_code, u.last_error),
           adopted AS (
             UPDATE outbox_messages o
                SET status = ${furthestStatusOf('t')}, provider_message_id = t.message_id,
                    sent_at = COALESCE(t.sent_at, t.delivered_at, t.read_at, t.failed_at), delivered_at = t.delivered_at, read_at = t.read_at, failed_at = t.failed_at,
                    error_code = t.error_code, last_error = t.last_error, updated_at = now()
               FROM taken t
              WHERE o.id = $1::uuid AND o.status = 'sending' AND o.attempts = $2
             RETURNING o.status, o.provider_message_id)
         SELECT (SELECT count(*)::int FROM attempt) AS is_unfinished,
                (SELECT status FROM adopted) AS status, (SELECT provider_message_id FROM adopted) AS message_id,
                (SELECT extract(epoch FROM (attempted_at + make_interval(secs => $7::double precision) - COALESCE($8::timestamptz, clock_timestamp())))::float8 * 1000 FROM attempt) AS grace_left_ms`,
};

/** What recovery decided for a row left `sending` without a message id. */
export type RecoveryOutcome =
  /** Meta's status for this post had arrived: the row now has its id and status; nothing to post. */
  | { action: 'adopted'; status: string; messageId: string }
  /** No status yet and the grace period still runs: look again after `waitMs`. */
  | { action: 'wait'; waitMs: number }
  /** No status within the grace period (or the attempt's time is unknown): post again. */
  | { action: 'resend' }
  /** The row is no longer the unfinished attempt that was read: read again. */
  | { action: 'stale' };

/**
 * Decides what to do with a row read as `sending` without a message id (see the rules above);
 * adopts the id in the same statement when one is found (nothing is taken when the row changed).
 * `now` is the send gate's clock when a test simulates time (attempted_at is on it), else null: the database's.
 */
export async function recoverUnfinishedAttempt(
  client: SqlTarget,
  row: { id: string; attempts: number; businessId: string; phoneNumberId: string; recipient: string },
  options: { graceMs: number; now: Date | null },
): Promise<RecoveryOutcome> {
  const [answer] = await querySql<{ is_unfinished: number; status: string | null; message_id: string | null; grace_left_ms: number | null }>(client, RECOVER_SQL, [
    row.id,
    row.attempts,
    row.businessId,
    row.phoneNumberId,
    row.recipient,
    STATUS_CLOCK_SKEW_SECONDS,
    options.graceMs / 1000,
    options.now,
  ]);
  if (!answer || answer.is_unfinished === 0) return { action: 'stale' };
  if (answer.status !== null && answer.message_id !== null) return { action: 'adopted', status: answer.status, messageId: answer.message_id };
  if (answer.grace_left_ms !== null && answer.grace_left_ms > 0) return { action: 'wait', waitMs: Math.ceil(answer.grace_left_ms) };
  return { action: 'resend' };
}

const PRUNE_UNMATCHED_SQL: SqlStatement = {
  name: 'unmatched-statuses-prune',
  text: `DELETE FROM unmatched_statuses WHERE id IN (
           SELECT id FROM unmatched_statuses WHERE received_at < now() - make_interval(hours => $1::int) ORDER BY received_at LIMIT 10000)`,
};

/** Deletes unmatched statuses past their retention (statuses of messages another tool sent from the number, late ones). */
export async function pruneUnmatchedStatuses(db: SqlTarget): Promise<void> {
  await querySql(db, PRUNE_UNMATCHED_SQL, [UNMATCHED_STATUS_RETENTION_HOURS]);
}
