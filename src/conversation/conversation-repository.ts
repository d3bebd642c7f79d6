/**
 * Database access of the conversation runtime: the sender's conversation row (locked for the
 * whole step), their pending inbox messages, and the customer/business facts the bot needs.
 */
import type { Db } from '../platform/database';
import { Prisma } from '../platform/database';

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
  changeLockMinutes: number;
  phoneNumberId: string;
}

/** The customer facts a conversation step needs. */
export interface ConversationCustomer {
  id: string;
  waId: string;
  name: string | null;
  locale: string | null;
}

/**
 * Loads the business (with the number its replies leave from) and the customer in one query:
 * every step starts here, so it is one round trip, not three. Null when either is missing.
 */
export async function findStepParties(
  db: Db,
  params: { businessId: string; customerId: string },
): Promise<{ business: ConversationBusiness; customer: ConversationCustomer } | null> {
  const rows = await db.$queryRaw<Array<Record<string, unknown>>>`
    SELECT b.id, b.name, b.time_zone, b.default_locale, b.inactivity_timeout_minutes, b.handoff_timeout_minutes,
           b.flood_messages_per_minute, b.flood_cooldown_minutes, b.emergency_keywords, b.emergency_text, b.change_lock_minutes,
           (SELECT w.phone_number_id FROM whatsapp_numbers w WHERE w.business_id = b.id ORDER BY w.created_at ASC LIMIT 1) AS phone_number_id,
           c.id AS customer_id, c.wa_id, c.name AS customer_name, c.locale
    FROM businesses b
    JOIN customers c ON c.business_id = b.id AND c.id = ${params.customerId}::uuid
    WHERE b.id = ${params.businessId}::uuid`;
  const row = rows[0];
  if (!row || !row.phone_number_id) return null;
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
      changeLockMinutes: row.change_lock_minutes as number,
      phoneNumberId: row.phone_number_id as string,
    },
    customer: {
      id: row.customer_id as string,
      waId: row.wa_id as string,
      name: (row.customer_name as string | null) ?? null,
      locale: (row.locale as string | null) ?? null,
    },
  };
}

/**
 * Returns the customer's conversation row, locked until the transaction ends, creating it on first
 * contact — one statement: an upsert whose conflict branch takes the row lock and returns the row.
 */
export async function lockOrCreateConversation(
  db: Db,
  params: { businessId: string; customerId: string; machineVersion: number; snapshot: unknown; stateValue: string },
): Promise<{ row: ConversationRow; isNew: boolean }> {
  const rows = await db.$queryRaw<Array<Record<string, unknown>>>`
    INSERT INTO conversations (business_id, customer_id, machine_version, snapshot, state_value)
    VALUES (${params.businessId}::uuid, ${params.customerId}::uuid, ${params.machineVersion}, ${JSON.stringify(params.snapshot)}::jsonb, ${params.stateValue})
    ON CONFLICT (customer_id) DO UPDATE SET customer_id = EXCLUDED.customer_id
    WHERE conversations.business_id = EXCLUDED.business_id
    RETURNING *, (xmax = 0) AS is_new`;
  const raw = rows[0];
  if (!raw) throw new Error(`conversation of customer ${params.customerId} belongs to another business`);
  return { row: toConversationRow(raw), isNew: raw.is_new === true };
}

function toConversationRow(raw: Record<string, unknown>): ConversationRow {
  return {
    id: raw.id as string,
    businessId: raw.business_id as string,
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

/** Writes the new snapshot (version +1, checked against the version read under the lock). */
export async function saveConversation(
  db: Db,
  row: ConversationRow,
  changes: Omit<Prisma.ConversationUncheckedUpdateInput, 'version' | 'snapshot'> & { snapshot: unknown; stateValue: string; machineVersion: number },
): Promise<void> {
  const { count } = await db.conversation.updateMany({
    where: { id: row.id, version: row.version },
    data: { ...changes, snapshot: changes.snapshot as Prisma.InputJsonValue, version: { increment: 1 } },
  });
  if (count !== 1) throw new Error(`conversation ${row.id} changed under its lock (version ${row.version}); the step will be retried`);
}

/** Unprocessed inbox messages of one customer, oldest first (WhatsApp's timestamp, then arrival). */
export async function findPendingInbox(db: Db, params: { businessId: string; customerId: string; limit: number }) {
  return db.inboxMessage.findMany({
    where: { businessId: params.businessId, customerId: params.customerId, processedAt: null },
    orderBy: [{ sentAt: 'asc' }, { receivedAt: 'asc' }, { id: 'asc' }],
    take: params.limit,
  });
}

/** Marks an inbox message processed with its outcome. */
export async function markInboxProcessed(db: Db, params: { inboxId: string; outcome: string; at: Date }): Promise<void> {
  await db.inboxMessage.update({ where: { id: params.inboxId }, data: { processedAt: params.at, outcome: params.outcome } });
}
