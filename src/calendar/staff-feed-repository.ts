/** Database access of staff subscription feeds: the hashed feed token and the bookings a feed lists. */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../platform/database';
import type { StaffFeedBooking } from './staff-feed-ics';

/** How far back a feed reaches, so today's and last week's visits stay visible. */
export const STAFF_FEED_PAST_DAYS = 30;
/** Upper bound of events in one feed (calendar apps time out on huge feeds). */
export const STAFF_FEED_MAX_EVENTS = 2_000;

/** A new feed token: 32 random bytes, base64url (43 characters). */
export function generateFeedToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 (hex) of a feed token: what the database keeps. */
export function hashFeedToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Sets a new feed token for a staff member of the business (the old URL stops working); false when no such staff. */
export async function rotateStaffFeedToken(db: Db, params: { businessId: string; staffId: string; token: string; now: Date }): Promise<boolean> {
  const { count } = await db.staff.updateMany({
    where: { id: params.staffId, businessId: params.businessId },
    data: { calendarFeedTokenHash: hashFeedToken(params.token), calendarFeedCreatedAt: params.now },
  });
  return count > 0;
}

/** Turns a staff member's feed off; false when no such staff. */
export async function disableStaffFeed(db: Db, params: { businessId: string; staffId: string }): Promise<boolean> {
  const { count } = await db.staff.updateMany({ where: { id: params.staffId, businessId: params.businessId }, data: { calendarFeedTokenHash: null, calendarFeedCreatedAt: null } });
  return count > 0;
}

/** Whether a staff member has a feed, and since when. */
export async function findStaffFeedState(db: Db, params: { businessId: string; staffId: string }) {
  return db.staff.findFirst({ where: { id: params.staffId, businessId: params.businessId }, select: { calendarFeedCreatedAt: true } });
}

/**
 * The feed behind a token: the staff member, the business name and their bookings from 30 days
 * ago on (cancelled ones drop out, so subscribed calendars remove them). Null for an unknown token.
 */
export async function findStaffFeedByToken(db: Db, params: { token: string; now: Date }) {
  const staff = await db.staff.findUnique({
    where: { calendarFeedTokenHash: hashFeedToken(params.token) },
    select: { id: true, name: true, businessId: true, business: { select: { name: true } } },
  });
  if (!staff) return null;
  const rows = await db.booking.findMany({
    where: {
      businessId: staff.businessId,
      staffId: staff.id,
      status: { not: 'cancelled' },
      endsAt: { gte: new Date(params.now.getTime() - STAFF_FEED_PAST_DAYS * 86_400_000) },
    },
    select: {
      uid: true,
      status: true,
      startsAt: true,
      endsAt: true,
      timeZone: true,
      rescheduleCount: true,
      updatedAt: true,
      locationText: true,
      customer: { select: { name: true } },
      service: { select: { name: true } },
      location: { select: { name: true, address: true } },
    },
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    take: STAFF_FEED_MAX_EVENTS,
  });
  const bookings: StaffFeedBooking[] = rows.map((row) => ({
    uid: row.uid,
    status: row.status,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    timeZone: row.timeZone,
    rescheduleCount: row.rescheduleCount,
    updatedAt: row.updatedAt,
    serviceName: row.service.name,
    customerName: row.customer.name,
    location: row.location ? [row.location.name, row.location.address].filter(Boolean).join(', ') : row.locationText,
  }));
  return { staffName: staff.name, businessName: staff.business.name, bookings };
}
