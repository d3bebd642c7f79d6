/**
 * Group commit for the webhook: webhooks that arrive while the previous write is in flight are
 * stored together, in one statement and one commit, each answered once that commit is durable, so
 * a burst pays one round trip, commit and WAL flush instead of one per webhook. Alone, a webhook is
 * written at once (no waiting for company), by the single-webhook statement of inbox-repository.ts.
 * A batch that fails is written again webhook by webhook, so one bad webhook fails only itself;
 * a webhook whose rows cannot even be built goes that way alone, and nothing a webhook holds can
 * leave the others of its batch unanswered.
 */
import { poolOf, type PrismaClient } from '../platform/database';
import { querySql, type SqlStatement } from '../platform/sql';
import type { InboundMessageEvent } from './inbound-event';
import { INBOX_JOB_SPECS_SQL, PROCESS_INBOX_TASK, storableSentAt, storeInboundMessages } from './inbox-repository';

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
    const storeAlone = (item: Waiting) => storeInboundMessages(prisma, item.params).then(item.resolve, item.reject);
    // A lone webhook of several messages takes the batch statement too: one statement, however many messages.
    if (batch.length === 1 && batch[0]!.params.events.length === 1) return storeAlone(batch[0]!);
    // A message id sent twice in one batch (a redelivery racing the original) counts for its first webhook.
    const owner = new Map<string, Waiting>();
    // Each row is encoded apart (as JSON text), so a row JSON cannot encode is its own webhook's failure.
    const rows: string[] = [];
    const together: Waiting[] = [];
    const alone: Waiting[] = [];
    for (const item of batch) {
      try {
        const own = toInputRows(item, owner, rows.length);
        for (const [messageId] of own) owner.set(messageId, item);
        rows.push(...own.values());
        together.push(item);
      } catch {
        // Rows this webhook cannot build fail on its own path, never the batch's.
        alone.push(item);
      }
    }
    let stored: Array<{ wa_message_id: string }>;
    try {
      stored = await querySql<{ wa_message_id: string }>(poolOf(prisma), STORE_INBOUND_BATCH_SQL, [`[${rows.join(',')}]`, PROCESS_INBOX_TASK, together.some((item) => item.params.traceparent !== undefined)]);
    } catch {
      await Promise.all(batch.map(storeAlone));
      return;
    }
    const counts = countPerWebhook(stored, owner);
    for (const item of together) item.resolve(counts.get(item) ?? 0);
    await Promise.all(alone.map(storeAlone));
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
    sent_at: storableSentAt(event, params.receivedAt).toISOString(),
    traceparent: params.traceparent ?? null,
    phone_number_id: params.phoneNumberId ?? null,
  };
}

// The trace of the sender's newest webhook in the batch (the job's payload keeps one). $3 says
// whether any webhook of the batch is traced: with tracing off the lookup is skipped.
const NEWEST_TRACEPARENT_SQL = `CASE WHEN $3::boolean THEN (SELECT i.traceparent FROM inbox x JOIN input i ON i.wa_message_id = x.wa_message_id
                                  WHERE x.customer_id = s.customer_id ORDER BY i.position DESC LIMIT 1) END`;

// The single-webhook statement of inbox-repository.ts, for many rows: each sender upserted once
// (ON CONFLICT DO UPDATE may touch a row only once per statement), rows locked in key order so two
// processes' batches cannot deadlock, then the new messages and one job per sender.
const STORE_INBOUND_BATCH_SQL: SqlStatement = {
  name: 'store_inbound_batch',
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
    ), specs AS (${INBOX_JOB_SPECS_SQL.replace('$TASK', '$2').replace('$TRACEPARENT', NEWEST_TRACEPARENT_SQL)}
    ), jobs AS (SELECT graphile_worker.add_jobs(specs.specs, true) FROM specs WHERE specs.specs IS NOT NULL)
    -- Referencing jobs is what runs it (a plain SELECT in WITH runs only when read).
    SELECT inbox.wa_message_id FROM inbox WHERE (SELECT count(*) FROM jobs) >= 0`,
};
