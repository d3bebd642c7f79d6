/**
 * Database access of the conversation runtime: the sender's conversation row (locked for the
 * whole step), their pending inbox messages, and the customer/business facts the bot needs.
 */
import { Prisma } from '../platform/database';
import { querySql, type SqlStatement, type SqlTarget } from '../platform/sql';

/** The conversation row, as the runtime uses it. */
export type ConversationRow = Prisma.ConversationGetPayload<object>;

/** Business facts a conversation step needs. */
export interface ConversationBusiness {
  id: string;
  name: string;
  timeZone: string;
  defaultLocale: string;
  inactivityTimeoutMinutes: number;
  handoffTimeoutMinutes: number;
  floodMessagesPerMinute: number;
  floodCooldownMinutes: number;
  emergencyKeywords: string[];
  emergencyText: string | null;
  /** The emergency text per language ({ es: '…' }). */
  emergencyTexts: Partial<Record<string, string>>;
  changeLockMinutes: number;
  phoneNumberId: string;
}

/** The customer facts a conversation step needs. */
export interface ConversationCustomer {
  id: string;
  waId: string;
  name: string | null;
  /** WhatsApp username, when the customer has one. */
  username: string | null;
  locale: string | null;
}

/** What opening a step returns: the parties, and the sender's conversation row, locked. */
export interface OpenedConversation {
  business: ConversationBusiness;
  customer: ConversationCustomer;
  row: ConversationRow;
  /** True when this statement created the row (first contact): its snapshot is a placeholder the step replaces. */
  isNew: boolean;
  /**
   * The sender's unprocessed inbox messages, oldest first, when the statement could read them
   * safely; undefined when the caller must read them itself (findPendingInbox).
   */
  pending: PendingInboxMessage[] | undefined;
}

/**
 * Every step starts here, in one round trip: the business (with the number its replies leave
 * from) and the customer, and the customer's conversation row, created on first contact and
 * locked until the transaction ends (an upsert whose conflict branch takes the row lock). A new
 * row gets a placeholder snapshot: the step always saves the real one before it commits. Null
 * when the business, the customer or the number is missing.
 */
export async function openConversation(
  db: SqlTarget,
  params: { businessId: string; customerId: string; machineVersion: number; pendingLimit: number },
): Promise<OpenedConversation | null> {
  const rows = await querySql<Record<string, unknown>>(db, OPEN_CONVERSATION_SQL, [params.businessId, params.customerId, params.machineVersion, params.pendingLimit]);
  const row = rows[0];
  if (!row || !row.phone_number_id) return null;
  if (row.conversation_id === null) throw new Error(`conversation of customer ${params.customerId} belongs to another business`);
  return {
    ...toParties(row),
    row: toConversationRow(row),
    isNew: row.is_new === true,
    // The statement's snapshot predates its lock wait. If the version it saw before the lock is
    // the one it locked, no step committed in between (a step that handles messages always bumps
    // the version), so the messages it read are still the pending ones. Otherwise read again.
    pending:
      row.is_new !== true && row.seen_version !== null && Number(row.seen_version) === Number(row.version)
        ? toPending(row.pending)
        : undefined,
  };
}

function toPending(raw: unknown): PendingInboxMessage[] {
  return (raw as Array<{ id: string; wa_message_id: string; message: unknown; job_id: string | null }>).map(toPendingMessage);
}

/** What peekConversation returns: the parties, the conversation as last committed, and the pending inbox. */
export interface PeekedConversation extends Pick<OpenedConversation, 'business' | 'customer'> {
  /** Null on first contact (no conversation row yet). */
  row: ConversationRow | null;
  pending: PendingInboxMessage[];
}

/**
 * The lock-free twin of openConversation, for the optimistic step: parties, the conversation row
 * as last committed and its pending inbox, in one autocommit read that locks and writes nothing.
 * The step's close then saves only if the row's version is still the one read here. Null when
 * the business, the customer or the number is missing.
 */
export async function peekConversation(db: SqlTarget, params: { businessId: string; customerId: string; pendingLimit: number }): Promise<PeekedConversation | null> {
  const rows = await querySql<Record<string, unknown>>(db, PEEK_CONVERSATION_SQL, [params.businessId, params.customerId, params.pendingLimit]);
  const row = rows[0];
  if (!row || !row.phone_number_id) return null;
  return { ...toParties(row), row: row.conversation_id === null ? null : toConversationRow(row), pending: toPending(row.pending) };
}

