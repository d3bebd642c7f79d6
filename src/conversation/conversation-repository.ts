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

/** Loads the business and the phone number its replies leave from. */
export async function findConversationBusiness(db: Db, businessId: string): Promise<ConversationBusiness | null> {
  const business = await db.business.findUnique({
    where: { id: businessId },
    include: { whatsappNumbers: { select: { phoneNumberId: true }, orderBy: { createdAt: 'asc' }, take: 1 } },
  });
  const phoneNumberId = business?.whatsappNumbers[0]?.phoneNumberId;
  if (!business || !phoneNumberId) return null;
  return { ...business, phoneNumberId };
}

/** Returns the customer's conversation row locked FOR UPDATE, creating it on first contact. */
export async function lockOrCreateConversation(
  db: Db,
  params: { businessId: string; customerId: string; machineVersion: number; snapshot: unknown; stateValue: string },
): Promise<{ row: ConversationRow; isNew: boolean }> {
  const inserted = await db.$queryRaw<Array<{ id: string }>>`
    INSERT INTO conversations (business_id, customer_id, machine_version, snapshot, state_value)
    VALUES (${params.businessId}::uuid, ${params.customerId}::uuid, ${params.machineVersion}, ${JSON.stringify(params.snapshot)}::jsonb, ${params.stateValue})
    ON CONFLICT (customer_id) DO NOTHING
    RETURNING id`;
  const locked = await db.$queryRaw<Array<{ id: string }>>`SELECT id FROM conversations WHERE customer_id = ${params.customerId}::uuid AND business_id = ${params.businessId}::uuid FOR UPDATE`;
  const id = locked[0]?.id;
  if (!id) throw new Error(`conversation of customer ${params.customerId} vanished while locking`);
  const row = await db.conversation.findUniqueOrThrow({ where: { id } });
  return { row, isNew: inserted.length > 0 };
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

/** The customer facts the bot needs. */
export async function findCustomer(db: Db, params: { businessId: string; customerId: string }) {
  return db.customer.findFirst({ where: { id: params.customerId, businessId: params.businessId } });
}
