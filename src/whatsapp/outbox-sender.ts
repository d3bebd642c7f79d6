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

/**
 * What the sender needs. `graph` is the client for the configured access token (undefined →
 * sandbox: store, do not post); `graphForNumber`, when given, may return a client with a phone
 * number's own token, which wins.
 */
export interface OutboxSenderDeps {
  prisma: PrismaClient;
  clock: Clock;
  logger: Logger;
  graph: GraphClient | undefined;
  graphForNumber?: (phoneNumberId: string) => Promise<GraphClient | undefined>;
  random?: () => number;
  /** Called after each row reaches a final or waiting state (tests and benchmarks observe progress). */
  onSettled?: (row: { id: string; status: string }) => void;
}

const BATCH = 50;
// The recipient's lock is held for a whole batch of sends; each Graph call has its own timeout.
const BATCH_TRANSACTION_MS = 10 * 60_000;

/**
 * Sends everything queued for one recipient, oldest first; reschedules itself when Meta asks to wait.
 *
 * One transaction holds the recipient's advisory lock for the whole batch, so a second worker
 * (a new job for the same recipient) cannot send the same rows or overtake them; the `sending`
 * marks and results are written outside it, each committed on its own, so they survive a crash
 * in the middle of the batch (and a crash is what a later `sending` row means).
 */
export async function sendQueuedForRecipient(deps: OutboxSenderDeps, job: SendOutboxPayload): Promise<void> {
  const log = deps.logger.child({ component: 'outbox', recipient: maskPhone(job.recipient) });
  const lockKey = `outbox:${job.businessId}:${job.recipient}`;
  const reschedule = (when: { runAt: Date } | { runAfterMs: number }) =>
    deps.prisma.$transaction((tx) =>
      addJobInTransaction(tx, SEND_OUTBOX_TASK, job, { jobKey: sendJobKey(job.businessId, job.recipient), ...when, maxAttempts: 50 }),
    );
  for (;;) {
    const outcome = await deps.prisma.$transaction(
      async (lockTx) => {
        const lock = await lockTx.$queryRaw<Array<{ locked: boolean }>>`SELECT pg_try_advisory_xact_lock(hashtext(${lockKey})) AS locked`;
        if (!lock[0]?.locked) return 'busy' as const;
        const rows = await deps.prisma.outboxMessage.findMany({
          where: { businessId: job.businessId, recipient: job.recipient, status: { in: ['queued', 'sending'] } },
          orderBy: { sequence: 'asc' },
          take: BATCH,
        });
        for (const row of rows) {
          const now = deps.clock.now();
          if (row.nextAttemptAt && row.nextAttemptAt > now) return { waitUntil: row.nextAttemptAt } as const;
          if (row.status === 'sending') {
            log.warn({ outboxId: row.id, attempts: row.attempts }, 'previous send attempt ended without a stored message id (crash or timeout); sending again, a duplicate is possible');
          }
          await deps.prisma.outboxMessage.update({ where: { id: row.id }, data: { status: 'sending', attempts: { increment: 1 } } });
          const result = await sendOne(deps, log, job, { ...row, attempts: row.attempts + 1 });
          // The row now carries its template fallback: read the batch again, this row first.
          if (result === 'again') return 'more' as const;
          // A retry was scheduled for this row: later rows wait behind it to keep the order.
          if (!result) return 'deferred' as const;
        }
        return rows.length === BATCH ? ('more' as const) : ('done' as const);
      },
      { timeout: BATCH_TRANSACTION_MS, maxWait: 30_000 },
    );
    if (outcome === 'more') continue;
    if (outcome === 'busy') {
      // The worker holding the lock may be finishing just before our row committed: come back
      // shortly instead of trusting it to notice, so nothing is left queued without a job.
      // Infrastructure wait, measured by the database's clock (not the app's, which tests may move).
      await reschedule({ runAfterMs: 500 });
    } else if (typeof outcome === 'object') {
      await reschedule({ runAt: outcome.waitUntil });
    }
    return;
  }
}

/** After one row: go on with the next, stop the batch (a retry is scheduled), or send this row again now. */
type SendResult = boolean | 'again';

async function sendOne(
  deps: OutboxSenderDeps,
  log: Logger,
  job: SendOutboxPayload,
  row: { id: string; phoneNumberId: string; payload: Prisma.JsonValue; fallbackPayload: Prisma.JsonValue; attempts: number; kind: string },
): Promise<SendResult> {
  const graph = (await deps.graphForNumber?.(row.phoneNumberId)) ?? deps.graph;
  if (!graph) {
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
      await graph.markRead(row.phoneNumberId, (payload as unknown as { message_id: string }).message_id);
      await deps.prisma.outboxMessage.update({ where: { id: row.id }, data: { status: 'accepted', sentAt: deps.clock.now() } });
    } else {
      const { messageId } = await graph.sendMessage(row.phoneNumberId, payload);
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
      return 'again';
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
