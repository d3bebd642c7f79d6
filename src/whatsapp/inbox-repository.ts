/**
 * Stores inbound messages and status updates. One short transaction per webhook: each new
 * message is written to the inbox (keyed by its WhatsApp id, so a redelivery is a no-op) and its
 * processing job is enqueued in the same transaction; the webhook answers 200 only after commit.
 */
import { poolOf, type PrismaClient } from '../platform/database';
import { querySql, type SqlStatement, type SqlTarget } from '../platform/sql';
import type { InboundMessageEvent, InboundStatusEvent } from './inbound-event';

/** The job that runs the conversation step for a sender's pending inbox messages. */
export const PROCESS_INBOX_TASK = 'process_inbox';

/** Payload of the process_inbox job. */
export interface ProcessInboxPayload {
  businessId: string;
  customerId: string;
  inboxId: string;
}

// Every webhook needs this lookup and numbers almost never move between businesses: keep found
// answers for a short while. "Not ours" is never cached: a number added a moment ago must not
// lose the messages that follow (the webhook answers 200 either way, so Meta would not retry).
const BUSINESS_CACHE_MS = 30_000;
const businessCaches = new WeakMap<PrismaClient, Map<string, { businessId: string; until: number }>>();

/** Finds the business a phone_number_id belongs to (null → not ours); cached for 30 s. */
export async function findBusinessIdByPhoneNumberId(prisma: PrismaClient, phoneNumberId: string, now: number = Date.now()): Promise<string | null> {
  let cache = businessCaches.get(prisma);
  if (!cache) businessCaches.set(prisma, (cache = new Map()));
  const hit = cache.get(phoneNumberId);
  if (hit && hit.until > now) return hit.businessId;
  const row = await prisma.whatsAppNumber.findUnique({ where: { phoneNumberId }, select: { businessId: true } });
  if (row) cache.set(phoneNumberId, { businessId: row.businessId, until: now + BUSINESS_CACHE_MS });
  return row?.businessId ?? null;
}

/**
 * Stores new messages and enqueues their processing; returns how many were new. Each message is
 * one SQL statement (customer upsert → inbox insert → job), so a message and its job commit
 * together in a single round trip; a redelivered message id inserts nothing and adds no job.
 * The jobs are added without NOTIFY: call a JobNudger with the returned count once it resolves.
 */
export async function storeInboundMessages(
  prisma: PrismaClient,
  params: { businessId: string; events: InboundMessageEvent[]; receivedAt: Date },
): Promise<number> {
  if (params.events.length === 0) return 0;
  const storeAll = async (db: SqlTarget) => {
    let stored = 0;
    for (const event of params.events) stored += await storeOne(db, params.businessId, event, params.receivedAt);
    return stored;
  };
  // A batch from one webhook is all-or-nothing, so a retried delivery finds either all or none.
  // A single message (the usual webhook) is one statement: a prepared one on the pg pool.
  return params.events.length === 1 ? storeAll(poolOf(prisma)) : prisma.$transaction((tx) => storeAll(tx));
}

async function storeOne(db: SqlTarget, businessId: string, event: InboundMessageEvent, receivedAt: Date): Promise<number> {
  const phone = event.waId && /^\d{6,15}$/.test(event.waId) ? `+${event.waId}` : null;
  const name = event.profileName?.slice(0, 200) ?? null;
  const rows = await querySql<{ stored: number }>(db, STORE_INBOUND_SQL, [
    businessId,
    event.senderKey,
    phone,
    name,
    receivedAt,
    event.messageId,
    event.message.type,
    JSON.stringify(event.message),
    event.timestamp,
    PROCESS_INBOX_TASK,
  ]);
  return rows[0]?.stored ?? 0;
}

const STORE_INBOUND_SQL: SqlStatement = {
  name: 'store_inbound_message',
  text: `
    WITH customer AS (
      INSERT INTO customers (business_id, wa_id, phone_e164, name, last_inbound_at)
      VALUES ($1::uuid, $2, $3, $4, $5::timestamptz)
      ON CONFLICT (business_id, wa_id) DO UPDATE
        SET last_inbound_at = EXCLUDED.last_inbound_at, name = COALESCE(EXCLUDED.name, customers.name), updated_at = now()
      RETURNING id
    ), inbox AS (
      INSERT INTO inbox_messages (business_id, customer_id, wa_message_id, type, message, sent_at, received_at)
      SELECT $1::uuid, customer.id, $6, $7, $8::jsonb, $9::timestamptz, $5::timestamptz
      FROM customer
      ON CONFLICT (wa_message_id) DO NOTHING
      RETURNING id, customer_id
    )
    -- Without NOTIFY: the caller wakes the workers after the commit (src/jobs/quiet-jobs.ts says why).
    SELECT count(tapbook_jobs.add_job_without_notify(
      $10::text,
      json_build_object('businessId', $1::text, 'customerId', inbox.customer_id, 'inboxId', inbox.id),
      25
    ))::int AS stored
    FROM inbox`,
};

/**
 * Applies delivery statuses to our outbox rows, one statement each; never moves a message
 * backwards (Meta's status webhooks arrive out of order), while `failed` always lands.
 */
export async function applyStatusUpdates(prisma: PrismaClient, params: { businessId: string; events: InboundStatusEvent[] }): Promise<number> {
  let applied = 0;
  for (const event of params.events) {
    if (event.status === 'failed') {
      const error = event.errors[0];
      applied += await prisma.$executeRaw`
        UPDATE outbox_messages SET status = 'failed', failed_at = ${event.timestamp}, error_code = ${error?.code ?? null},
               last_error = ${(error?.title ?? error?.message ?? 'failed').slice(0, 1000)}, updated_at = now()
        WHERE business_id = ${params.businessId}::uuid AND provider_message_id = ${event.messageId}`;
      continue;
    }
    if (!['sent', 'delivered', 'read'].includes(event.status)) continue;
    applied += await prisma.$executeRaw`
      UPDATE outbox_messages
         SET status = ${event.status},
             sent_at = CASE WHEN ${event.status} = 'sent' THEN ${event.timestamp}::timestamptz ELSE sent_at END,
             delivered_at = CASE WHEN ${event.status} = 'delivered' THEN ${event.timestamp}::timestamptz ELSE delivered_at END,
             read_at = CASE WHEN ${event.status} = 'read' THEN ${event.timestamp}::timestamptz ELSE read_at END,
             updated_at = now()
       WHERE business_id = ${params.businessId}::uuid AND provider_message_id = ${event.messageId}
         AND array_position(ARRAY['queued','sending','accepted','sent','delivered','read'], status)
             < array_position(ARRAY['queued','sending','accepted','sent','delivered','read'], ${event.status}::text)`;
  }
  return applied;
}
