/**
 * Planning on booking changes, inside the booking's transaction:
 * created/rescheduled → one row per active reminder rule (pending if due in the future, skipped if
 * not; rows already sent stay as they are) and the start/end jobs; cancelled → pending rows
 * cancelled; completed/no-show → unsent reminders skipped, follow-ups planned from the end.
 */
import type { BookingChange, BookingRow } from '../booking';
import { addJobInTransaction, removeJobInTransaction } from '../jobs';
import type { Db } from '../platform/database';
import {
  MEETING_END_TASK,
  MEETING_START_TASK,
  SEND_REMINDER_JOB_OPTIONS,
  SEND_REMINDER_TASK,
  meetingEndJobKey,
  meetingStartJobKey,
  reminderJobKey,
  type MeetingPayload,
  type SendReminderPayload,
} from './reminder-jobs';
import { findActiveRules, findRemindersOfBooking, settleReminder, upsertReminder, type StoredRule } from './reminder-repository';
import { findDueAt, isFollowUpFor, type ReminderKind } from './reminder-rule';

const KEEP_AS_IS = new Set(['sent', 'failed', 'cancelled']);

/** Applies one booking change to the booking's reminders, follow-ups and meeting jobs. */
export async function planRemindersForChange(db: Db, change: Pick<BookingChange, 'kind' | 'booking'>, now: Date): Promise<void> {
  const { booking } = change;
  switch (change.kind) {
    case 'created':
    case 'rescheduled':
      await planRules(db, booking, 'reminder', now);
      await planMeetingJobs(db, booking);
      return;
    case 'cancelled':
      await closePending(db, booking.id, ['reminder', 'followup'], 'cancelled', 'booking_cancelled');
      await removeMeetingJobs(db, booking.id);
      return;
    case 'completed':
    case 'no_show':
      await closePending(db, booking.id, ['reminder'], 'skipped', change.kind === 'completed' ? 'booking_completed' : 'booking_no_show');
      await planRules(db, booking, 'followup', now);
      await removeMeetingJobs(db, booking.id);
      return;
    default:
      return;
  }
}

async function planRules(db: Db, booking: BookingRow, kind: ReminderKind, now: Date): Promise<void> {
  const rules = (await findActiveRules(db, { businessId: booking.businessId, serviceId: booking.serviceId, kind })).filter(
    (rule) => kind === 'reminder' || isFollowUpFor(rule, booking.status),
  );
  const existing = await findRemindersOfBooking(db, { bookingId: booking.id, kind });
  for (const rule of rules) {
    const row = existing.find((candidate) => candidate.ruleId === rule.id);
    if (row && KEEP_AS_IS.has(row.status)) continue;
    await planRule(db, booking, rule, now);
  }
  // A row whose rule was switched off or removed since it was planned is not sent.
  for (const row of existing) {
    if (row.status === 'pending' && !rules.some((rule) => rule.id === row.ruleId)) {
      await settleReminder(db, { reminderId: row.id, status: 'skipped', reason: 'rule_inactive' });
      await removeJobInTransaction(db, reminderJobKey(row.id));
    }
  }
}

async function planRule(db: Db, booking: BookingRow, rule: StoredRule, now: Date): Promise<void> {
  const dueAt = findDueAt(rule, booking);
  const isFuture = dueAt.getTime() > now.getTime();
  const id = await upsertReminder(db, {
    businessId: booking.businessId,
    bookingId: booking.id,
    rule,
    status: isFuture ? 'pending' : 'skipped',
    dueAt,
    reason: isFuture ? null : 'due_time_passed',
  });
  if (isFuture) {
    const payload: SendReminderPayload = { reminderId: id };
    await addJobInTransaction(db, SEND_REMINDER_TASK, payload, { ...SEND_REMINDER_JOB_OPTIONS, jobKey: reminderJobKey(id), runAt: dueAt });
  } else {
    await removeJobInTransaction(db, reminderJobKey(id));
  }
}

async function closePending(db: Db, bookingId: string, kinds: ReminderKind[], status: 'cancelled' | 'skipped', reason: string): Promise<void> {
  const rows = (await findRemindersOfBooking(db, { bookingId })).filter((row) => row.status === 'pending' && kinds.includes(row.kind));
  for (const row of rows) {
    await settleReminder(db, { reminderId: row.id, status, reason });
    await removeJobInTransaction(db, reminderJobKey(row.id));
  }
}

async function planMeetingJobs(db: Db, booking: BookingRow): Promise<void> {
  const payload: MeetingPayload = { businessId: booking.businessId, bookingId: booking.id };
  await addJobInTransaction(db, MEETING_START_TASK, payload, { jobKey: meetingStartJobKey(booking.id), runAt: booking.startsAt, maxAttempts: 10 });
  await addJobInTransaction(db, MEETING_END_TASK, payload, { jobKey: meetingEndJobKey(booking.id), runAt: booking.endsAt, maxAttempts: 10 });
}

async function removeMeetingJobs(db: Db, bookingId: string): Promise<void> {
  await removeJobInTransaction(db, meetingStartJobKey(bookingId));
  await removeJobInTransaction(db, meetingEndJobKey(bookingId));
}
