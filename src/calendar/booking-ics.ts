/**
 * One booking as an iCalendar file (ical-generator): VTIMEZONE of the booking's zone, a stable
 * UID, DTSTAMP in UTC, SEQUENCE = reschedule count (clients replace older copies), and after a
 * cancel STATUS:CANCELLED with METHOD:CANCEL so calendars remove the event.
 */
import { formatInTimeZone } from 'date-fns-tz';
import type * as IcalGenerator from 'ical-generator';
import { loadEsm } from '../platform/load-esm';
import { buildVTimezone } from './vtimezone';

/** What the calendar file says about a booking. */
export interface BookingIcsInput {
  uid: string;
  status: 'pending' | 'confirmed' | 'in_progress' | 'completed' | 'cancelled' | 'no_show';
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  rescheduleCount: number;
  updatedAt: Date;
  serviceName: string;
  staffName: string;
  businessName: string;
  location: string | null;
  notes?: string | null;
}

/** The domain every booking UID ends with, so UIDs are globally unique and stable. */
export const ICS_UID_DOMAIN = 'tapbook';

/** Builds the .ics text (CRLF, folded lines). */
export function buildBookingIcs(booking: BookingIcsInput): string {
  const { default: ical, ICalCalendarMethod } = loadEsm<typeof IcalGenerator>('ical-generator');
  const isCancelled = booking.status === 'cancelled';
  const year = booking.startsAt.getUTCFullYear();
  const calendar = ical({
    prodId: { company: 'Tapbook', product: 'Tapbook', language: 'EN' },
    name: booking.businessName,
    method: isCancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.PUBLISH,
    // No calendar-wide zone: ical-generator would then write DTSTAMP in it, and RFC 5545 wants DTSTAMP in UTC.
    // The generator still emits a VTIMEZONE for every zone its events use.
    timezone: { name: null, generator: (zone) => buildVTimezone(zone, year - 1, year + 1) },
  });
  addBookingEvent(calendar, booking, {
    summary: `${booking.serviceName} — ${booking.businessName}`,
    description: [`With ${booking.staffName}`, booking.notes ?? ''].filter(Boolean).join('\n'),
  });
  return calendar.toString();
}

/** Adds one booking as a VEVENT: stable UID, SEQUENCE = reschedules, DTSTAMP in UTC, wall times in the booking's zone. */
export function addBookingEvent(
  calendar: IcalGenerator.ICalCalendar,
  booking: Pick<BookingIcsInput, 'uid' | 'status' | 'startsAt' | 'endsAt' | 'timeZone' | 'rescheduleCount' | 'updatedAt' | 'location'>,
  text: { summary: string; description: string },
): void {
  const { ICalEventStatus } = loadEsm<typeof IcalGenerator>('ical-generator');
  calendar.createEvent({
    id: toBookingEventUid(booking.uid),
    start: toZonedDate(booking.startsAt),
    end: toZonedDate(booking.endsAt),
    timezone: booking.timeZone,
    stamp: booking.updatedAt,
    sequence: booking.rescheduleCount,
    status: booking.status === 'cancelled' ? ICalEventStatus.CANCELLED : booking.status === 'pending' ? ICalEventStatus.TENTATIVE : ICalEventStatus.CONFIRMED,
    summary: text.summary,
    description: text.description || null,
    location: booking.location,
  });
}

/** The UID of a booking's event: the same in the per-booking file and every feed. */
export function toBookingEventUid(bookingUid: string): string {
  return `${bookingUid}@${ICS_UID_DOMAIN}`;
}

/**
 * A plain Date with a zone makes ical-generator print the process's local time (it expects a
 * zone-aware object); this minimal Luxon-shaped wrapper lets it print the wall time of the zone.
 */
function toZonedDate(instant: Date, zone = 'UTC'): IcalGenerator.ICalLuxonDateTimeStub {
  return {
    isValid: true,
    zone: { type: zone === 'UTC' ? 'fixed' : 'iana' },
    setZone: (next) => toZonedDate(instant, !next || next.toLowerCase() === 'utc' ? 'UTC' : next),
    // Luxon's LL (month) is date-fns' MM; ical-generator asks only for yyyyLLdd and HHmmss.
    toFormat: (format) => formatInTimeZone(instant, zone, format.replace(/LL/g, 'MM')),
    toJSDate: () => new Date(instant),
    toJSON: () => instant.toISOString(),
  };
}
