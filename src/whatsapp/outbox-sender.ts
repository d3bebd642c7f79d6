/**
 * Sends a recipient's queued outbox rows to the Graph API, oldest first, one recipient at a time
 * (advisory lock), so messages to one customer leave in the order they were produced.
 *
 * Exactly-once bookkeeping: a row is marked `sending` and committed before the HTTP call; the
 * returned message id is stored after. A crash in between leaves `sending` with no id: the next
 * run sends again and logs why (Meta offers no idempotency key), which is the only duplicate path.
 */
import { randomUUID } from 'node:crypto';
import { addJobInTransaction } from '../jobs';
import type { Clock } from '../platform/clock';
import { Prisma, type PrismaClient } from '../platform/database';
import { NetworkError, WhatsAppApiError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { GraphClient } from './graph-client';
import { maskPhone } from './mask';
import type { OutboundMessage } from './outbound-message';
import { SEND_OUTBOX_TASK, sendJobKey, type SendOutboxPayload } from './outbox-repository';
import { decideRetry } from './retry-policy';

/** What the sender needs; `graph` undefined → sandbox (store, do not post). */
export interface OutboxSenderDeps {
  prisma: PrismaClient;
  clock: Clock;
  logger: Logger;
  graph: GraphClient | undefined;
  random?: () => number;
  /** Called after each row reaches a final or waiting state (tests and benchmarks observe progress). */
  onSettled?: (row: { id: string; status: string }) => void;
}

const BATCH = 50;

/** Sends everything queued for one recipient; reschedules itself when Meta asks to wait. */
export async function sendQueuedForRecipient(deps: OutboxSenderDeps, job: SendOutboxPayload): Promise<void> {
  const log = deps.logger.child({ component: 'outbox', recipient: maskPhone(job.recipient) });
  const lockKey = `outbox:${job.businessId}:${job.recipient}`;
  // A session-level lock would need a dedicated connection; instead each row is claimed in its own
  // short transaction under a transaction-level lock, and the HTTP call happens between them.
  for (;;) {
    const now = deps.clock.now();
    const claimed = await deps.prisma.$transaction(async (tx) => {
      const lock = await tx.$queryRaw<Array<{ locked: boolean }>>`SELECT pg_try_advisory_xact_lock(hashtext(${lockKey})) AS locked`;
      // Another worker is sending to this recipient; it will also pick up what we were asked for.
      if (!lock[0]?.locked) return 'busy' as const;
      const rows = await tx.outboxMessage.findMany({
        where: { businessId: job.businessId, recipient: job.recipient, status: { in: ['queued', 'sending'] } },
        orderBy: { sequence: 'asc' },
        take: 1,
      });
      const row = rows[0];
      if (!row) return 'empty' as const;
      if (row.nextAttemptAt && row.nextAttemptAt > now) return { waitUntil: row.nextAttemptAt } as const;
      if (row.status === 'sending') {
        log.warn({ outboxId: row.id, attempts: row.attempts }, 'previous send attempt ended without a stored message id (crash or timeout); sending again, a duplicate is possible');
      }
      await tx.outboxMessage.update({ where: { id: row.id }, data: { status: 'sending', attempts: { increment: 1 } } });
      return { row: { ...row, attempts: row.attempts + 1 } } as const;
    });
    if (claimed === 'empty') return;
    if (claimed === 'busy' || 'waitUntil' in claimed) {
      // The worker holding the lock may be finishing just before our row committed: come back
      // shortly instead of trusting it to notice, so nothing is left queued without a job.
      const runAt = claimed === 'busy' ? new Date(deps.clock.now().getTime() + 500) : claimed.waitUntil;
      await deps.prisma.$transaction((tx) =>
        addJobInTransaction(tx, SEND_OUTBOX_TASK, job, { jobKey: sendJobKey(job.businessId, job.recipient), runAt, maxAttempts: 50 }),
      );
      return;
    }
    const { row } = claimed;
    const shouldContinue = await sendOne(deps, log, job, row);
    if (!shouldContinue) return;
  }
}

async function sendOne(
  deps: OutboxSenderDeps,
  log: Logger,
  job: SendOutboxPayload,
  row: { id: string; phoneNumberId: string; payload: Prisma.JsonValue; fallbackPayload: Prisma.JsonValue; attempts: number; kind: string },
): Promise<boolean> {
  if (!deps.graph) {
    await deps.prisma.outboxMessage.update({
      where: { id: row.id },
      data: { status: 'sandbox', providerMessageId: `sandbox.${randomUUID()}`, sentAt: deps.clock.now() },
    });
    deps.onSettled?.({ id: row.id, status: 'sandbox' });
    return true;
  }
  try {
    const payload = row.payload as unknown as OutboundMessage;
    if ((payload as { status?: string }).status === 'read') {
      await deps.graph.markRead(row.phoneNumberId, (payload as unknown as { message_id: string }).message_id);
      await deps.prisma.outboxMessage.update({ where: { id: row.id }, data: { status: 'accepted', sentAt: deps.clock.now() } });
    } else {
      const { messageId } = await deps.graph.sendMessage(row.phoneNumberId, payload);
      await deps.prisma.outboxMessage.update({ where: { id: row.id }, data: { status: 'accepted', providerMessageId: messageId, sentAt: deps.clock.now() } });
    }
    deps.onSettled?.({ id: row.id, status: 'accepted' });
    return true;
  } catch (error) {
    if (!(error instanceof WhatsAppApiError) && !(error instanceof NetworkError)) throw error;
    const decision = decideRetry({ error, attempt: row.attempts, random: deps.random ?? Math.random });
    const code = error instanceof WhatsAppApiError ? error.code ?? error.status : undefined;
    if (decision.action === 'retry') {
      const nextAttemptAt = new Date(deps.clock.now().getTime() + decision.delayMs);
      await deps.prisma.$transaction(async (tx) => {
        await tx.outboxMessage.update({
          where: { id: row.id },
          data: { status: 'queued', nextAttemptAt, errorCode: code ?? null, lastError: error.message.slice(0, 1000) },
        });
        await addJobInTransaction(tx, SEND_OUTBOX_TASK, job, { jobKey: sendJobKey(job.businessId, job.recipient), runAt: nextAttemptAt, maxAttempts: 50 });
      });
      log.info({ outboxId: row.id, code, delayMs: decision.delayMs, attempt: row.attempts }, 'send failed; retrying later (later messages to this recipient wait to keep order)');
      return false;
    }
    if (decision.action === 'template_fallback' && row.fallbackPayload && !isSamePayload(row.payload, row.fallbackPayload)) {
      // Outside the 24-hour window only an approved template may be sent; switch and try again now.
      await deps.prisma.outboxMessage.update({
        where: { id: row.id },
        data: { status: 'queued', payload: row.fallbackPayload as Prisma.InputJsonValue, errorCode: code ?? null, lastError: 'outside the 24-hour window; sending the template instead' },
      });
      log.info({ outboxId: row.id }, 'outside the 24-hour window: falling back to the template');
      return true;
    }
    const reason = decision.action === 'fail' ? decision.reason : 'outside the 24-hour customer-service window and no template is configured for this message';
    await deps.prisma.outboxMessage.update({
      where: { id: row.id },
      data: { status: 'failed', failedAt: deps.clock.now(), errorCode: code ?? null, lastError: reason.slice(0, 1000) },
    });
    log.warn({ outboxId: row.id, code, kind: row.kind }, `message failed: ${reason}`);
    deps.onSettled?.({ id: row.id, status: 'failed' });
    return true;
  }
}

function isSamePayload(a: Prisma.JsonValue, b: Prisma.JsonValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
