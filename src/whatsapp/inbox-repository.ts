/**
 * Stores inbound messages and status updates. One short transaction per webhook: each new
 * message is written to the inbox (keyed by its WhatsApp id, so a redelivery is a no-op) and its
 * processing job is enqueued in the same transaction; the webhook answers 200 only after commit.
 */
import { addJobInTransaction } from '../jobs';
import type { PrismaClient } from '../platform/database';
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

/** Stores new messages and enqueues their processing, atomically; returns how many were new. */
export async function storeInboundMessages(
  prisma: PrismaClient,
  params: { businessId: string; events: InboundMessageEvent[]; receivedAt: Date },
): Promise<number> {
  if (params.events.length === 0) return 0;
  return prisma.$transaction(async (tx) => {
    let stored = 0;
    for (const event of params.events) {
      const customer = await tx.customer.upsert({
        where: { businessId_waId: { businessId: params.businessId, waId: event.senderKey } },
        create: {
          businessId: params.businessId,
          waId: event.senderKey,
          phoneE164: event.waId && /^\d{6,15}$/.test(event.waId) ? `+${event.waId}` : null,
          name: event.profileName?.slice(0, 200),
          lastInboundAt: params.receivedAt,
        },
        update: { lastInboundAt: params.receivedAt, ...(event.profileName ? { name: event.profileName.slice(0, 200) } : {}) },
        select: { id: true },
      });
      const inserted = await tx.$queryRaw<Array<{ id: string }>>`
        INSERT INTO inbox_messages (business_id, customer_id, wa_message_id, type, message, sent_at, received_at)
        VALUES (${params.businessId}::uuid, ${customer.id}::uuid, ${event.messageId}, ${event.message.type},
                ${JSON.stringify(event.message)}::jsonb, ${event.timestamp}, ${params.receivedAt})
        ON CONFLICT (wa_message_id) DO NOTHING
        RETURNING id`;
      const inboxId = inserted[0]?.id;
      if (!inboxId) continue;
      stored += 1;
      const payload: ProcessInboxPayload = { businessId: params.businessId, customerId: customer.id, inboxId };
      await addJobInTransaction(tx, PROCESS_INBOX_TASK, payload, { maxAttempts: 25 });
    }
    return stored;
  });
}

const STATUS_RANK: Record<string, number> = { queued: 0, sending: 1, accepted: 2, sent: 3, delivered: 4, read: 5 };

/** Applies delivery statuses to our outbox rows; never moves a message backwards (webhooks arrive out of order). */
export async function applyStatusUpdates(prisma: PrismaClient, params: { businessId: string; events: InboundStatusEvent[] }): Promise<number> {
  let applied = 0;
  for (const event of params.events) {
    const row = await prisma.outboxMessage.findFirst({
      where: { businessId: params.businessId, providerMessageId: event.messageId },
      select: { id: true, status: true },
    });
    if (!row) continue;
    if (event.status === 'failed') {
      const error = event.errors[0];
      await prisma.outboxMessage.update({
        where: { id: row.id },
        data: { status: 'failed', failedAt: event.timestamp, errorCode: error?.code ?? null, lastError: (error?.title ?? error?.message ?? 'failed')?.slice(0, 1000) },
      });
      applied += 1;
      continue;
    }
    const next = STATUS_RANK[event.status];
    const current = STATUS_RANK[row.status] ?? 99;
    if (next === undefined || next <= current) continue;
    const stamp = event.status === 'sent' ? { sentAt: event.timestamp } : event.status === 'delivered' ? { deliveredAt: event.timestamp } : { readAt: event.timestamp };
    await prisma.outboxMessage.update({ where: { id: row.id }, data: { status: event.status, ...stamp } });
    applied += 1;
  }
  return applied;
}
