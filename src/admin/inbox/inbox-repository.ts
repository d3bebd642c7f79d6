/** Database access of the console inbox: conversations, transcripts, templates. Scoped by business. */
import type { Db } from '../../platform/database';

const LIST_LIMIT = 50;
const TRANSCRIPT_LIMIT = 100;

const CONVERSATION_SELECT = {
  id: true,
  isHandoff: true,
  handoffReason: true,
  handoffAt: true,
  lastActivityAt: true,
  stateValue: true,
  customer: { select: { id: true, name: true, phoneE164: true, waId: true, username: true, lastInboundAt: true, isOptedOut: true } },
} as const;

/** Waiting conversations (newest hand-off first), then the others (most recent first), optionally filtered by name, phone or WhatsApp username. */
export async function listInboxConversations(db: Db, params: { businessId: string; search?: string }) {
  const search = params.search?.trim();
  const username = search?.replace(/^@/, '');
  const customerFilter = search
    ? {
        customer: {
          OR: [
            { name: { contains: search, mode: 'insensitive' as const } },
            { phoneE164: { contains: search.replace(/[\s()-]/g, '') } },
            ...(username ? [{ username: { contains: username, mode: 'insensitive' as const } }] : []),
          ],
        },
      }
    : {};
  const [waiting, others] = await Promise.all([
    db.conversation.findMany({ where: { businessId: params.businessId, isHandoff: true, ...customerFilter }, select: CONVERSATION_SELECT, orderBy: [{ handoffAt: 'desc' }, { id: 'asc' }], take: LIST_LIMIT }),
    db.conversation.findMany({ where: { businessId: params.businessId, isHandoff: false, ...customerFilter }, select: CONVERSATION_SELECT, orderBy: [{ lastActivityAt: 'desc' }, { id: 'asc' }], take: LIST_LIMIT }),
  ]);
  return { waiting, others };
}

/** The latest message of each given customer (shown under a waiting conversation: what triggered the hand-off). */
export async function findLatestInboundTexts(db: Db, params: { businessId: string; customerIds: string[] }): Promise<Map<string, unknown>> {
  if (params.customerIds.length === 0) return new Map();
  const rows = await db.inboxMessage.findMany({
    where: { businessId: params.businessId, customerId: { in: params.customerIds } },
    select: { customerId: true, message: true },
    orderBy: [{ customerId: 'asc' }, { receivedAt: 'desc' }],
    distinct: ['customerId'],
  });
  return new Map(rows.map((row) => [row.customerId, row.message]));
}

/** A conversation row of the inbox. */
export type InboxConversation = Awaited<ReturnType<typeof listInboxConversations>>['waiting'][number];

/** One conversation of the business. */
export async function findInboxConversation(db: Db, params: { businessId: string; conversationId: string }): Promise<InboxConversation | null> {
  return db.conversation.findFirst({ where: { id: params.conversationId, businessId: params.businessId }, select: CONVERSATION_SELECT });
}

/** The latest messages both ways of a customer. */
export async function findTranscriptRows(db: Db, params: { businessId: string; customerId: string }) {
  const [inbound, outbound] = await Promise.all([
    db.inboxMessage.findMany({ where: { businessId: params.businessId, customerId: params.customerId }, select: { id: true, message: true, sentAt: true, receivedAt: true }, orderBy: { receivedAt: 'desc' }, take: TRANSCRIPT_LIMIT }),
    db.outboxMessage.findMany({
      where: { businessId: params.businessId, customerId: params.customerId, kind: { not: 'read_receipt' } },
      select: { id: true, kind: true, payload: true, status: true, lastError: true, createdAt: true, sequence: true },
      orderBy: { sequence: 'desc' },
      take: TRANSCRIPT_LIMIT,
    }),
  ]);
  return { inbound, outbound };
}

/** An approved template the business has configured (name, language, body parameters in order). */
export interface ConfiguredTemplate {
  name: string;
  language: string;
  parameters: string[];
}

/**
 * The templates staff may send outside the 24-hour window. Nothing lists the templates Meta approved,
 * so these are the ones the business's reminder rules are configured with (and so approved), each
 * with the placeholder names that fill its body.
 */
export async function listConfiguredTemplates(db: Db, businessId: string): Promise<ConfiguredTemplate[]> {
  const rows = await db.reminderRule.findMany({
    where: { businessId, templateName: { not: null }, templateLanguage: { not: null } },
    select: { templateName: true, templateLanguage: true, templateParameters: true },
    distinct: ['templateName', 'templateLanguage'],
    orderBy: [{ templateName: 'asc' }, { templateLanguage: 'asc' }],
  });
  return rows.map((row) => ({ name: row.templateName!, language: row.templateLanguage!, parameters: row.templateParameters }));
}
