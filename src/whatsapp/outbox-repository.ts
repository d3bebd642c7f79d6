/**
 * The outbox: every message we decide to send is a row written in the same transaction as the
 * decision, plus a job that sends the recipient's queued rows in order.
 */
import { addJobInTransaction } from '../jobs';
import { Prisma, type Db, type PgClient } from '../platform/database';
import type { MessagesRequestBody, OutboundMessage } from './outbound-message';

/** The job that sends a recipient's queued outbox rows, oldest first. */
export const SEND_OUTBOX_TASK = 'send_outbox';

/** Payload of the send_outbox job. */
export interface SendOutboxPayload {
  businessId: string;
  recipient: string;
}

/** Kinds of outbound messages (for reporting and exactly-once rules). */
export type OutboxKind = 'reply' | 'staff_reply' | 'reminder' | 'followup' | 'staff_notification' | 'read_receipt';

/** One job per recipient: adding while one is pending replaces it instead of piling up. */
export function sendJobKey(businessId: string, recipient: string): string {
  return `send:${businessId}:${recipient}`;
}

/** The advisory-lock key that lets one sender at a time send to a recipient (keeps their order). */
export function recipientLockKey(businessId: string, recipient: string): string {
  return `outbox:${businessId}:${recipient}`;
}

/**
 * Takes the recipient's send lock at session level on a checked-out client (it outlives a
 * transaction on that client, so a caller can queue a row, commit, then send it); true if taken.
 * Never waits: a busy recipient is being sent to by someone else.
 */
export async function tryLockRecipient(client: PgClient, params: { businessId: string; recipient: string }): Promise<boolean> {
  const result = await client.query<{ locked: boolean }>({
    name: 'outbox-try-lock-recipient',
    text: 'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
    values: [recipientLockKey(params.businessId, params.recipient)],
  });
  return result.rows[0]?.locked === true;
}

/** Releases the lock taken by tryLockRecipient. */
export async function unlockRecipient(client: PgClient, params: { businessId: string; recipient: string }): Promise<void> {
  await client.query({ name: 'outbox-unlock-recipient', text: 'SELECT pg_advisory_unlock(hashtext($1))', values: [recipientLockKey(params.businessId, params.recipient)] });
}

/** One outbound message to queue: who it goes to, from which number, and what to post (plus its template fallback). */
export interface OutboundRowInput {
  businessId: string;
  customerId: string | null;
  phoneNumberId: string;
  recipient: string;
  kind: OutboxKind;
  payload: MessagesRequestBody;
  /** The other form of the same message: the approved template for a free-form payload (131047), or the free-form one for a template (131062). */
  fallbackPayload?: OutboundMessage;
}

/**
 * enqueueOutbound on a node-postgres client (inside the caller's BEGIN … COMMIT), in one statement.
 * The row is stamped and the job runs at `runAt` (the caller's "now", from its clock). `addJob: false` is for a caller that holds the recipient's lock and sends the row itself right
 * after its commit; it must then make sure a job exists if it cannot (see sendQueuedHoldingLock).
 */
export async function queueOutboundWithPg(
  client: PgClient,
  message: OutboundRowInput,
  options: { addJob: boolean; runAt: Date },
): Promise<string> {
  const payload: SendOutboxPayload = { businessId: message.businessId, recipient: message.recipient };
  const result = await client.query<{ id: string }>({
    name: 'outbox-queue',
    text: `WITH inserted AS (
             INSERT INTO outbox_messages (business_id, customer_id, phone_number_id, recipient, kind, payload, fallback_payload, created_at)
             VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::jsonb, $7::jsonb, $12::timestamptz) RETURNING id),
           job AS (
             SELECT graphile_worker.add_job(identifier => $8::text, payload => $9::json, job_key => $10::text, run_at => $12::timestamptz, max_attempts => 50) WHERE $11::boolean)
           SELECT (SELECT id FROM inserted) AS id, (SELECT count(*) FROM job) AS jobs`,
    values: [
      message.businessId,
      message.customerId,
      message.phoneNumberId,
      message.recipient,
      message.kind,
      JSON.stringify(message.payload),
      message.fallbackPayload ? JSON.stringify(message.fallbackPayload) : null,
      SEND_OUTBOX_TASK,
      JSON.stringify(payload),
      sendJobKey(message.businessId, message.recipient),
      options.addJob,
      options.runAt,
    ],
  });
  return result.rows[0]!.id;
}

/**
 * Queues a message (and its sending job) inside the caller's transaction; returns the row id.
 * `createdAt` is the caller's "now" (its clock, the one inbound messages are stamped with, so a
 * transcript orders both directions on one clock); without it, the database's.
 */
export async function enqueueOutbound(
  db: Db,
  message: OutboundRowInput & { runAt?: Date; createdAt?: Date },
): Promise<string> {
  const row = await db.outboxMessage.create({
    data: {
      ...(message.createdAt ? { createdAt: message.createdAt } : {}),
      businessId: message.businessId,
      customerId: message.customerId,
      phoneNumberId: message.phoneNumberId,
      recipient: message.recipient,
      kind: message.kind,
      payload: message.payload as unknown as Prisma.InputJsonValue,
      fallbackPayload: message.fallbackPayload ? (message.fallbackPayload as unknown as Prisma.InputJsonValue) : Prisma.JsonNull,
    },
    select: { id: true },
  });
  const payload: SendOutboxPayload = { businessId: message.businessId, recipient: message.recipient };
  // One job per recipient (job key): a second message before it runs re-plans it, not piles up.
  await addJobInTransaction(db, SEND_OUTBOX_TASK, payload, { jobKey: sendJobKey(message.businessId, message.recipient), runAt: message.runAt, maxAttempts: 50 });
  return row.id;
}
