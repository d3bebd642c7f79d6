/**
 * The send_reminder job: sends one reminder or follow-up exactly once.
 *
 * One transaction locks the row, re-reads booking, rule and customer, and either settles the row
 * (skipped/cancelled with a reason) or queues the message in the WhatsApp outbox, marks the row
 * `sent` with the outbox id and writes REMINDER_SENDING / FOLLOWUP_SENDING. A second run of the
 * job (retry, restart, another worker) finds the row no longer pending and does nothing; a crash
 * before the commit leaves it pending for the retry. From the outbox on, the sender's own
 * bookkeeping (`sending` before the HTTP call, the message id after) carries the guarantee.
 */
import { recordEvent, toEventBookingView } from '../events';
import { addJobInTransaction } from '../jobs';
import type { Clock } from '../platform/clock';
import type { Prisma, PrismaClient } from '../platform/database';
import type { Logger } from '../platform/logger';
import { enqueueOutbound } from '../whatsapp';
import { SEND_REMINDER_JOB_OPTIONS, SEND_REMINDER_TASK, reminderJobKey, type SendReminderPayload } from './reminder-jobs';
import { toLabelLocale } from './reminder-labels';
import { buildPlaceholderValues, buildReminderMessage, isInsideServiceWindow } from './reminder-message';
import { lockReminderForSend, settleReminder, type ReminderSendRow } from './reminder-repository';
import { isFollowUpFor } from './reminder-rule';
import { reserveSendSlot } from './send-pacing';

/** What the send task needs. */
export interface SendReminderDeps {
  prisma: PrismaClient;
  clock: Clock;
  logger: Logger;
  /** Test hook: runs after the message is queued, before the commit (a throw simulates a crash there). */
  beforeCommit?: (reminderId: string) => Promise<void> | void;
}

/** How one run ended. */
export type SendReminderOutcome =
  | { outcome: 'sent'; outboxMessageId: string; channel: 'interactive' | 'template'; sendAt: Date }
  | { outcome: 'skipped' | 'cancelled' | 'failed'; reason: string }
  | { outcome: 'not_pending' | 'not_due' };

// A paced message may leave a little after "now"; inside this margin before the window closes, use the template.
const WINDOW_MARGIN_MS = 10 * 60_000;
const EARLY_TOLERANCE_MS = 1_000;

/** Runs the send_reminder job for one row. */
export async function sendReminder(deps: SendReminderDeps, job: SendReminderPayload): Promise<SendReminderOutcome> {
  const result = await deps.prisma.$transaction(
    async (tx) => {
      const row = await lockReminderForSend(tx, job.reminderId);
      if (!row || row.reminder.status !== 'pending') return { outcome: 'not_pending' } as const;
      const now = deps.clock.now();
      if (row.reminder.dueAt.getTime() - now.getTime() > EARLY_TOLERANCE_MS) {
        // A job older than the last re-planning (or a clock running behind): put it back at the row's time.
        await addJobInTransaction(tx, SEND_REMINDER_TASK, job, { ...SEND_REMINDER_JOB_OPTIONS, jobKey: reminderJobKey(row.reminder.id), runAt: row.reminder.dueAt });
        return { outcome: 'not_due' } as const;
      }
      const outcome = await sendRow(deps, tx, row, now);
      if (outcome.outcome === 'sent') await deps.beforeCommit?.(row.reminder.id);
      return outcome;
    },
    { timeout: 30_000 },
  );
  if (result.outcome === 'skipped' || result.outcome === 'failed') {
    deps.logger.info({ reminderId: job.reminderId, outcome: result.outcome, reason: result.reason }, 'reminder not sent');
  }
  return result;
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

async function sendRow(deps: SendReminderDeps, tx: Prisma.TransactionClient, row: ReminderSendRow, now: Date): Promise<SendReminderOutcome> {
  const { reminder, booking, customer } = row;
  const settle = async (status: 'skipped' | 'cancelled' | 'failed', reason: string): Promise<SendReminderOutcome> => {
    await settleReminder(tx, { reminderId: reminder.id, status, reason });
    return { outcome: status, reason };
  };
  const skip = findSkipReason(row, now);
  if (skip) return settle(skip.status, skip.reason);
  const rule = row.rule!;
  const phoneNumberId = row.phoneNumberId!;

  const locale = toLabelLocale(customer.locale ?? row.businessLocale);
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
  const message = buildReminderMessage({
    kind: reminder.kind,
    rule,
    to: customer.waId,
    bookingUid: booking.uid,
    values,
    locale,
    isInsideWindow: isInsideServiceWindow({ lastInboundAt: customer.lastInboundAt, sendAt: now, marginMs: WINDOW_MARGIN_MS }),
  });
  if (!message.ok) return settle('skipped', message.reason);

  await recordEvent(tx, {
    businessId: reminder.businessId,
    type: reminder.kind === 'reminder' ? 'REMINDER_SENDING' : 'FOLLOWUP_SENDING',
    bookingId: booking.id,
    data: {
      booking: toEventBookingView(booking),
      reminder: { id: reminder.id, kind: reminder.kind, sequence: reminder.sequence, title: rule.title, dueAt: reminder.dueAt.toISOString(), channel: message.channel },
    },
    now,
  });
  // Outside this transaction on purpose (see reserveSendSlot): the pacing row is shared by every sender.
  const sendAt = await reserveSendSlot(deps.prisma, { phoneNumberId, now });
  const outboxMessageId = await enqueueOutbound(tx, {
    businessId: reminder.businessId,
    customerId: customer.id,
    phoneNumberId,
    recipient: customer.waId,
    kind: reminder.kind,
    payload: message.payload,
    ...(message.fallbackPayload ? { fallbackPayload: message.fallbackPayload } : {}),
    runAt: sendAt,
  });
  await settleReminder(tx, { reminderId: reminder.id, status: 'sent', outboxMessageId, channel: message.channel, sentAt: now });
  return { outcome: 'sent', outboxMessageId, channel: message.channel, sendAt };
}
