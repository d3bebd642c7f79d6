/** iCalendar export of bookings: .ics files with VTIMEZONE, public per-booking links. */
export { buildBookingIcs, ICS_UID_DOMAIN, type BookingIcsInput } from './booking-ics';
export { buildVTimezone, findOffsetTransitions, type OffsetTransition } from './vtimezone';
export { ensureIcsToken, findBookingByIcsToken, findBookingForIcs, generateIcsToken } from './calendar-repository';