/** The pending inbox of customer $2 of business $1, oldest first; one text for both reads (open and fallback). */
function pendingInboxSql(limitParameter: string): string {
  return `SELECT id, wa_message_id, message, job_id, sent_at, received_at FROM inbox_messages
           WHERE business_id = $1::uuid AND customer_id = $2::uuid AND processed_at IS NULL
           ORDER BY sent_at ASC, received_at ASC, id ASC LIMIT ${limitParameter}::int`;
}

/** The business (with the number its replies leave from) and customer $2 of business $1. */
const PARTIES_SQL = `
      SELECT b.id, b.name, b.time_zone, b.default_locale, b.inactivity_timeout_minutes, b.handoff_timeout_minutes,
             b.flood_messages_per_minute, b.flood_cooldown_minutes, b.emergency_keywords, b.emergency_text, b.emergency_texts, b.change_lock_minutes,
             (SELECT w.phone_number_id FROM whatsapp_numbers w WHERE w.business_id = b.id ORDER BY w.created_at ASC LIMIT 1) AS phone_number_id,
             c.id AS customer_id, c.wa_id, c.name AS customer_name, c.username AS customer_username, c.locale
      FROM businesses b
      JOIN customers c ON c.business_id = b.id AND c.id = $2::uuid
      WHERE b.id = $1::uuid`;

const OPEN_CONVERSATION_SQL: SqlStatement = {
  name: 'conversation-open',
  text: `WITH parties AS (${PARTIES_SQL}
    ), conversation AS (
      INSERT INTO conversations (business_id, customer_id, machine_version, snapshot, state_value)
      SELECT $1::uuid, customer_id, $3::int, '{}'::jsonb, '' FROM parties WHERE phone_number_id IS NOT NULL
      ON CONFLICT (customer_id) DO UPDATE SET customer_id = EXCLUDED.customer_id
      WHERE conversations.business_id = EXCLUDED.business_id
      RETURNING *, (xmax = 0) AS is_new),
    seen AS (SELECT version FROM conversations WHERE customer_id = $2::uuid AND business_id = $1::uuid),
    pending AS (
      SELECT COALESCE(json_agg(json_build_object('id', i.id, 'wa_message_id', i.wa_message_id, 'message', i.message, 'job_id', i.job_id::text)
                               ORDER BY i.sent_at, i.received_at, i.id), '[]'::json) AS rows
      FROM (${pendingInboxSql('$4')}) i)
    SELECT p.*, (SELECT version FROM seen) AS seen_version, (SELECT rows FROM pending) AS pending, c.id AS conversation_id, c.machine_version, c.snapshot, c.version, c.state_value, c.is_handoff, c.handoff_reason,
           c.handoff_at, c.inactivity_deadline, c.flood_window_start, c.flood_count, c.flood_cooldown_until, c.last_activity_at,
           c.created_at, c.updated_at, c.is_new
    FROM parties p LEFT JOIN conversation c ON true`,
};

const PEEK_CONVERSATION_SQL: SqlStatement = {
  name: 'conversation-peek',
  text: `WITH parties AS (${PARTIES_SQL}),
    pending AS (
      SELECT COALESCE(json_agg(json_build_object('id', i.id, 'wa_message_id', i.wa_message_id, 'message', i.message, 'job_id', i.job_id::text)
                               ORDER BY i.sent_at, i.received_at, i.id), '[]'::json) AS rows
      FROM (${pendingInboxSql('$3')}) i)
    SELECT p.*, (SELECT rows FROM pending) AS pending, c.id AS conversation_id, c.machine_version, c.snapshot, c.version, c.state_value, c.is_handoff, c.handoff_reason,
           c.handoff_at, c.inactivity_deadline, c.flood_window_start, c.flood_count, c.flood_cooldown_until, c.last_activity_at,
           c.created_at, c.updated_at
    FROM parties p LEFT JOIN conversations c ON c.customer_id = p.customer_id AND c.business_id = $1::uuid`,
};

function toParties(row: Record<string, unknown>): Pick<OpenedConversation, 'business' | 'customer'> {
  return {
    business: {
      id: row.id as string,
      name: row.name as string,
      timeZone: row.time_zone as string,
      defaultLocale: row.default_locale as string,
      inactivityTimeoutMinutes: row.inactivity_timeout_minutes as number,
      handoffTimeoutMinutes: row.handoff_timeout_minutes as number,
      floodMessagesPerMinute: row.flood_messages_per_minute as number,
      floodCooldownMinutes: row.flood_cooldown_minutes as number,
      emergencyKeywords: (row.emergency_keywords as string[] | null) ?? [],
      emergencyText: (row.emergency_text as string | null) ?? null,
      emergencyTexts: (row.emergency_texts as Partial<Record<string, string>> | null) ?? {},
      changeLockMinutes: row.change_lock_minutes as number,
      phoneNumberId: row.phone_number_id as string,
    },
    customer: {
      id: row.customer_id as string,
      waId: row.wa_id as string,
      name: (row.customer_name as string | null) ?? null,
      username: (row.customer_username as string | null) ?? null,
      locale: (row.locale as string | null) ?? null,
    },
  };
}

