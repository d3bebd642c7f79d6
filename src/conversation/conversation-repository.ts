/**
 * Database access of the conversation step: the sender's conversation row (created on first
 * contact and locked for the whole step), their pending inbox messages, and the one save.
 */
import { Prisma } from '../platform/database';
import { querySql, type SqlStatement, type SqlTarget } from '../platform/sql';
import { customerSendingNumberSql } from '../whatsapp';

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
  /** The number the business's replies leave from. */
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
  /** True when this step created the row (first contact): its snapshot is a placeholder the step replaces. */
  isNew: boolean;
}

// The upsert's conflict branch takes the row lock, so one statement creates or locks the row.
// A new row gets a placeholder snapshot: the step always saves the real one before it commits.
const LOCK_CONVERSATION_SQL: SqlStatement = {
  name: 'conversation-lock',
  text: `WITH parties AS (
      SELECT b.id AS business_id, b.name, b.time_zone, b.default_locale, b.inactivity_timeout_minutes, b.handoff_timeout_minutes,
             b.flood_messages_per_minute, b.flood_cooldown_minutes, b.emergency_keywords, b.emergency_text, b.emergency_texts, b.change_lock_minutes,
             -- The number the customer last wrote to (while it is still the business's), else the business's first.
             ${customerSendingNumberSql({ businessId: 'b.id', lastPhoneNumberId: 'c.last_phone_number_id' })} AS phone_number_id,
             c.id AS customer_id, c.wa_id, c.name AS customer_name, c.username AS customer_username, c.locale
      FROM businesses b JOIN customers c ON c.business_id = b.id AND c.id = $2::uuid
      WHERE b.id = $1::uuid
      -- A merge of this customer into another (whatsapp/merge-customers.ts) waits for the step; a
      -- step that waited for a merge finds the customer gone and answers nothing (the merge
      -- queued the kept record's job).
      FOR KEY SHARE OF c
    ), locked AS (
      INSERT INTO conversations (business_id, customer_id, machine_version, snapshot, state_value)
      SELECT $1::uuid, customer_id, $3::int, '{}'::jsonb, '' FROM parties WHERE phone_number_id IS NOT NULL
      ON CONFLICT (customer_id) DO UPDATE SET customer_id = EXCLUDED.customer_id
      WHERE conversations.business_id = EXCLUDED.business_id
      RETURNING id, (xmax = 0) AS is_new)
    SELECT p.*, l.id AS conversation_id, l.is_new FROM parties p LEFT JOIN locked l ON true`,
};

/**
 * Every step starts here: the business and the customer, and the customer's conversation row,
 * created on first contact and locked until the transaction ends. Null when the business, the
 * customer or the number is missing.
 */
export async function openConversation(
  tx: Prisma.TransactionClient,
  params: { businessId: string; customerId: string; machineVersion: number },
): Promise<OpenedConversation | null> {
  const [found] = await querySql<Record<string, unknown>>(tx, LOCK_CONVERSATION_SQL, [params.businessId, params.customerId, params.machineVersion]);
  if (!found || !found.phone_number_id) return null;
  if (found.conversation_id === null) throw new Error(`conversation of customer ${params.customerId} belongs to another business`);
  const row = await tx.conversation.findUniqueOrThrow({ where: { id: found.conversation_id as string } });
  return { ...toParties(found), row, isNew: found.is_new === true };
}

