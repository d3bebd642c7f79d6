/**
 * The send_reminder job: sends one reminder or follow-up exactly once.
 *
 * One transaction locks the row, re-reads booking, rule and customer, and either settles the row
 * (skipped/cancelled with a reason) or queues the message in the WhatsApp outbox, marks the row
 * `sent` with the outbox id and writes REMINDER_SENDING / FOLLOWUP_SENDING. A second run of the
 * job (retry, restart, another worker) finds the row no longer pending and does nothing; a crash
 * before the commit leaves it pending for the retry. From the outbox on, the sender's own
 * bookkeeping (`sending` before the HTTP call, the message id after) carries the guarantee.
 *
 * With `sender` deps the message leaves from this job, right after the commit, instead of from a
 * second (send_outbox) job: the transaction takes the recipient's send lock (session level, so it
 * outlives the commit) and the job then sends the recipient's queued rows in order, through the
 * send gate. If the lock is taken (someone is sending to this customer), or without `sender`, the
 * row gets a send_outbox job as before. A crash after the commit leaves the row queued or
 * `sending`; the job's retry sees the reminder sent but its message not accepted and hands the
 * row to a send_outbox job. Runs on prepared node-postgres statements: this is the hot path of
 * 10,000 reminders due in one minute.
 */
import { recordEventWithPg, toEventBookingView } from '../events';
import { addJobInTransaction } from '../jobs';
import type { Clock } from '../platform/clock';
import { inPgTransaction, poolOf, type PgClient, type PrismaClient } from '../platform/database';
import type { Logger } from '../platform/logger';
import { recordReminderLateness } from '../platform/metrics';
import { normalizeLocale } from '../texts';
import {
  isInsideServiceWindow,
  queueOutboundWithPg,
  SEND_OUTBOX_TASK,
  sendJobKey,
  sendQueuedHoldingLock,
  tryLockRecipient,
  unlockRecipient,
  type OutboxSenderDeps,
  type SendOutboxPayload,
} from '../whatsapp';
import { SEND_REMINDER_JOB_OPTIONS, SEND_REMINDER_TASK, reminderJobKey, type SendReminderPayload } from './reminder-jobs';
import { buildPlaceholderValues, buildReminderMessage } from './reminder-message';
import { lockReminderForSend, settleReminderWithPg, type ReminderSendRow } from './reminder-repository';
import { isFollowUpFor } from './reminder-rule';

/** What the send task needs. */
export interface SendReminderDeps {
  prisma: PrismaClient;
  clock: Clock;
  logger: Logger;
  /** The outbox sender's deps: when given, the message is sent from this job right after the commit. */
  sender?: Omit<OutboxSenderDeps, 'prisma' | 'clock' | 'logger'>;
  /** Test hook: runs after the message is queued, before the commit (a throw simulates a crash there). */
  beforeCommit?: (reminderId: string) => Promise<void> | void;
}

/** How one run ended; `isSentHere` tells whether this job sent the message (else a send_outbox job will). */
export type SendReminderOutcome =
  | { outcome: 'sent'; outboxMessageId: string; channel: 'interactive' | 'template'; isSentHere: boolean }
  | { outcome: 'skipped' | 'cancelled' | 'failed'; reason: string }
  | { outcome: 'not_pending' | 'not_due' };

// A paced message (rate limit, send gate) may leave a little after "now": this close to the end of the window, use the template.
const WINDOW_MARGIN_MS = 10 * 60_000;
const EARLY_TOLERANCE_MS = 1_000;

/** Runs the send_reminder job for one row. */
export async function sendReminder(deps: SendReminderDeps, job: SendReminderPayload): Promise<SendReminderOutcome> {
  const client = await poolOf(deps.prisma).connect();
  // Set once this run holds the recipient's send lock: the finally below must release it.
  let held: SendOutboxPayload | null = null;
  let failure: Error | undefined;
  try {
    const result = await inPgTransaction(client, async () => {
      const row = await lockReminderForSend(client, job.reminderId);
      if (!row) return { outcome: 'not_pending' } as const;
      if (row.reminder.status !== 'pending') {
        await handOverUnsentMessage(client, row, deps.clock.now());
        return { outcome: 'not_pending' } as const;
      }
      const now = deps.clock.now();
      if (row.reminder.dueAt.getTime() - now.getTime() > EARLY_TOLERANCE_MS) {
        // A job older than the last re-planning (or a clock running behind): put it back at the row's time.
        await addJobInTransaction(client, SEND_REMINDER_TASK, job, { ...SEND_REMINDER_JOB_OPTIONS, jobKey: reminderJobKey(row.reminder.id), runAt: row.reminder.dueAt });
        return { outcome: 'not_due' } as const;
      }
      const outcome = await sendRow(deps, client, row, now, (lock) => (held = lock));
      if (outcome.outcome === 'sent') await deps.beforeCommit?.(row.reminder.id);
      if (outcome.outcome === 'sent') recordReminderLateness(row.reminder.dueAt, now);
      return outcome;
    });
    if (result.outcome === 'sent' && held && deps.sender) {
      await sendQueuedHoldingLock({ ...deps.sender, prisma: deps.prisma, clock: deps.clock, logger: deps.logger }, client, held);
    }
    if (result.outcome === 'skipped' || result.outcome === 'failed') {
      deps.logger.info({ reminderId: job.reminderId, outcome: result.outcome, reason: result.reason }, 'reminder not sent');
    }
    return result;
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    if (held) await unlockRecipient(client, held).catch((error: unknown) => (failure ??= error instanceof Error ? error : new Error(String(error))));
    // After a failure the connection is dropped, not pooled: a session lock can never stay behind.
    client.release(failure);
  }
}

