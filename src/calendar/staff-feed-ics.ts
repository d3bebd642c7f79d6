/**
 * A staff member's subscription feed (Google Calendar, Outlook "subscribe from web"): their
 * bookings as VEVENTs with the same UIDs as the per-booking files, so an event added from a
 * confirmation and the same event in the feed are one event. Only the customer's first name and
 * the service are shown: the feed URL travels through calendar apps, phone numbers must not.
 */
import type * as IcalGenerator from 'ical-generator';
import { loadEsm } from '../platform/load-esm';
import { addBookingEvent, ICS_ORGANIZER_EMAIL, type BookingIcsInput } from './booking-ics';
import { buildVTimezone } from './vtimezone';

/** One booking as the feed shows it. */
export type StaffFeedBooking = Pick<BookingIcsInput, 'uid' | 'status' | 'startsAt' | 'endsAt' | 'timeZone' | 'rescheduleCount' | 'updatedAt' | 'serviceName' | 'location'> & {
  customerName: string | null;
};

/** Calendar apps poll subscriptions at their own pace; this asks for every 15 minutes (Outlook and Apple honour it). */
export const STAFF_FEED_REFRESH_SECONDS = 15 * 60;

/** The first word of a name ("Maria Lopez" → "Maria"); null or blank → "Client". */
export function toFirstName(name: string | null): string {
  const first = name?.trim().split(/\s+/)[0];
  return first ? first : 'Client';
}

/** Builds the feed text (CRLF, folded lines, one VTIMEZONE per zone used). */
export function buildStaffFeedIcs(params: { staffName: string; businessName: string; bookings: StaffFeedBooking[]; now: Date }): string {
  const { default: ical, ICalCalendarMethod } = loadEsm<typeof IcalGenerator>('ical-generator');
  const years = params.bookings.map((booking) => booking.startsAt.getUTCFullYear());
  const fromYear = Math.min(params.now.getUTCFullYear(), ...years) - 1;
  const toYear = Math.max(params.now.getUTCFullYear(), ...years) + 1;
  const calendar = ical({
    prodId: { company: 'Tapbook', product: 'Tapbook', language: 'EN' },
    name: `${params.staffName} — ${params.businessName}`,
    method: ICalCalendarMethod.PUBLISH,
    ttl: STAFF_FEED_REFRESH_SECONDS,
    // As in booking-ics: no calendar-wide zone, so DTSTAMP stays in UTC.
    timezone: { name: null, generator: (zone) => buildVTimezone(zone, fromYear, toYear) },
  });
  for (const booking of params.bookings) {
    addBookingEvent(calendar, booking, { summary: `${toFirstName(booking.customerName)} — ${booking.serviceName}`, description: '' }).organizer({
      name: params.businessName,
      email: ICS_ORGANIZER_EMAIL,
    });
  }
  // As in booking-ics: METHOD:PUBLISH wants an ORGANIZER (RFC 5546), and the last line ends with CRLF too.
  return `${calendar.toString()}\r\n`;
}