function toConversationRow(raw: Record<string, unknown>): ConversationRow {
  return {
    id: raw.conversation_id as string,
    businessId: raw.id as string,
    customerId: raw.customer_id as string,
    machineVersion: raw.machine_version as number,
    snapshot: raw.snapshot as Prisma.JsonValue,
    version: raw.version as number,
    stateValue: raw.state_value as string,
    isHandoff: raw.is_handoff as boolean,
    handoffReason: (raw.handoff_reason as string | null) ?? null,
    handoffAt: (raw.handoff_at as Date | null) ?? null,
    inactivityDeadline: (raw.inactivity_deadline as Date | null) ?? null,
    floodWindowStart: (raw.flood_window_start as Date | null) ?? null,
    floodCount: raw.flood_count as number,
    floodCooldownUntil: (raw.flood_cooldown_until as Date | null) ?? null,
    lastActivityAt: raw.last_activity_at as Date,
    createdAt: raw.created_at as Date,
    updatedAt: raw.updated_at as Date,
  };
}

/** An unprocessed inbox message, as the step reads it. */
export interface PendingInboxMessage {
  id: string;
  waMessageId: string;
  message: unknown;
  /** The process_inbox job queued for it (a bigint as text); null for messages stored before job ids were kept. */
  jobId: string | null;
}

/**
 * Unprocessed inbox messages of one customer, oldest first (WhatsApp's timestamp, then arrival).
 * Its own statement, after the conversation lock is taken: a statement's snapshot is taken when
 * it starts, so a read inside the locking statement could still see messages that the step we
 * waited for has just processed.
 */
export async function findPendingInbox(db: SqlTarget, params: { businessId: string; customerId: string; limit: number }): Promise<PendingInboxMessage[]> {
  const rows = await querySql<{ id: string; wa_message_id: string; message: unknown; job_id: string | null }>(db, PENDING_INBOX_SQL, [params.businessId, params.customerId, params.limit]);
  return rows.map(toPendingMessage);
}

function toPendingMessage(row: { id: string; wa_message_id: string; message: unknown; job_id: string | null }): PendingInboxMessage {
  return { id: row.id, waMessageId: row.wa_message_id, message: row.message, jobId: row.job_id };
}

const PENDING_INBOX_SQL: SqlStatement = { name: 'conversation-pending-inbox', text: pendingInboxSql('$3') };

/** The conversation columns a step may change (the rest of the row is the snapshot). */
export type ConversationChanges = Partial<
  Pick<ConversationRow, 'isHandoff' | 'handoffReason' | 'handoffAt' | 'inactivityDeadline' | 'floodWindowStart' | 'floodCount' | 'floodCooldownUntil' | 'lastActivityAt'>
>;

/** One message the step queues to its customer (written when the step closes, in production order). */
export interface StepOutbound {
  kind: 'reply' | 'read_receipt';
  payload: unknown;
  fallbackPayload?: unknown;
}

/** What a step writes when it closes. */
export interface StepClose {
  row: ConversationRow;
  changes: ConversationChanges;
  snapshot: unknown;
  stateValue: string;
  machineVersion: number;
  /** The step's messages to its customer, in the order they must leave. */
  outbound: StepOutbound[];
  outboundTo: { customerId: string; phoneNumberId: string; recipient: string };
  /** Inbox messages handled by this step, with their outcomes. */
  processed: Array<{ inboxId: string; outcome: string }>;
  at: Date;
}

/**
 * Closes a step in one statement: queues its outbound messages (in order: the outbox sequence
 * is the send order), marks its inbox messages processed, and writes the new snapshot with the
 * version +1, checked against the version read under the lock. Returns how many messages it queued.
 */
export async function closeConversationStep(db: SqlTarget, close: StepClose): Promise<number> {
  const { isSaved, queued } = await saveConversationStep(db, close);
  if (!isSaved) throw new Error(`conversation ${close.row.id} changed under its lock (version ${close.row.version}); the step will be retried`);
  return queued;
}

/**
 * closeConversationStep's statement, all or nothing on its own: when the conversation's version is
 * no longer the one the step read, it writes nothing at all (no messages, no inbox outcomes) and
 * says so. The optimistic step runs it outside any transaction and falls back to the locked step.
 * With `isNew` (first contact, no row was read) it creates the row instead, with the id in
 * `close.row.id`, and saves nothing when a row exists by then.
 */
