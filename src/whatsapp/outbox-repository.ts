/**
 * The outbox: every message we decide to send is a row written in the same transaction as the
 * decision, plus a job that sends the recipient's queued rows in order.
 */
import { addJobInTransaction } from '../jobs';
import { Prisma, type Db } from '../platform/database';
import type { MessagesRequestBody, TemplateMessageBody } from './outbound-message';

/** The job that sends a recipient's queued outbox rows, oldest first. */
export const SEND_OUTBOX_TASK = 'send_outbox';

/** Payload of the send_outbox job. */
export interface SendOutboxPayload {
  businessId: string;
  recipient: string;
}

/** Kinds of outbound messages (for reporting and exactly-once rules). */
export type OutboxKind = 'reply' | 'reminder' | 'followup' | 'staff_notification' | 'read_receipt';

/** One job per recipient: adding while one is pending replaces it instead of piling up. */
export function sendJobKey(businessId: string, recipient: string): string {
  return `send:${businessId}:${recipient}`;
}

// Keyed by the transaction client, which lives exactly as long as its transaction.
const immediateJobsAdded = new WeakMap<Db, Set<string>>();

/** Queues a message (and its sending job) inside the caller's transaction; returns the row id. */
export async function enqueueOutbound(
  db: Db,
  message: {
    businessId: string;
    customerId: string | null;
    phoneNumberId: string;
    recipient: string;
    kind: OutboxKind;
    payload: MessagesRequestBody;
    fallbackPayload?: TemplateMessageBody;
    runAt?: Date;
  },
): Promise<string> {
  const row = await db.outboxMessage.create({
    data: {
      businessId: message.businessId,
      customerId: message.customerId,
      phoneNumberId: message.phoneNumberId,
      recipient: message.recipient,
      kind: message.kind,
      payload: message.payload as unknown as Prisma.InputJsonValue,
      fallbackPayload: message.fallbackPayload ? (message.fallbackPayload as unknown as Prisma.InputJsonValue) : Prisma.JsonNull,
    },
    select: { id: true },
  });
  const payload: SendOutboxPayload = { businessId: message.businessId, recipient: message.recipient };
  const jobKey = sendJobKey(message.businessId, message.recipient);
  // One immediate job per recipient per transaction is enough: it runs after the commit and sends
  // every row the transaction queued (a read receipt and a reply, say) in order.
  // Only for a transaction client: the long-lived PrismaClient would remember keys forever.
  const isTransaction = !('$transaction' in db);
  const added = immediateJobsAdded.get(db) ?? new Set<string>();
  if (message.runAt || !isTransaction || !added.has(jobKey)) {
    await addJobInTransaction(db, SEND_OUTBOX_TASK, payload, { jobKey, runAt: message.runAt, maxAttempts: 50 });
    if (!message.runAt && isTransaction) immediateJobsAdded.set(db, added.add(jobKey));
  }
  return row.id;
}
