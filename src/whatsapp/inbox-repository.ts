/**
 * Stores inbound messages and status updates. One short transaction per webhook: each new
 * message is written to the inbox (keyed by its WhatsApp id, so a redelivery is a no-op) and its
 * processing job is enqueued in the same transaction; the webhook answers 200 only after commit.
 */
import type { Db, PrismaClient } from '../platform/database';
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
 * one SQL statement (customer upsert → inbox insert → add_job), so a message and its job commit
 * together in a single round trip; a redelivered message id inserts nothing and adds no job.
 */
export async function storeInboundMessages(
  prisma: PrismaClient,
  params: { businessId: string; events: InboundMessageEvent[]; receivedAt: Date },
): Promise<number> {
  if (params.events.length === 0) return 0;
  const storeAll = async (db: Db) => {
    let stored = 0;
    for (const event of params.events) stored += await storeOne(db, params.businessId, event, params.receivedAt);
    return stored;
  };
  // A batch from one webhook is all-or-nothing, so a retried delivery finds either all or none.
  return params.events.length === 1 ? storeAll(prisma) : prisma.$transaction((tx) => storeAll(tx));
}

async function storeOne(db: Db, businessId: string, event: InboundMessageEvent, receivedAt: Date): Promise<number> {
  const phone = event.waId && /^\d{6,15}$/.test(event.waId) ? `+${event.waId}` : null;
  const name = event.profileName?.slice(0, 200) ?? null;
  const rows = await db.$queryRaw<Array<{ stored: number }>>`
    WITH customer AS (
      INSERT INTO customers (business_id, wa_id, phone_e164, name, last_inbound_at)
      VALUES (${businessId}::uuid, ${event.senderKey}, ${phone}, ${name}, ${receivedAt})
      ON CONFLICT (business_id, wa_id) DO UPDATE
        SET last_inbound_at = EXCLUDED.last_inbound_at, name = COALESCE(EXCLUDED.name, customers.name), updated_at = now()
      RETURNING id
    ), inbox AS (
      INSERT INTO inbox_messages (business_id, customer_id, wa_message_id, type, message, sent_at, received_at)
      SELECT ${businessId}::uuid, customer.id, ${event.messageId}, ${event.message.type}, ${JSON.stringify(event.message)}::jsonb, ${event.timestamp}, ${receivedAt}
      FROM customer
      ON CONFLICT (wa_message_id) DO NOTHING
      RETURNING id, customer_id
    )
    SELECT count(graphile_worker.add_job(
      identifier => ${PROCESS_INBOX_TASK}::text,
      payload => json_build_object('businessId', ${businessId}::text, 'customerId', inbox.customer_id, 'inboxId', inbox.id),
      max_attempts => 25
    ))::int AS stored
    FROM inbox`;
  return rows[0]?.stored ?? 0;
}

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
