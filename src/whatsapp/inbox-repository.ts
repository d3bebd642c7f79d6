/**
 * The inbox's job (task, payload, key), the webhook's number → business lookup and its status
 * updates. The messages themselves, with their jobs, are stored by inbox-writer.ts.
 */
import { poolOf, type PrismaClient } from '../platform/database';
import { querySql, type SqlStatement } from '../platform/sql';
import type { InboundStatusEvent, StatusPricing } from './inbound-event';

/** The job that runs the conversation step for a sender's pending inbox messages. */
export const PROCESS_INBOX_TASK = 'process_inbox';

/** Payload of the process_inbox job: one job per sender, whatever their number of pending messages. */
export interface ProcessInboxPayload {
  businessId: string;
  customerId: string;
}

/**
 * Key of a sender's process_inbox job. graphile-worker keeps one job per key: a burst updates the
 * waiting job instead of adding one per message, and a message arriving while the job runs makes
 * graphile-worker schedule a new one (the running job may have read the inbox already).
 */
export const inboxJobKey = (customerId: string) => `inbox:${customerId}`;

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

/** One outbox row's statuses from one webhook, folded: the furthest status and each status's time. */
interface FoldedStatus {
  messageId: string;
  phoneNumberId: string;
  /** The recipient as outbox_messages.recipient holds it, without a leading +. */
  recipient: string;
  furthest: 'sent' | 'delivered' | 'read' | null;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  failure: { at: Date; code: number | null; text: string } | null;
  pricing: StatusPricing | null;
}

const STATUS_ORDER = ['sent', 'delivered', 'read'] as const;

/** Groups a webhook's statuses by message (Meta batches several, one message may appear twice). */
function foldStatuses(events: InboundStatusEvent[]): FoldedStatus[] {
  const byMessage = new Map<string, FoldedStatus>();
  for (const event of events) {
    const folded = byMessage.get(event.messageId) ?? {
      messageId: event.messageId,
      phoneNumberId: event.phoneNumberId,
      recipient: event.recipientKey.replace(/^\+/, ''),
      furthest: null,
      sentAt: null,
      deliveredAt: null,
      readAt: null,
      failure: null,
      pricing: null,
    };
    byMessage.set(event.messageId, folded);
    if (event.pricing) folded.pricing = event.pricing;
    if (event.status === 'failed') {
      const error = event.errors[0];
      folded.failure = { at: event.timestamp, code: error?.code ?? null, text: (error?.title ?? error?.message ?? 'failed').slice(0, 1000) };
      continue;
    }
    const rank = STATUS_ORDER.indexOf(event.status as (typeof STATUS_ORDER)[number]);
    if (rank < 0) continue;
    if (folded.furthest === null || rank > STATUS_ORDER.indexOf(folded.furthest)) folded.furthest = STATUS_ORDER[rank]!;
    if (event.status === 'sent') folded.sentAt = event.timestamp;
    if (event.status === 'delivered') folded.deliveredAt = event.timestamp;
    if (event.status === 'read') folded.readAt = event.timestamp;
  }
  return [...byMessage.values()].filter((folded) => folded.failure || folded.furthest || folded.pricing);
}

/**
 * Applies a webhook's delivery statuses to our outbox rows in one statement. A row never moves
 * backwards (Meta's status webhooks arrive out of order): each status, and its time, lands only
 * when it is ahead of the row's; `failed` always lands. Returns how many rows changed.
 * A status whose message id no row has is kept in unmatched_statuses: the send whose id was never
 * stored (a crash between Meta's answer and our save) adopts it instead of posting again, and an
 * id stored a moment after its status arrived takes the status over (outbox-recovery.ts).
 */
export async function applyStatusUpdates(prisma: PrismaClient, params: { businessId: string; events: InboundStatusEvent[] }): Promise<number> {
  const folded = foldStatuses(params.events);
  if (folded.length === 0) return 0;
  const rows = await querySql<{ updated: number }>(poolOf(prisma), APPLY_STATUSES_SQL, [
    params.businessId,
    folded.map((entry) => entry.messageId),
    folded.map((entry) => entry.furthest),
    folded.map((entry) => entry.sentAt),
    folded.map((entry) => entry.deliveredAt),
    folded.map((entry) => entry.readAt),
    folded.map((entry) => entry.failure?.at ?? null),
    folded.map((entry) => entry.failure?.code ?? null),
    folded.map((entry) => entry.failure?.text ?? null),
    folded.map((entry) => entry.phoneNumberId),
    folded.map((entry) => entry.recipient),
    folded.map((entry) => entry.pricing?.category ?? null),
    folded.map((entry) => entry.pricing?.type ?? null),
    folded.map((entry) => entry.pricing?.isBillable ?? null),
  ]);
  return rows[0]?.updated ?? 0;
}

