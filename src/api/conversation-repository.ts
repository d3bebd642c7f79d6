/** Database access of /v1/conversations: conversations and their transcript. */
import type { Db, Prisma } from '../platform/database';

/** A conversation with its customer. */
export const CONVERSATION_INCLUDE = {
  customer: { select: { id: true, name: true, phoneE164: true, waId: true, userId: true, username: true, locale: true, lastInboundAt: true } },
} satisfies Prisma.ConversationInclude;

/** The row behind a conversation's JSON. */
export type ConversationView = Prisma.ConversationGetPayload<{ include: typeof CONVERSATION_INCLUDE }>;

/** One page of conversations, most recently active first. */
export async function listConversations(db: Db, params: { businessId: string; isHandoff?: boolean; skip: number; take: number }) {
  const where: Prisma.ConversationWhereInput = { businessId: params.businessId, ...(params.isHandoff === undefined ? {} : { isHandoff: params.isHandoff }) };
  const [rows, total] = await Promise.all([
    db.conversation.findMany({ where, include: CONVERSATION_INCLUDE, orderBy: [{ lastActivityAt: 'desc' }, { id: 'asc' }], skip: params.skip, take: params.take }),
    db.conversation.count({ where }),
  ]);
  return { rows, total };
}

/** Finds a conversation of the business. */
export async function findConversation(db: Db, businessId: string, conversationId: string): Promise<ConversationView | null> {
  return db.conversation.findFirst({ where: { id: conversationId, businessId }, include: CONVERSATION_INCLUDE });
}

/** The latest messages both ways of a customer (newest `limit` of each, inbound as they arrived), for the transcript. */
export async function findMessagesOfCustomer(db: Db, params: { businessId: string; customerId: string; limit: number }) {
  const [inbound, outbound] = await Promise.all([
    db.inboxMessage.findMany({
      where: { businessId: params.businessId, customerId: params.customerId },
      select: { id: true, type: true, message: true, sentAt: true, receivedAt: true },
      // Arrival (our clock) orders the timeline: a message WhatsApp delivered late is still among the latest.
      orderBy: { receivedAt: 'desc' },
      take: params.limit,
    }),
    db.outboxMessage.findMany({
      where: { businessId: params.businessId, customerId: params.customerId },
      select: { id: true, kind: true, payload: true, status: true, createdAt: true, sequence: true },
      orderBy: { sequence: 'desc' },
      take: params.limit,
    }),
  ]);
  return { inbound, outbound };
}
