/**
 * What the outbox sender does when a post fails: retry later (keeping the recipient's order),
 * switch to the row's template outside the 24-hour window (or, for a username-only customer a
 * template cannot reach, to the free-form message inside it), or fail the row, at once and loudly
 * when the number's set-up is at fault (number-send-status.ts records it for staff).
 */
import { addJobInTransaction } from '../jobs';
import { inPgTransaction, type PgClient } from '../platform/database';
import { WhatsAppApiError, type NetworkError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { isPossiblyDelivered } from './graph-client';
import { recordSendConfigurationFailure } from './number-send-status';
import { SEND_OUTBOX_TASK, sendJobKey, type SendOutboxPayload } from './outbox-repository';
import { decideRetry, isAccessTokenRejected } from './retry-policy';
import { SendConfigurationError } from './send-configuration-error';
import { isInsideServiceWindow } from './service-window';
import type { OutboxRow, OutboxSenderDeps, SendResult } from './outbox-sender';

/** The send_outbox job's options: a recipient's job retries for a long time before graphile-worker gives up. */
export const SEND_JOB_OPTIONS = { maxAttempts: 50 } as const;

/** Settles a row whose post Meta refused or that never reached Meta, per the retry policy. */
export async function handleSendError(
  deps: OutboxSenderDeps,
  client: PgClient,
  log: Logger,
  job: SendOutboxPayload,
  row: OutboxRow,
  error: WhatsAppApiError | NetworkError,
): Promise<SendResult> {
  const decision = decideRetry({ error, attempt: row.attempts, random: deps.random ?? Math.random });
  const code = error instanceof WhatsAppApiError ? error.code ?? error.status : undefined;
  const settle = (status: string, fields: { payload?: unknown; fallbackPayload?: unknown; nextAttemptAt?: Date; failedAt?: Date; lastError: string }) =>
    client.query({
      name: 'outbox-settle-error',
      text: `UPDATE outbox_messages
                SET status = $2, payload = COALESCE($3::jsonb, payload), fallback_payload = COALESCE($8::jsonb, fallback_payload),
                    next_attempt_at = COALESCE($4, next_attempt_at), failed_at = $5, error_code = $6, last_error = $7, updated_at = now()
              WHERE id = $1::uuid`,
      values: [
        row.id, status, fields.payload === undefined ? null : JSON.stringify(fields.payload), fields.nextAttemptAt ?? null, fields.failedAt ?? null, code ?? null,
        fields.lastError.slice(0, 1000), fields.fallbackPayload === undefined ? null : JSON.stringify(fields.fallbackPayload),
      ],
    });
  if (decision.action === 'retry') {
    const nextAttemptAt = new Date(deps.clock.now().getTime() + decision.delayMs);
    // A post that timed out may have been accepted: it stays an unfinished attempt, so its retry
    // first looks for Meta's status of it, as after a crash (outbox-recovery.ts).
    const status = isPossiblyDelivered(error) && row.kind !== 'read_receipt' ? 'sending' : 'queued';
    await inPgTransaction(client, async () => {
      await settle(status, { nextAttemptAt, lastError: error.message });
      await addJobInTransaction(client, SEND_OUTBOX_TASK, job, { jobKey: sendJobKey(job.businessId, job.recipient), runAt: nextAttemptAt, ...SEND_JOB_OPTIONS });
    });
    log.info({ outboxId: row.id, code, delayMs: decision.delayMs, attempt: row.attempts }, 'send failed; retrying later (later messages to this recipient wait to keep order)');
    return 'scheduled';
  }
  if (decision.action === 'template_fallback' && isTemplate(row.fallback_payload) && !isSamePayload(row.payload, row.fallback_payload)) {
    // Outside the 24-hour window only an approved template may be sent; switch and try again now.
    await settle('queued', { payload: row.fallback_payload, lastError: 'outside the 24-hour window; sending the template instead' });
    log.info({ outboxId: row.id }, 'outside the 24-hour window: falling back to the template');
    return 'again';
  }
  if (decision.action === 'freeform_fallback' && isTemplate(row.payload) && isFreeForm(row.fallback_payload) && (await isServiceWindowOpen(client, row.id, deps.clock.now()))) {
    // A template cannot reach this username-only customer, but they wrote within 24 hours: the
    // free-form form of the same message can. The template stays as its fallback, so a 131047 on
    // the free-form one switches back once and a second 131062 then fails the row: no loop.
    await settle('queued', { payload: row.fallback_payload, fallbackPayload: row.payload, lastError: `${decision.reason}; sending the free-form message instead (the customer wrote within 24 hours)` });
    log.info({ outboxId: row.id }, '131062: the template cannot reach a username-only customer; sending the free-form message inside the window');
    return 'again';
  }
  if (isAccessTokenRejected(error)) {
    return failForConfiguration(deps, client, log, row, new SendConfigurationError('access_token_rejected', `Meta refused the access token: ${error.message}. Renew the token and save it on the number.`));
  }
  const reason =
    decision.action === 'fail' || decision.action === 'freeform_fallback' ? decision.reason : 'outside the 24-hour customer-service window and no template is configured for this message';
  await settle('failed', { failedAt: deps.clock.now(), lastError: reason });
  log.warn({ outboxId: row.id, code, kind: row.kind }, `message failed: ${reason}`);
  deps.onSettled?.({ id: row.id, status: 'failed' });
  return 'next';
}

/**
 * A send that cannot succeed until the number's set-up is fixed: the row fails now (no retry loop),
 * the number's status records it, and the log says so at error. The row may have been read before
 * another sender sent it: only a row still unsent is failed.
 */
export async function failForConfiguration(deps: OutboxSenderDeps, client: PgClient, log: Logger, row: OutboxRow, error: SendConfigurationError): Promise<SendResult> {
  const now = deps.clock.now();
  const failed = await inPgTransaction(client, async () => {
    const settled = await client.query({
      name: 'outbox-fail-configuration',
      text: `UPDATE outbox_messages SET status = 'failed', failed_at = $2, error_code = NULL, last_error = $3, updated_at = now()
              WHERE id = $1::uuid AND status IN ('queued', 'sending') AND provider_message_id IS NULL`,
      values: [row.id, now, `${error.code}: ${error.message}`.slice(0, 1000)],
    });
    if (settled.rowCount === 0) return false;
    await recordSendConfigurationFailure(deps.prisma, client, row.phone_number_id, { code: error.code, message: error.message, at: now });
    return true;
  });
  if (!failed) return 'again';
  log.error({ outboxId: row.id, phoneNumberId: row.phone_number_id, code: error.code, kind: row.kind, reason: error.message }, 'message failed: the WhatsApp number\'s set-up prevents sending; fix it (see the number\'s status in the API)');
  deps.onSettled?.({ id: row.id, status: 'failed' });
  return 'next';
}

const LAST_INBOUND_SQL = {
  name: 'outbox-last-inbound',
  text: `SELECT c.last_inbound_at FROM outbox_messages o JOIN customers c ON c.id = o.customer_id WHERE o.id = $1::uuid`,
};

/** Whether the row's customer is inside WhatsApp's customer-service window now. */
async function isServiceWindowOpen(client: PgClient, outboxId: string, now: Date): Promise<boolean> {
  const result = await client.query<{ last_inbound_at: Date | null }>({ ...LAST_INBOUND_SQL, values: [outboxId] });
  return isInsideServiceWindow({ lastInboundAt: result.rows[0]?.last_inbound_at ?? null, sendAt: now });
}

function isTemplate(payload: unknown): boolean {
  return typeof payload === 'object' && payload !== null && (payload as { type?: unknown }).type === 'template';
}

function isFreeForm(payload: unknown): boolean {
  const type = typeof payload === 'object' && payload !== null ? (payload as { type?: unknown }).type : undefined;
  return type === 'text' || type === 'interactive';
}

function isSamePayload(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
