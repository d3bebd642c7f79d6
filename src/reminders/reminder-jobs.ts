/** Names and keys of the reminder component's durable jobs. */

/** Sends one reminder or follow-up row. */
export const SEND_REMINDER_TASK = 'send_reminder';
/** Moves a booking to in_progress when its start time is reached. */
export const MEETING_START_TASK = 'meeting_start';
/** Moves a booking to completed when its end time is reached. */
export const MEETING_END_TASK = 'meeting_end';

/**
 * Job options of send_reminder. Graphile's own retries only cover a crashing task (the task
 * re-checks everything). Priority 1 is below the default 0 of send_outbox and conversation jobs:
 * when thousands of reminders fall due at once, messages already paced into the outbox and
 * customers' replies still go first.
 */
export const SEND_REMINDER_JOB_OPTIONS = { maxAttempts: 10, priority: 1 } as const;

/** Payload of send_reminder. */
export interface SendReminderPayload {
  reminderId: string;
}

/** Payload of meeting_start and meeting_end. */
export interface MeetingPayload {
  businessId: string;
  bookingId: string;
}

/** One job per reminder row: re-planning replaces it instead of adding a second one. */
export function reminderJobKey(reminderId: string): string {
  return `reminder:${reminderId}`;
}

/** One start job per booking. */
export function meetingStartJobKey(bookingId: string): string {
  return `meeting-start:${bookingId}`;
}

/** One end job per booking. */
export function meetingEndJobKey(bookingId: string): string {
  return `meeting-end:${bookingId}`;
}
