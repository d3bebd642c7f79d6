/** Reminders and follow-ups, meeting start/end automation, staff notifications, rating replies. */
export {
  reminderRuleSchema,
  findDueAt,
  isFollowUpFor,
  toOffsetMs,
  DEFAULT_RULES,
  MESSAGE_PLACEHOLDERS,
  MAX_RULES_PER_KIND,
  type ReminderKind,
  type ReminderRuleFields,
  type FollowUpAppliesTo,
  type MessagePlaceholder,
} from './reminder-rule';
export { buildReminderMessage, buildPlaceholderValues, renderRuleText, type ReminderMessage, type PlaceholderValues } from './reminder-message';
export { toRatingReplyId, parseRatingReplyId } from './rating-reply-id';
export { planRemindersForChange } from './plan-reminders';
export { createReminderListener } from './reminder-listener';
export { createBookingListeners } from './booking-listeners';
export {
  createCustomerNoticeListener,
  findStaffChangeNotice,
  isStaffActor,
  CONSOLE_ACTOR_PREFIX,
  API_ACTOR_PREFIX,
  type StaffChangeNotice,
} from './customer-notices';
export { notifyStaffOfBookingChange, notifyStaffOfHandoff } from './staff-notifications';
export { sendReminder, type SendReminderDeps, type SendReminderOutcome } from './send-reminder';
export { startMeetingIfDue, endMeetingIfDue, AUTOMATION_ACTOR, type MeetingAutomationDeps, type MeetingOutcome } from './meeting-automation';
export { setSendRate } from './send-pacing';
export { buildReminderTasks, type ReminderTaskDeps } from './reminder-tasks';
export {
  SEND_REMINDER_TASK,
  MEETING_START_TASK,
  MEETING_END_TASK,
  reminderJobKey,
  meetingStartJobKey,
  meetingEndJobKey,
  type SendReminderPayload,
  type MeetingPayload,
} from './reminder-jobs';
export { createDefaultRules } from './default-rules';