export async function saveConversationStep(db: SqlTarget, close: StepClose, options: { isNew?: boolean } = {}): Promise<{ isSaved: boolean; queued: number }> {
  const state = { ...close.row, ...close.changes };
  const rows = await querySql<{ saved: number; queued: number }>(db, options.isNew ? CREATE_STEP_SQL : CLOSE_STEP_SQL, [
    close.row.businessId,
    close.outboundTo.customerId,
    close.outboundTo.phoneNumberId,
    close.outboundTo.recipient,
    JSON.stringify(close.outbound.map((message) => ({ kind: message.kind, payload: message.payload, fallback_payload: message.fallbackPayload ?? null }))),
    close.processed.map((entry) => entry.inboxId),
    close.processed.map((entry) => entry.outcome),
    close.at,
    JSON.stringify(close.snapshot),
    close.stateValue,
    close.machineVersion,
    state.isHandoff,
    state.handoffReason,
    state.handoffAt,
    state.inactivityDeadline,
    state.floodWindowStart,
    state.floodCount,
    state.floodCooldownUntil,
    state.lastActivityAt,
    close.row.id,
    close.row.version,
  ]);
  const result = rows[0]!;
  return { isSaved: Number(result.saved) === 1, queued: Number(result.queued) };
}

/**
 * The messages and the inbox outcomes of a step, written only when `saved` holds the conversation
 * (PostgreSQL runs a data-modifying CTE whose RETURNING another part reads before that part).
 * ORDER BY the array position: the outbox sequence (default nextval) follows the insert order.
 */
const STEP_WRITES_SQL = `
    outbound AS (
      INSERT INTO outbox_messages (business_id, customer_id, phone_number_id, recipient, kind, payload, fallback_payload)
      SELECT $1::uuid, $2::uuid, $3, $4, message.value->>'kind', message.value->'payload', NULLIF(message.value->'fallback_payload', 'null'::jsonb)
      FROM jsonb_array_elements($5::jsonb) WITH ORDINALITY AS message(value, position)
      WHERE EXISTS (SELECT 1 FROM saved)
      ORDER BY message.position
      RETURNING id),
    processed AS (
      UPDATE inbox_messages AS inbox SET processed_at = $8::timestamptz, outcome = handled.outcome
      FROM unnest($6::uuid[], $7::text[]) AS handled(id, outcome)
      -- The ANY on the ids makes every plan read the inbox by its key (see database.ts, PLANNER_SETTINGS).
      WHERE inbox.id = ANY ($6::uuid[]) AND inbox.id = handled.id AND inbox.business_id = $1::uuid AND EXISTS (SELECT 1 FROM saved)
      RETURNING inbox.id)
    SELECT (SELECT count(*) FROM saved)::int AS saved, (SELECT count(*) FROM outbound)::int AS queued, (SELECT count(*) FROM processed)::int AS processed`;

/** The step's save of an existing conversation (exported for the plan test: test/platform/plan-cache.test.ts). */
export const CLOSE_STEP_SQL: SqlStatement = {
  name: 'conversation-close',
  text: `WITH saved AS (
      UPDATE conversations
         SET snapshot = $9::jsonb, state_value = $10, machine_version = $11::int, version = version + 1,
             is_handoff = $12::boolean, handoff_reason = $13, handoff_at = $14::timestamptz, inactivity_deadline = $15::timestamptz,
             flood_window_start = $16::timestamptz, flood_count = $17::int, flood_cooldown_until = $18::timestamptz,
             last_activity_at = $19::timestamptz, updated_at = now()
       WHERE id = $20::uuid AND version = $21::int AND business_id = $1::uuid
       RETURNING id),${STEP_WRITES_SQL}`,
};

/** The step's save on first contact (exported for the plan test). The row is created at version 1 (the locked step's placeholder is version 0, then saved as 1). */
export const CREATE_STEP_SQL: SqlStatement = {
  name: 'conversation-create',
  text: `WITH saved AS (
      INSERT INTO conversations (id, business_id, customer_id, machine_version, snapshot, state_value, version, is_handoff, handoff_reason, handoff_at,
                                 inactivity_deadline, flood_window_start, flood_count, flood_cooldown_until, last_activity_at)
      SELECT $20::uuid, $1::uuid, $2::uuid, $11::int, $9::jsonb, $10, 1, $12::boolean, $13, $14::timestamptz,
             $15::timestamptz, $16::timestamptz, $17::int, $18::timestamptz, $19::timestamptz
      WHERE $21::int = 0 -- the version the step read: none, so 0
      ON CONFLICT (customer_id) DO NOTHING
      RETURNING id),${STEP_WRITES_SQL}`,
};
