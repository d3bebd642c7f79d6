/**
 * One booking as an iCalendar file (ical-generator): VTIMEZONE of the booking's zone, a stable
 * UID, DTSTAMP in UTC, SEQUENCE = reschedule count (clients replace older copies), and after a
 * cancel STATUS:CANCELLED with METHOD:CANCEL so calendars remove the event. The file is the
 * customer's: service, staff, place, times and how to manage the booking, never staff notes.
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
  /** The business's WhatsApp number as displayed (e.g. "+34 600 000 000"), for the "how to manage" line. */
  businessWhatsApp?: string | null;
  /** Language of the texts (customer's, else the business's): en, es or pt; others read English. */
  locale?: string | null;
}

/**
 * The ORGANIZER's address. RFC 5546 wants an ORGANIZER with METHOD:PUBLISH and RFC 5545 makes it a
 * mailto: address, but a business has no e-mail address here: `.invalid` (RFC 6761) is valid
 * syntax that can never deliver, so no calendar client can mail anyone by replying.
 */
export const ICS_ORGANIZER_EMAIL = 'no-reply@tapbook.invalid';

const TEXTS = {
  en: { with: 'With {staff}', manage: 'To see, move or cancel it, write "menu" to {business} on WhatsApp and choose My appointments.' },
  es: { with: 'Con {staff}', manage: 'Para verla, cambiarla o cancelarla, escribe «menú» a {business} por WhatsApp y elige Mis citas.' },
  pt: { with: 'Com {staff}', manage: 'Para ver, remarcar ou cancelar, escreva "menu" para {business} no WhatsApp e escolha Meus agendamentos.' },
} as const;

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
  addBookingEvent(calendar, booking, { summary: `${booking.serviceName} — ${booking.businessName}`, description: describeForCustomer(booking) }).organizer({
    name: booking.businessName,
    email: ICS_ORGANIZER_EMAIL,
  });
  // ical-generator leaves out the CRLF after END:VCALENDAR that RFC 5545 ends every line with.
  return `${calendar.toString()}\r\n`;
}

/** The DESCRIPTION: who, and how to manage the booking (the chat, with a wa.me link when the number is known). */
function describeForCustomer(booking: BookingIcsInput): string {
  const language = (booking.locale ?? 'en').slice(0, 2).toLowerCase();
  const texts = language === 'es' || language === 'pt' ? TEXTS[language] : TEXTS.en;
  const digits = (booking.businessWhatsApp ?? '').replace(/\D/g, '');
  return [
    texts.with.replace('{staff}', booking.staffName),
    texts.manage.replace('{business}', booking.businessName),
    digits.length >= 8 ? `https://wa.me/${digits}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** Adds one booking as a VEVENT (and returns it): stable UID, SEQUENCE = reschedules, DTSTAMP in UTC, wall times in the booking's zone. */
export function addBookingEvent(
  calendar: IcalGenerator.ICalCalendar,
  booking: Pick<BookingIcsInput, 'uid' | 'status' | 'startsAt' | 'endsAt' | 'timeZone' | 'rescheduleCount' | 'updatedAt' | 'location'>,
  text: { summary: string; description: string },
): IcalGenerator.ICalEvent {
  const { ICalEventStatus } = loadEsm<typeof IcalGenerator>('ical-generator');
  return calendar.createEvent({
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
