/**
 * Sends a recipient's queued outbox rows to the Graph API, oldest first, one recipient at a time
 * (advisory lock), so messages to one customer leave in the order they were produced.
 *
 * Exactly-once bookkeeping: a row is marked `sending` (with its attempt's time) and committed before
 * the HTTP call; the returned message id is stored right after. A crash in between leaves `sending`
 * with no id (so does a post that timed out waiting for Meta's answer): the next run first looks for
 * Meta's status of that post and adopts its id, and posts again only when none arrived within a grace
 * period (outbox-recovery.ts has the rules; Meta offers no idempotency key, so that is the one path
 * to a duplicate).
 * A send that fails for a reason of configuration (a token no header can carry, a token that
 * cannot be decrypted, a token Meta refuses) fails its row at once, logged at error and recorded
 * on the number's status (number-send-status.ts): retrying would only hide it.
 * Every post first passes the number's send gate (send-gate.ts), so no burst exceeds Meta's rate.
 *
 * Hot path: prepared node-postgres statements on one checked-out connection (a Prisma call costs
 * several times the CPU, and at 80 messages/s the CPU per message bounds the throughput).
 */
import { randomUUID } from 'node:crypto';
import { addJobInTransaction } from '../jobs';
import type { Clock } from '../platform/clock';
import { poolOf, type PgClient, type PrismaClient } from '../platform/database';
import { NetworkError, WhatsAppApiError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { querySql, type SqlStatement } from '../platform/sql';
import type { GraphClient } from './graph-client';
import { maskPhone } from './mask';
import { noteSuccessfulSend } from './number-send-status';
import { ACCEPT_SQL, recoverUnfinishedAttempt, RESEND_GRACE_MS } from './outbox-recovery';
import type { OutboundMessage } from './outbound-message';
import { recipientLockKey, SEND_OUTBOX_TASK, sendJobKey, unlockRecipient, type SendOutboxPayload } from './outbox-repository';
import { failForConfiguration, handleSendError, SEND_JOB_OPTIONS } from './outbox-send-failures';
import { SendConfigurationError } from './send-configuration-error';
import { passSendGate, waitOnTimer, type GateRow } from './send-gate';

/**
 * What the sender needs. `graph` is the client for the configured access token (undefined →
 * sandbox: store, do not post); `graphForNumber`, when given, may return a client with a phone
 * number's own token, which wins.
 */
export interface OutboxSenderDeps {
  prisma: PrismaClient;
  clock: Clock;
  logger: Logger;
  graph: GraphClient | undefined;
  graphForNumber?: (phoneNumberId: string) => Promise<GraphClient | undefined>;
  random?: () => number;
  /** Called after each row reaches a final or waiting state (tests and benchmarks observe progress). */
  onSettled?: (row: { id: string; status: string }) => void;
  /** Waits for a send slot; defaults to the real timer (a test with a fixed clock passes one that moves it). */
  wait?: (ms: number) => Promise<void>;
  /** Runs the send gate (and the grace period of an unfinished attempt) on `clock` instead of the database's clock: only for a test that simulates time with `wait`. */
  isGateOnClock?: boolean;
  /** Called each time a sender woke up too late for its send slot and had to claim another. */
  onSlotMissed?: () => void;
}

const BATCH = 50;
/** Stores the BSUID of a send's answer on the customer of the outbox row, when it is new to them. */
const STORE_RECIPIENT_USER_ID_SQL: SqlStatement = {
  name: 'outbox-store-recipient-user-id',
  text: `UPDATE customers c SET user_id = $2, updated_at = now()
           FROM outbox_messages o
          WHERE o.id = $1::uuid AND c.id = o.customer_id AND c.business_id = o.business_id AND c.user_id IS DISTINCT FROM $2`,
};

/**
 * The send_outbox job: sends everything queued for one recipient, oldest first; reschedules
 * itself when Meta or the send gate asks to wait. A recipient that another worker is sending to
 * is retried shortly: that worker may be finishing just before our row committed.
 */
export async function sendQueuedForRecipient(deps: OutboxSenderDeps, job: SendOutboxPayload): Promise<void> {
  const client = await poolOf(deps.prisma).connect();
  let failure: Error | undefined;
  try {
    const first = await lockAndReadBatch(client, job);
    if (!first.isLocked) {
      // Infrastructure wait, measured by the database's clock (not the app's, which tests may move).
      await addJobInTransaction(client, SEND_OUTBOX_TASK, job, { jobKey: sendJobKey(job.businessId, job.recipient), runAfterMs: 500, ...SEND_JOB_OPTIONS });
      return;
    }
    try {
      await sendQueuedHoldingLock(deps, client, job, first.rows);
    } finally {
      await unlockRecipient(client, job);
    }
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    // After a failure the connection is dropped, not pooled: a session lock can never stay behind.
    client.release(failure);
  }
}

/** An unsent outbox row as the sender reads it. */
export interface OutboxRow {
  id: string;
  phone_number_id: string;
  payload: unknown;
  fallback_payload: unknown;
  attempts: number;
  kind: string;
  status: string;
  next_attempt_at: Date | null;
}

const OUTBOX_COLUMNS = 'id, phone_number_id, payload, fallback_payload, attempts, kind, status, next_attempt_at';
const UNSENT_OF_RECIPIENT = `FROM outbox_messages WHERE business_id = $1::uuid AND recipient = $2 AND status IN ('queued', 'sending') ORDER BY sequence LIMIT ${BATCH}`;

/**
 * Takes the recipient's send lock and reads the first batch in one round trip. The read's snapshot
 * predates the lock, so a row may look unsent that the previous lock holder has just sent: the
 * send gate's claim (and the sandbox's update) only touch a row still as it was read, and a row
 * found changed sends the sender back to a fresh read (sendOne's 'stale').
 */
async function lockAndReadBatch(client: PgClient, job: SendOutboxPayload): Promise<{ isLocked: boolean; rows: OutboxRow[] }> {
  const { rows } = await client.query<{ locked: boolean } & ({ [K in keyof OutboxRow]: OutboxRow[K] | null })>({
    name: 'outbox-lock-and-batch',
    text: `WITH lock AS MATERIALIZED (SELECT pg_try_advisory_lock(hashtext($3)) AS locked)
           SELECT lock.locked, row.* FROM lock LEFT JOIN LATERAL (SELECT ${OUTBOX_COLUMNS} ${UNSENT_OF_RECIPIENT}) AS row ON lock.locked`,
    values: [job.businessId, job.recipient, recipientLockKey(job.businessId, job.recipient)],
  });
  const isLocked = rows[0]?.locked === true;
  return { isLocked, rows: isLocked ? (rows.filter((row) => row.id !== null) as OutboxRow[]) : [] };
}

/**
 * After one row: go on, read again (the row now carries its template fallback, or it was sent by
 * someone else since it was read), stop (a job is scheduled), or come back later.
 */
export type SendResult = 'next' | 'again' | 'scheduled' | { retryAfterMs: number };

/**
 * Sends the recipient's queued rows while the caller holds the recipient's lock on `client`
 * (sendQueuedForRecipient, or a reminder sent right after its own commit). Whatever cannot go
 * now is left queued with a send_outbox job at the time it may go, so nothing stays without a job.
 */
export async function sendQueuedHoldingLock(deps: OutboxSenderDeps, client: PgClient, job: SendOutboxPayload, firstBatch?: OutboxRow[]): Promise<void> {
  const log = deps.logger.child({ component: 'outbox', recipient: maskPhone(job.recipient) });
  const reschedule = (when: { runAt: Date } | { runAfterMs: number }) =>
    addJobInTransaction(client, SEND_OUTBOX_TASK, job, { jobKey: sendJobKey(job.businessId, job.recipient), ...when, ...SEND_JOB_OPTIONS });
  let pending = firstBatch;
  for (;;) {
    const rows =
      pending ?? (await client.query<OutboxRow>({ name: 'outbox-batch', text: `SELECT ${OUTBOX_COLUMNS} ${UNSENT_OF_RECIPIENT}`, values: [job.businessId, job.recipient] })).rows;
    pending = undefined;
    let isAgain = false;
    for (const row of rows) {
      if (row.next_attempt_at && row.next_attempt_at > deps.clock.now()) return reschedule({ runAt: row.next_attempt_at });
      const result = await sendRow(deps, client, log, job, row);
      if (result === 'scheduled') return;
      // The send gate is booked up that far ahead, or an unfinished attempt waits for Meta's status:
      // later rows wait behind this one to keep the order. The wait is in the gate's clock: the
      // database's, or the test's simulated one.
      if (typeof result === 'object') {
        return reschedule(deps.isGateOnClock ? { runAt: new Date(deps.clock.now().getTime() + result.retryAfterMs) } : { runAfterMs: result.retryAfterMs });
      }
      // The row now carries its template fallback, or changed since it was read: read the batch again.
      if (result === 'again') {
        isAgain = true;
        break;
      }
    }
    if (!isAgain && rows.length < BATCH) return;
  }
}

function toGateRow(row: OutboxRow): GateRow {
  return { id: row.id, phoneNumberId: row.phone_number_id, attempts: row.attempts + 1, previousStatus: row.status };
}

/** Sends one row: sandbox store, recovery of an unfinished attempt, then the gate and the post. */
async function sendRow(deps: OutboxSenderDeps, client: PgClient, log: Logger, job: SendOutboxPayload, row: OutboxRow): Promise<SendResult> {
  let graph: GraphClient | undefined;
  try {
    graph = (await deps.graphForNumber?.(row.phone_number_id)) ?? deps.graph;
  } catch (error) {
    if (error instanceof SendConfigurationError) return failForConfiguration(deps, client, log, row, error);
    throw error;
  }
  if (!graph) return storeInSandbox(deps, client, row);
  if (row.status === 'sending' && row.kind !== 'read_receipt') {
    const recovered = await recoverBeforeResend(deps, client, log, job, row);
    if (recovered !== undefined) return recovered;
  }
  const gateDeps = {
    wait: deps.wait ?? waitOnTimer,
    ...(deps.isGateOnClock ? { clock: deps.clock } : {}),
    ...(deps.onSlotMissed ? { onSlotMissed: deps.onSlotMissed } : {}),
  };
  const gate = await passSendGate(gateDeps, client, toGateRow(row));
  if (!gate.pass) return 'isStale' in gate ? 'again' : { retryAfterMs: gate.retryAfterMs };
  if (row.status === 'sending') {
    // Logged only now: the claim has just confirmed that the row is still the unfinished attempt we read.
    log.warn(
      { outboxId: row.id, attempts: row.attempts },
      'previous send attempt ended without a stored message id and no status from Meta arrived within the grace period; sending again, a duplicate is possible',
    );
  }
  return postRow(deps, client, log, job, row, graph);
}

/** Sandbox: nothing leaves, so nothing passes the gate; the row is stored as if sent. */
async function storeInSandbox(deps: OutboxSenderDeps, client: PgClient, row: OutboxRow): Promise<SendResult> {
  const stored = await client.query({
    name: 'outbox-sandbox',
    text: `UPDATE outbox_messages SET status = 'sandbox', attempts = $2, provider_message_id = $3, sent_at = $4, updated_at = now()
            WHERE id = $1::uuid AND status = $5 AND attempts = $6`,
    values: [row.id, row.attempts + 1, `sandbox.${randomUUID()}`, deps.clock.now(), row.status, row.attempts],
  });
  if (stored.rowCount === 0) return 'again';
  deps.onSettled?.({ id: row.id, status: 'sandbox' });
  return 'next';
}

/** An attempt that ended without a stored message id: adopt Meta's status for it, wait for one, or (undefined) send again. */
async function recoverBeforeResend(deps: OutboxSenderDeps, client: PgClient, log: Logger, job: SendOutboxPayload, row: OutboxRow): Promise<SendResult | undefined> {
  const recovery = await recoverUnfinishedAttempt(
    client,
    { id: row.id, attempts: row.attempts, businessId: job.businessId, phoneNumberId: row.phone_number_id, recipient: job.recipient },
    { graceMs: RESEND_GRACE_MS, now: deps.isGateOnClock ? deps.clock.now() : null },
  );
  if (recovery.action === 'stale') return 'again';
  if (recovery.action === 'wait') {
    log.info({ outboxId: row.id, waitMs: recovery.waitMs }, 'previous send attempt ended without a stored message id; waiting for Meta\'s status before sending again');
    return { retryAfterMs: recovery.waitMs };
  }
  if (recovery.action === 'adopted') {
    log.warn({ outboxId: row.id, status: recovery.status }, 'previous send attempt ended without a stored message id; Meta\'s status for it had arrived: message id adopted, not sent again');
    deps.onSettled?.({ id: row.id, status: recovery.status });
    return 'next';
  }
  return undefined;
}

/** Posts a row that passed the gate and stores Meta's answer (or settles the failure). */
async function postRow(deps: OutboxSenderDeps, client: PgClient, log: Logger, job: SendOutboxPayload, row: OutboxRow, graph: GraphClient): Promise<SendResult> {
  const attempts = row.attempts + 1;
  try {
    const payload = row.payload as OutboundMessage;
    let messageId: string | null = null;
    let userId: string | undefined;
    if ((payload as { status?: string }).status === 'read') {
      await graph.markRead(row.phone_number_id, (payload as unknown as { message_id: string }).message_id);
    } else {
      ({ messageId, userId } = await graph.sendMessage(row.phone_number_id, payload));
    }
    await querySql(client, ACCEPT_SQL, [row.id, messageId, deps.clock.now()]);
    // Meta names the customer's BSUID in its answer: kept, so their username-only messages find this record.
    if (userId !== undefined) await querySql(client, STORE_RECIPIENT_USER_ID_SQL, [row.id, userId]);
    deps.onSettled?.({ id: row.id, status: 'accepted' });
    // For staff only: a failure to note it must not fail a send that has happened.
    await noteSuccessfulSend(deps.prisma, client, row.phone_number_id, deps.clock.now()).catch((noteError: unknown) =>
      log.warn({ err: noteError, phoneNumberId: row.phone_number_id }, 'could not record the number\'s last successful send'),
    );
    return 'next';
  } catch (error) {
    if (error instanceof SendConfigurationError) return failForConfiguration(deps, client, log, { ...row, attempts }, error);
    if (!(error instanceof WhatsAppApiError) && !(error instanceof NetworkError)) throw error;
    return handleSendError(deps, client, log, job, { ...row, attempts }, error);
  }
}