function toParties(row: Record<string, unknown>): Pick<OpenedConversation, 'business' | 'customer'> {
  return {
    business: {
      id: row.business_id as string,
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

/** An unprocessed inbox message, as the step reads it. */
export interface PendingInboxMessage {
  id: string;
  waMessageId: string;
  message: unknown;
}

// Its own statement, after the lock: a statement sees the database as it was when it started, so
// a read inside the locking statement could miss what the step we waited for has just processed.
const PENDING_INBOX_SQL: SqlStatement = {
  name: 'conversation-pending-inbox',
  text: `SELECT id, wa_message_id AS "waMessageId", message FROM inbox_messages
          WHERE business_id = $1::uuid AND customer_id = $2::uuid AND processed_at IS NULL
          ORDER BY sent_at ASC, received_at ASC, id ASC LIMIT $3::int`,
};

const AWAIT_SENDER_WRITES_SQL: SqlStatement = {
  name: 'conversation-await-sender-writes',
  text: `SELECT 1 FROM customers WHERE business_id = $1::uuid AND id = $2::uuid FOR SHARE`,
};

/**
 * Waits until no webhook storing a message of this customer is still in flight (each holds the
 * customer's row lock from its upsert to its commit), then lets go at once. Why: graphile-worker's
 * add_jobs clears the key of a running job and adds a new one, but a job locked between those two
 * statements keeps the key and gets no successor; such a webhook's message must be seen by the job
 * that just started, so the job reads the inbox only after that webhook committed.
 */
export async function awaitSenderWrites(db: SqlTarget, params: { businessId: string; customerId: string }): Promise<void> {
  await querySql(db, AWAIT_SENDER_WRITES_SQL, [params.businessId, params.customerId]);
}

/** Unprocessed inbox messages of one customer, oldest first (WhatsApp's timestamp, then arrival). */
export async function findPendingInbox(db: SqlTarget, params: { businessId: string; customerId: string; limit: number }): Promise<PendingInboxMessage[]> {
  return querySql<PendingInboxMessage>(db, PENDING_INBOX_SQL, [params.businessId, params.customerId, params.limit]);
}

/** The conversation columns a step may change besides its snapshot (any column of the row). */
export type ConversationChanges = Partial<Omit<ConversationRow, 'id' | 'businessId' | 'customerId' | 'snapshot' | 'version' | 'createdAt' | 'updatedAt'>>;

/** One message the step queues to its customer (written when the step closes, in production order). */
export interface StepOutbound {
  kind: 'reply' | 'read_receipt';
  payload: unknown;
  fallbackPayload?: unknown;
}

/** Everything one step writes, in one object. */
export interface StepSave {
  /** The row as the step locked it (its id and version). */
  row: Pick<ConversationRow, 'id' | 'businessId' | 'version'>;
  /** Columns to write: the new snapshot's label and version, timers, hand-off, flood counters… */
  changes: ConversationChanges & Pick<ConversationRow, 'stateValue' | 'machineVersion'>;
  snapshot: Prisma.InputJsonValue;
  /** The step's messages to its customer, in the order they must leave. */
  outbound: StepOutbound[];
  outboundTo: { customerId: string; phoneNumberId: string; recipient: string };
  /** Inbox messages handled by this step, with their outcomes. */
  processed: Array<{ inboxId: string; outcome: string }>;
  at: Date;
}

/**
 * The step's messages and inbox outcomes (exported for the plan test: test/platform/plan-cache.test.ts).
 * ORDER BY the array position: the outbox sequence (default nextval) is the send order. Messages are
 * stamped with the step's time ($8, the app's clock that stamped the inbound messages they answer).
 */
export const STEP_WRITES_SQL: SqlStatement = {
  name: 'conversation-step-writes',
  text: `WITH outbound AS (
      INSERT INTO outbox_messages (business_id, customer_id, phone_number_id, recipient, kind, payload, fallback_payload, created_at)
      SELECT $1::uuid, $2::uuid, $3, $4, message.value->>'kind', message.value->'payload', NULLIF(message.value->'fallback_payload', 'null'::jsonb), $8::timestamptz
      FROM jsonb_array_elements($5::jsonb) WITH ORDINALITY AS message(value, position)
      ORDER BY message.position
      RETURNING id),
    processed AS (
      UPDATE inbox_messages AS inbox SET processed_at = $8::timestamptz, outcome = handled.outcome
      FROM unnest($6::uuid[], $7::text[]) AS handled(id, outcome)
      -- The ANY on the ids makes every plan read the inbox by its key (see database.ts, PLANNER_SETTINGS).
      WHERE inbox.id = ANY ($6::uuid[]) AND inbox.id = handled.id AND inbox.business_id = $1::uuid
      RETURNING inbox.id)
    SELECT (SELECT count(*) FROM outbound)::int AS queued, (SELECT count(*) FROM processed)::int AS processed`,
};

/**
 * The step's one save: the conversation row (version + 1, checked against the version locked),
 * its messages to the customer and its inbox outcomes. Returns how many messages it queued.
 */
export async function saveConversationStep(tx: Prisma.TransactionClient, save: StepSave): Promise<number> {
  const { count } = await tx.conversation.updateMany({
    where: { id: save.row.id, businessId: save.row.businessId, version: save.row.version },
    data: { ...save.changes, snapshot: save.snapshot, version: { increment: 1 } },
  });
  if (count !== 1) throw new Error(`conversation ${save.row.id} changed under its lock (version ${save.row.version}); the step will be retried`);
  if (save.outbound.length === 0 && save.processed.length === 0) return 0;
  const [written] = await querySql<{ queued: number }>(tx, STEP_WRITES_SQL, [
    save.row.businessId,
    save.outboundTo.customerId,
    save.outboundTo.phoneNumberId,
    save.outboundTo.recipient,
    JSON.stringify(save.outbound.map((message) => ({ kind: message.kind, payload: message.payload, fallback_payload: message.fallbackPayload ?? null }))),
    save.processed.map((entry) => entry.inboxId),
    save.processed.map((entry) => entry.outcome),
    save.at,
  ]);
  return Number(written?.queued ?? 0);
}
