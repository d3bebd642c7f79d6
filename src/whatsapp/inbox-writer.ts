/**
 * Stores the webhook's messages: every message once (keyed by its WhatsApp id, so Meta's
 * redelivery is a no-op), its sender's customer upserted, and one processing job per sender, all
 * in one statement. Webhooks that arrive while the previous write is in flight are stored
 * together (group commit): one round trip, commit and WAL flush for the lot, each answered once
 * that commit is durable. A lone webhook is a group of one, written at once (no waiting for
 * company). A group that fails is written again webhook by webhook, so one bad webhook fails only
 * itself; a webhook whose rows cannot even be built fails alone, and nothing a webhook holds can
 * leave the others of its group unanswered.
 */
import { poolOf, type PrismaClient } from '../platform/database';
import { isPlausibleInstant } from '../platform/input-safety';
import { querySql, type SqlStatement } from '../platform/sql';
import type { InboundMessageEvent } from './inbound-event';
import { PROCESS_INBOX_TASK } from './inbox-repository';

/** Stores a webhook's messages with their jobs; resolves with how many were new, after the commit. */
export interface InboxWriter {
  /** `traceparent`: the webhook's trace, which the sender's turn joins (tracing on). */
  store(params: { businessId: string; phoneNumberId?: string; events: InboundMessageEvent[]; receivedAt: Date; traceparent?: string }): Promise<number>;
}

type StoreParams = Parameters<InboxWriter['store']>[0];

interface Waiting {
  params: StoreParams;
  resolve: (stored: number) => void;
  reject: (error: unknown) => void;
}

// Bounds one statement's size (a webhook holds a few messages at most).
const MAX_WEBHOOKS_PER_WRITE = 64;

/**
 * Creates the writer of one process. Messages of several webhooks commit together, so a failure
 * of the shared statement (never a client's input: that was validated) retries each alone.
 * @example const inbox = createInboxWriter(prisma); const stored = await inbox.store({ businessId, events, receivedAt })
 */
export function createInboxWriter(prisma: PrismaClient): InboxWriter {
  const waiting: Waiting[] = [];
  let isWriting = false;

  async function writeTogether(batch: Waiting[]): Promise<void> {
    // A message id sent twice in one batch (a redelivery racing the original) counts for its first webhook.
    const owner = new Map<string, Waiting>();
    // Each row is encoded apart (as JSON text), so a row JSON cannot encode is its own webhook's failure.
    const rows: string[] = [];
    const together: Waiting[] = [];
    for (const item of batch) {
      try {
        const own = toInputRows(item, owner, rows.length);
        for (const [messageId] of own) owner.set(messageId, item);
        rows.push(...own.values());
        together.push(item);
      } catch (error) {
        // Rows this webhook cannot build are its own failure, never its group's.
        item.reject(error);
      }
    }
    if (together.length === 0) return;
    let stored: Array<{ wa_message_id: string }>;
    try {
      stored = await querySql<{ wa_message_id: string }>(poolOf(prisma), STORE_INBOUND_SQL, [`[${rows.join(',')}]`, PROCESS_INBOX_TASK, together.some((item) => item.params.traceparent !== undefined)]);
    } catch (error) {
      // Never a client's input (that was validated): each webhook again alone, so only a bad one fails.
      if (together.length === 1) return together[0]!.reject(error);
      await Promise.all(together.map((item) => writeTogether([item])));
      return;
    }
    const counts = countPerWebhook(stored, owner);
    for (const item of together) item.resolve(counts.get(item) ?? 0);
  }

  async function drain(): Promise<void> {
    isWriting = true;
    try {
      while (waiting.length > 0) {
        const batch = waiting.splice(0, MAX_WEBHOOKS_PER_WRITE);
        // Every webhook of a batch gets an answer, whatever happened (settling a settled promise is a no-op).
        await writeTogether(batch).catch((error: unknown) => batch.forEach((item) => item.reject(error)));
      }
    } finally {
      isWriting = false;
    }
  }

  return {
    store(params) {
      if (params.events.length === 0) return Promise.resolve(0);
      return new Promise<number>((resolve, reject) => {
        waiting.push({ params, resolve, reject });
        if (!isWriting) void drain();
      });
    },
  };
}

/** How many of the stored rows each webhook owns. */
function countPerWebhook(stored: Array<{ wa_message_id: string }>, owner: ReadonlyMap<string, Waiting>): Map<Waiting, number> {
  const counts = new Map<Waiting, number>();
  for (const row of stored) {
    const item = owner.get(row.wa_message_id);
    if (item) counts.set(item, (counts.get(item) ?? 0) + 1);
  }
  return counts;
}