/**
 * A reminder already marked sent whose message has not been accepted: the run that sent it died
 * after its commit (or its send threw). The recipient's send_outbox job takes the row over; the
 * sender's own bookkeeping decides whether it leaves again (and logs why).
 */
async function handOverUnsentMessage(client: PgClient, row: ReminderSendRow, now: Date): Promise<void> {
  if (!row.outbox || (row.outbox.status !== 'queued' && row.outbox.status !== 'sending')) return;
  const payload: SendOutboxPayload = { businessId: row.reminder.businessId, recipient: row.outbox.recipient };
  await addJobInTransaction(client, SEND_OUTBOX_TASK, payload, { jobKey: sendJobKey(payload.businessId, payload.recipient), runAt: now, maxAttempts: 50 });
}

/** Why a row should not be sent now, or null when it should. */
function findSkipReason(row: ReminderSendRow, now: Date): { status: 'skipped' | 'cancelled' | 'failed'; reason: string } | null {
  const { reminder, rule, booking, customer } = row;
  if (!rule || !rule.isActive) return { status: 'skipped', reason: 'rule_inactive' };
  if (reminder.kind === 'reminder') {
    if (booking.status === 'cancelled') return { status: 'cancelled', reason: 'booking_cancelled' };
    if (booking.status !== 'pending' && booking.status !== 'confirmed') return { status: 'skipped', reason: `booking_${booking.status}` };
    if (booking.startsAt.getTime() <= now.getTime()) return { status: 'skipped', reason: 'booking_started' };
  } else if (!isFollowUpFor(rule, booking.status)) {
    return { status: 'skipped', reason: `booking_${booking.status}` };
  }
  if (customer.isOptedOut) return { status: 'skipped', reason: 'opted_out' };
  if (!row.phoneNumberId) return { status: 'failed', reason: 'no_whatsapp_number' };
  return null;
}

/** Queues the row's message in the outbox and marks the row sent, or settles it with the reason it is not sent. */
async function sendRow(
  deps: SendReminderDeps,
  client: PgClient,
  row: ReminderSendRow,
  now: Date,
  onLocked: (lock: SendOutboxPayload) => void,
): Promise<SendReminderOutcome> {
  const { reminder, customer } = row;
  const settle = async (status: 'skipped' | 'cancelled' | 'failed', reason: string): Promise<SendReminderOutcome> => {
    await settleReminderWithPg(client, { reminderId: reminder.id, status, reason });
    return { outcome: status, reason };
  };
  const skip = findSkipReason(row, now);
  if (skip) return settle(skip.status, skip.reason);
  const rule = row.rule!;
  const phoneNumberId = row.phoneNumberId!;

  const message = buildMessageForRow(row, rule, now);
  if (!message.ok) return settle('skipped', message.reason);
  await recordSendingEvent(client, row, rule, message.channel, now);
  const recipient: SendOutboxPayload = { businessId: reminder.businessId, recipient: customer.waId };
  // Only a run that holds the recipient's lock may send right after the commit; the lock also keeps
  // this message behind anything queued earlier for the customer (the send goes oldest first).
  const isSentHere = deps.sender !== undefined && (await tryLockRecipient(client, recipient));
  if (isSentHere) onLocked(recipient);
  const outboxMessageId = await queueOutboundWithPg(
    client,
    {
      businessId: reminder.businessId,
      customerId: customer.id,
      phoneNumberId,
      recipient: customer.waId,
      kind: reminder.kind,
      payload: message.payload,
      ...(message.fallbackPayload ? { fallbackPayload: message.fallbackPayload } : {}),
    },
    { addJob: !isSentHere, runAt: now },
  );
  await settleReminderWithPg(client, { reminderId: reminder.id, status: 'sent', outboxMessageId, channel: message.channel, sentAt: now });
  return { outcome: 'sent', outboxMessageId, channel: message.channel, isSentHere };
}

type ActiveRule = NonNullable<ReminderSendRow['rule']>;

/** The reminder's message in the customer's language, as a template or free form depending on the service window. */
function buildMessageForRow(row: ReminderSendRow, rule: ActiveRule, now: Date): ReturnType<typeof buildReminderMessage> {
  const { reminder, booking, customer } = row;
  const locale = normalizeLocale(customer.locale ?? row.businessLocale);
  const values = buildPlaceholderValues({
    customerName: customer.name,
    serviceName: row.names.service,
    staffName: row.names.staff,
    businessName: row.names.business,
    locationName: row.names.location,
    bookingUid: booking.uid,
    startsAt: booking.startsAt,
    // The customer's own zone when known (a traveller, a remote consultation), else the booking's.
    timeZone: customer.timeZone ?? booking.timeZone,
    locale,
  });
  return buildReminderMessage({
    kind: reminder.kind,
    rule,
    to: customer.waId,
    bookingUid: booking.uid,
    values,
    locale,
    isInsideWindow: isInsideServiceWindow({ lastInboundAt: customer.lastInboundAt, sendAt: now, marginMs: WINDOW_MARGIN_MS }),
  });
}

/** Writes REMINDER_SENDING or FOLLOWUP_SENDING in the send's transaction. */
async function recordSendingEvent(client: PgClient, row: ReminderSendRow, rule: ActiveRule, channel: 'interactive' | 'template', now: Date): Promise<void> {
  const { reminder, booking } = row;
  await recordEventWithPg(client, {
    businessId: reminder.businessId,
    type: reminder.kind === 'reminder' ? 'REMINDER_SENDING' : 'FOLLOWUP_SENDING',
    bookingId: booking.id,
    data: {
      booking: toEventBookingView(booking),
      reminder: { id: reminder.id, kind: reminder.kind, sequence: reminder.sequence, title: rule.title, dueAt: reminder.dueAt.toISOString(), channel },
    },
    now,
  });
}
