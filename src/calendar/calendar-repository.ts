/** Database access of the calendar export: the booking with its names, and the public link token. */
import { randomBytes } from 'node:crypto';
import type { Db } from '../platform/database';
import type { BookingIcsInput } from './booking-ics';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// No notes, metadata or customer data: the file goes to the customer (and the public link needs no key).
const ICS_INCLUDE = {
  business: { select: { name: true, defaultLocale: true, whatsappNumbers: { select: { displayPhone: true }, orderBy: { createdAt: 'asc' }, take: 1 } } },
  customer: { select: { locale: true } },
  service: { select: { name: true } },
  staff: { select: { name: true } },
  location: { select: { name: true, address: true } },
} as const;

type IcsRow = {
  id: string;
  uid: string;
  status: BookingIcsInput['status'];
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  rescheduleCount: number;
  updatedAt: Date;
  locationText: string | null;
  business: { name: string; defaultLocale: string; whatsappNumbers: Array<{ displayPhone: string | null }> };
  customer: { locale: string | null };
  service: { name: string };
  staff: { name: string };
  location: { name: string; address: string | null } | null;
};

function toIcsInput(row: IcsRow): BookingIcsInput & { id: string } {
  const location = row.location ? [row.location.name, row.location.address].filter(Boolean).join(', ') : row.locationText;
  return {
    id: row.id,
    uid: row.uid,
    status: row.status,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    timeZone: row.timeZone,
    rescheduleCount: row.rescheduleCount,
    updatedAt: row.updatedAt,
    serviceName: row.service.name,
    staffName: row.staff.name,
    businessName: row.business.name,
    location,
    businessWhatsApp: row.business.whatsappNumbers[0]?.displayPhone ?? null,
    locale: row.customer.locale ?? row.business.defaultLocale,
  };
}

/** The calendar view of a booking of the business (by public uid or id), or null. */
export async function findBookingForIcs(db: Db, params: { businessId: string; idOrUid: string }) {
  const where = UUID_PATTERN.test(params.idOrUid) ? { id: params.idOrUid } : { uid: params.idOrUid };
  const row = await db.booking.findFirst({ where: { businessId: params.businessId, ...where }, include: ICS_INCLUDE });
  return row ? toIcsInput(row) : null;
}

/** The calendar view of the booking behind a public link token, or null. */
export async function findBookingByIcsToken(db: Db, token: string) {
  const row = await db.booking.findUnique({ where: { icsToken: token }, include: ICS_INCLUDE });
  return row ? toIcsInput(row) : null;
}

/** A new unguessable link token: 32 random bytes, base64url (43 characters). */
export function generateIcsToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The booking's public link token, created on first use. Two concurrent callers agree: only a
 * null token is ever set, and both read back the one that won.
 */
export async function ensureIcsToken(db: Db, params: { businessId: string; bookingId: string }): Promise<string | null> {
  await db.booking.updateMany({ where: { id: params.bookingId, businessId: params.businessId, icsToken: null }, data: { icsToken: generateIcsToken() } });
  const row = await db.booking.findFirst({ where: { id: params.bookingId, businessId: params.businessId }, select: { icsToken: true } });
  return row?.icsToken ?? null;
}