/** One webhook's rows as JSON text by message id, leaving out ids an earlier webhook of the batch owns; positions continue from `start`. */
function toInputRows(item: Waiting, owner: ReadonlyMap<string, Waiting>, start: number): Map<string, string> {
  const own = new Map<string, string>();
  for (const event of item.params.events) {
    if (owner.has(event.messageId) || own.has(event.messageId)) continue;
    own.set(event.messageId, JSON.stringify(toInputRow(item.params, event, start + own.size)));
  }
  return own;
}

// `position` is arrival order: the newest webhook's profile name wins, as when written one by one.
function toInputRow(params: StoreParams, event: InboundMessageEvent, position: number): Record<string, unknown> {
  return {
    position,
    business_id: params.businessId,
    wa_id: event.senderKey,
    phone: event.waId && /^\d{6,15}$/.test(event.waId) ? `+${event.waId}` : null,
    name: event.profileName?.slice(0, 200) ?? null,
    received_at: params.receivedAt.toISOString(),
    wa_message_id: event.messageId,
    type: event.message.type,
    message: event.message,
    // The message's own time when PostgreSQL and every formatter can take it, else the receive time.
    sent_at: (isPlausibleInstant(event.timestamp) ? event.timestamp : params.receivedAt).toISOString(),
    traceparent: params.traceparent ?? null,
    phone_number_id: params.phoneNumberId ?? null,
  };
}

// Each sender upserted once (ON CONFLICT DO UPDATE may touch a row only once per statement), rows
// locked in key order so two processes' groups cannot deadlock, then the new messages and one job
// per sender with a new message (add_jobs cannot update one key twice in a call). The job key
// (inboxJobKey) collapses a burst into the waiting job, and preserving run_at keeps a burst from
// pushing its own job back. The job's traceparent is the one of the sender's newest webhook in the
// group, so the turn joins that trace; $3 says whether any webhook is traced (else no lookup).
const STORE_INBOUND_SQL: SqlStatement = {
  name: 'store_inbound_messages',
  text: `
    WITH input AS (
      SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(position int, business_id uuid, wa_id text, phone text, name text, received_at timestamptz,
                                                       wa_message_id text, type text, message jsonb, sent_at timestamptz, traceparent text,
                                                       phone_number_id text)
    ), senders AS (
      SELECT DISTINCT ON (business_id, wa_id) business_id, wa_id, phone, name, received_at, phone_number_id
      FROM input ORDER BY business_id, wa_id, position DESC
    ), customer AS (
      INSERT INTO customers (business_id, wa_id, phone_e164, name, last_inbound_at, last_phone_number_id)
      SELECT business_id, wa_id, phone, name, received_at, phone_number_id FROM senders ORDER BY business_id, wa_id
      ON CONFLICT (business_id, wa_id) DO UPDATE
        SET last_inbound_at = EXCLUDED.last_inbound_at, name = COALESCE(EXCLUDED.name, customers.name),
            last_phone_number_id = COALESCE(EXCLUDED.last_phone_number_id, customers.last_phone_number_id), updated_at = now()
      RETURNING id, business_id, wa_id
    ), inbox AS (
      INSERT INTO inbox_messages (business_id, customer_id, wa_message_id, type, message, sent_at, received_at)
      SELECT i.business_id, c.id, i.wa_message_id, i.type, i.message, i.sent_at, i.received_at
      FROM input i JOIN customer c ON c.business_id = i.business_id AND c.wa_id = i.wa_id
      ORDER BY i.wa_message_id
      ON CONFLICT (wa_message_id) DO NOTHING
      RETURNING id, customer_id, business_id, wa_message_id
    ), specs AS (
      SELECT array_agg(ROW($2::text, json_strip_nulls(json_build_object('businessId', s.business_id::text, 'customerId', s.customer_id::text, 'traceparent',
                             CASE WHEN $3::boolean THEN (SELECT i.traceparent FROM inbox x JOIN input i ON i.wa_message_id = x.wa_message_id
                                                          WHERE x.customer_id = s.customer_id ORDER BY i.position DESC LIMIT 1) END)),
                           NULL, NULL, 25, 'inbox:' || s.customer_id::text, NULL, NULL)::graphile_worker.job_spec ORDER BY s.customer_id) AS specs
        FROM (SELECT DISTINCT business_id, customer_id FROM inbox) s
    ), jobs AS (SELECT graphile_worker.add_jobs(specs.specs, true) FROM specs WHERE specs.specs IS NOT NULL)
    -- Referencing jobs is what runs it (a plain SELECT in WITH runs only when read).
    SELECT inbox.wa_message_id FROM inbox WHERE (SELECT count(*) FROM jobs) >= 0`,
};
