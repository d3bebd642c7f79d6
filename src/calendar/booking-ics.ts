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
  const { default: ical, ICalCalendarMethod, ICalEventStatus } = loadEsm<typeof IcalGenerator>('ical-generator');
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
  calendar.createEvent({
    id: `${booking.uid}@${ICS_UID_DOMAIN}`,
    start: toZonedDate(booking.startsAt),
    end: toZonedDate(booking.endsAt),
    timezone: booking.timeZone,
    stamp: booking.updatedAt,
    sequence: booking.rescheduleCount,
    status: isCancelled ? ICalEventStatus.CANCELLED : booking.status === 'pending' ? ICalEventStatus.TENTATIVE : ICalEventStatus.CONFIRMED,
    summary: `${booking.serviceName} — ${booking.businessName}`,
    description: [`With ${booking.staffName}`, booking.notes ?? ''].filter(Boolean).join('\n'),
    location: booking.location,
  });
  return calendar.toString();
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