/**
 * Applies folded delivery statuses (exported for the plan test: test/platform/plan-cache.test.ts).
 * Rank = position in the forward order (sent 4, delivered 5, read 6); NULL for 'failed' (and so is
 * any comparison with it), so a failed row is never moved on by a late delivery receipt.
 */
export const APPLY_STATUSES_SQL: SqlStatement = {
  name: 'outbox-apply-statuses',
  text: `WITH incoming AS (
      SELECT * FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[], $8::int[], $9::text[], $10::text[], $11::text[],
                           $12::text[], $13::text[], $14::boolean[])
        AS s(message_id, furthest, sent_at, delivered_at, read_at, failed_at, error_code, last_error, phone_number_id, recipient,
             pricing_category, pricing_type, is_billable)),
    ranked AS (
      -- A sandbox row (stored, not posted) ranks as accepted: the simulator reports its delivery like a phone would.
      SELECT o.id, s.*, COALESCE(array_position(ARRAY['queued','sending','accepted','sent','delivered','read'], o.status), CASE WHEN o.status = 'sandbox' THEN 3 END) AS current_rank
      FROM outbox_messages o JOIN incoming s ON o.provider_message_id = s.message_id
      -- The ANY on the ids makes every plan, generic ones too, read the outbox by its keys.
      WHERE o.provider_message_id = ANY ($2::text[]) AND o.business_id = $1::uuid),
    updated AS (
      UPDATE outbox_messages o
         SET status = CASE WHEN r.failed_at IS NOT NULL THEN 'failed'
                           WHEN r.current_rank < array_position(ARRAY['queued','sending','accepted','sent','delivered','read'], r.furthest) THEN r.furthest
                           ELSE o.status END,
             sent_at = CASE WHEN r.sent_at IS NOT NULL AND r.current_rank < 4 THEN r.sent_at ELSE o.sent_at END,
             delivered_at = CASE WHEN r.delivered_at IS NOT NULL AND r.current_rank < 5 THEN r.delivered_at ELSE o.delivered_at END,
             read_at = CASE WHEN r.read_at IS NOT NULL AND r.current_rank < 6 THEN r.read_at ELSE o.read_at END,
             failed_at = COALESCE(r.failed_at, o.failed_at),
             error_code = CASE WHEN r.failed_at IS NOT NULL THEN r.error_code ELSE o.error_code END,
             last_error = CASE WHEN r.failed_at IS NOT NULL THEN r.last_error ELSE o.last_error END,
             -- Meta's pricing of the message, from whichever status carried it (for the KPI reports).
             pricing_category = COALESCE(r.pricing_category, o.pricing_category),
             pricing_type = COALESCE(r.pricing_type, o.pricing_type),
             is_billable = COALESCE(r.is_billable, o.is_billable),
             updated_at = now()
        FROM ranked r
       WHERE o.provider_message_id = ANY ($2::text[]) AND o.id = r.id
         AND (r.failed_at IS NOT NULL OR r.current_rank < array_position(ARRAY['queued','sending','accepted','sent','delivered','read'], r.furthest)
              OR (r.pricing_category IS NOT NULL AND o.pricing_category IS DISTINCT FROM r.pricing_category)
              OR (r.pricing_type IS NOT NULL AND o.pricing_type IS DISTINCT FROM r.pricing_type))
       RETURNING 1),
    -- Statuses of ids no row has: kept (each status's time merged into the id's one row) for recovery.
    unmatched AS (
      INSERT INTO unmatched_statuses AS u (business_id, phone_number_id, message_id, recipient, sent_at, delivered_at, read_at, failed_at, error_code, last_error)
      SELECT $1::uuid, s.phone_number_id, s.message_id, s.recipient, s.sent_at, s.delivered_at, s.read_at, s.failed_at, s.error_code, s.last_error
        FROM incoming s WHERE NOT EXISTS (SELECT 1 FROM ranked r WHERE r.message_id = s.message_id)
         -- Longer than any id Meta sends: not one of ours to recover, and never a reason to fail the webhook.
         AND length(s.message_id) <= 200 AND length(s.recipient) <= 128 AND length(s.phone_number_id) <= 64
      ON CONFLICT (message_id) DO UPDATE
        SET sent_at = COALESCE(u.sent_at, EXCLUDED.sent_at), delivered_at = COALESCE(u.delivered_at, EXCLUDED.delivered_at),
            read_at = COALESCE(u.read_at, EXCLUDED.read_at), failed_at = COALESCE(EXCLUDED.failed_at, u.failed_at),
            error_code = COALESCE(EXCLUDED.error_code, u.error_code), last_error = COALESCE(EXCLUDED.last_error, u.last_error)
        WHERE u.business_id = EXCLUDED.business_id
      RETURNING 1)
    SELECT (SELECT count(*)::int FROM updated) AS updated, (SELECT count(*)::int FROM unmatched) AS unmatched`,
};
