/** iCalendar: booking files, staff subscription feeds, external busy-time import. */
export { buildBookingIcs, addBookingEvent, toBookingEventUid, ICS_UID_DOMAIN, ICS_ORGANIZER_EMAIL, type BookingIcsInput } from './booking-ics';
export { buildVTimezone, findOffsetTransitions, type OffsetTransition } from './vtimezone';
export { ensureIcsToken, findBookingByIcsToken, findBookingForIcs, generateIcsToken } from './calendar-repository';
export { buildStaffFeedIcs, toFirstName, STAFF_FEED_REFRESH_SECONDS, type StaffFeedBooking } from './staff-feed-ics';
export {
  generateFeedToken,
  hashFeedToken,
  rotateStaffFeedToken,
  disableStaffFeed,
  findStaffFeedState,
  findStaffFeedByToken,
  STAFF_FEED_PAST_DAYS,
} from './staff-feed-repository';
export { findBusyIntervals, mergeIntervals, MAX_INTERVALS_PER_FEED, type BusyInterval, type BusyTimesResult } from './busy-times';
export {
  listExternalCalendars,
  countExternalCalendars,
  insertExternalCalendar,
  deleteExternalCalendar,
  findExternalBusyBlocks,
  MAX_EXTERNAL_CALENDARS_PER_STAFF,
  type ExternalCalendarView,
} from './external-calendar-repository';
export {
  importExternalCalendar,
  importAllExternalCalendars,
  IMPORT_HORIZON_DAYS,
  MAX_FEED_BYTES,
  FEED_TIMEOUT_MS,
  type ExternalCalendarImportDeps,
  type ImportOutcome,
} from './external-calendar-import';
export {
  IMPORT_EXTERNAL_CALENDARS_TASK,
  IMPORT_INTERVAL_MINUTES,
  scheduleExternalCalendarImport,
  scheduleOneCalendarImport,
  runImportExternalCalendarsTask,
  type ImportExternalCalendarsPayload,
} from './calendar-import-task';
