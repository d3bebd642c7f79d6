/**
 * All database access of the booking core. Methods describe data; business rules live in the
 * service files. Every query is scoped to a business.
 */
import type { Db } from '../platform/database';
import { Prisma } from '../platform/database';
import { querySql, type SqlStatement, type SqlTarget } from '../platform/sql';
import { ACTIVE_BOOKING_STATUSES, type BookingLifecycleStatus } from '../../machines/booking.machine';

/** The business settings the booking core reads. */
export interface BusinessSettings {
  id: string;
  name: string;
  timeZone: string;
  currency: string;
  slotStepMinutes: number;
  minimumNoticeMinutes: number;
  maxAdvanceDays: number;
  /** Offer the first start after a busy block or the notice cut-off off the grid (scheduling's rules.fillGapsAfterBusy). */
  fillGapsAfterBusy: boolean;
  holdMinutes: number;
  changeLockMinutes: number;
}

/** A service with the staff who perform it and their schedules. */
export interface ServiceWithSchedules {
  id: string;
  uid: string;
  name: string;
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  price: string;
  currency: string;
  isActive: boolean;
  staff: Array<{
    id: string;
    name: string;
    weeklyHours: Array<{ weekday: number; startMinute: number; endMinute: number }>;
    overrides: Array<{ date: string; isClosed: boolean; startMinute: number | null; endMinute: number | null }>;
  }>;
}

/** An interval that blocks a staff member (a booking or another customer's hold, buffers included). */
export interface BlockedInterval {
  staffId: string;
  start: Date;
  end: Date;
}

const toIsoDate = (date: Date) => date.toISOString().slice(0, 10);

/** Loads the booking settings of a business (null when it does not exist). */
export async function findBusinessSettings(db: Db, businessId: string): Promise<BusinessSettings | null> {
  return db.business.findUnique({
    where: { id: businessId },
    select: {
      id: true,
      name: true,
      timeZone: true,
      currency: true,
      slotStepMinutes: true,
      minimumNoticeMinutes: true,
      maxAdvanceDays: true,
      fillGapsAfterBusy: true,
      holdMinutes: true,
      changeLockMinutes: true,
    },
  });
}

/** Loads an active service by id or uid with its active staff, their hours and overrides in [fromDate, toDate]. */
export async function findServiceWithSchedules(
  db: Db,
  params: { businessId: string; serviceIdOrUid: string; fromDate: Date; toDate: Date },
): Promise<ServiceWithSchedules | null> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(params.serviceIdOrUid);
  const service = await db.service.findFirst({
    where: { businessId: params.businessId, ...(isUuid ? { id: params.serviceIdOrUid } : { uid: params.serviceIdOrUid }) },
    include: {
      staff: {
        where: { staff: { isActive: true } },
        include: {
          staff: {
            include: {
              workingHours: { select: { weekday: true, startMinute: true, endMinute: true } },
              dateOverrides: {
                where: { date: { gte: params.fromDate, lte: params.toDate } },
                select: { date: true, isClosed: true, startMinute: true, endMinute: true },
              },
            },
          },
        },
      },
    },
  });
  if (!service) return null;
  return {
    id: service.id,
    uid: service.uid,
    name: service.name,
    durationMinutes: service.durationMinutes,
    bufferBeforeMinutes: service.bufferBeforeMinutes,
    bufferAfterMinutes: service.bufferAfterMinutes,
    price: service.price.toFixed(2),
    currency: service.currency,
    isActive: service.isActive,
    staff: service.staff
      .map(({ staff }) => ({
        id: staff.id,
        name: staff.name,
        weeklyHours: staff.workingHours,
        overrides: staff.dateOverrides.map((o) => ({ ...o, date: toIsoDate(o.date) })),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** Business-wide date overrides in [fromDate, toDate]. */
export async function findBusinessOverrides(db: Db, params: { businessId: string; fromDate: Date; toDate: Date }) {
  const rows = await db.dateOverride.findMany({
    where: { businessId: params.businessId, staffId: null, date: { gte: params.fromDate, lte: params.toDate } },
    select: { date: true, isClosed: true, startMinute: true, endMinute: true },
  });
  return rows.map((o) => ({ ...o, date: toIsoDate(o.date) }));
}

/**
 * Intervals that block the given staff in [from, to): active bookings (minus one being moved),
 * live holds of other customers, and busy times imported from the staff's external calendars.
 * Buffers are already part of blocked_from/blocked_until. One round trip; the booking core, the
 * conversation and the Flows endpoint all read availability through here (availability-loader.ts),
 * so they agree.
 */
export async function findBlockedIntervals(db: SqlTarget, params: BlockedIntervalsQuery): Promise<BlockedInterval[]> {
  if (params.staffIds.length === 0) return [];
  return querySql<BlockedInterval>(db, BLOCKED_INTERVALS_SQL, toBlockedIntervalsValues(params));
}

/** What findBlockedIntervals asks about: staff of one business in [from, to) at `now`. */
export interface BlockedIntervalsQuery {
  businessId: string;
  staffIds: string[];
  from: Date;
  to: Date;
  now: Date;
  exceptCustomerId?: string;
  exceptBookingId?: string;
}

function toBlockedIntervalsValues(params: BlockedIntervalsQuery): unknown[] {
  return [
    params.businessId,
    params.staffIds,
    [...ACTIVE_BOOKING_STATUSES],
    params.from,
    params.to,
    params.now,
    params.exceptBookingId ?? null,
    params.exceptCustomerId ?? null,
  ];
}

const BLOCKED_INTERVALS_SQL: SqlStatement = {
  name: 'find_blocked_intervals',
  text: `
    SELECT staff_id::text AS "staffId", blocked_from AS "start", blocked_until AS "end" FROM bookings
     WHERE business_id = $1::uuid AND staff_id = ANY($2::uuid[]) AND status::text = ANY($3::text[])
       AND blocked_from < $5::timestamptz AND blocked_until > $4::timestamptz
       AND ($7::uuid IS NULL OR id <> $7::uuid)
    UNION ALL
    SELECT staff_id::text, blocked_from, blocked_until FROM slot_holds
     WHERE business_id = $1::uuid AND staff_id = ANY($2::uuid[])
       AND expires_at > $6::timestamptz AND blocked_from < $5::timestamptz AND blocked_until > $4::timestamptz
       AND ($8::uuid IS NULL OR customer_id <> $8::uuid)
    UNION ALL
    SELECT staff_id::text, starts_at, ends_at FROM external_busy_blocks
     WHERE business_id = $1::uuid AND staff_id = ANY($2::uuid[])
       AND starts_at < $5::timestamptz AND ends_at > $4::timestamptz`,
};

/** The row shape of a booking as the rest of the app sees it. */
export const BOOKING_SELECT = {
  id: true,
  uid: true,
  businessId: true,
  customerId: true,
  staffId: true,
  serviceId: true,
  locationId: true,
  startsAt: true,
  endsAt: true,
  timeZone: true,
  status: true,
  source: true,
  price: true,
  currency: true,
  notes: true,
  locationText: true,
  metadata: true,
  rating: true,
  cancellationReason: true,
  rescheduleReason: true,
  rescheduleCount: true,
  idempotencyKey: true,
  confirmedAt: true,
  cancelledAt: true,
  completedAt: true,
  createdAt: true,
  updatedAt: true,
  blockedFrom: true,
  blockedUntil: true,
} satisfies Prisma.BookingSelect;

/** A booking row. */
export type BookingRow = Prisma.BookingGetPayload<{ select: typeof BOOKING_SELECT }>;

/** Finds a booking of the business by internal id or public uid. */
export async function findBooking(db: Db, businessId: string, idOrUid: string): Promise<BookingRow | null> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrUid);
  return db.booking.findFirst({ where: { businessId, ...(isUuid ? { id: idOrUid } : { uid: idOrUid }) }, select: BOOKING_SELECT });
}

/** Locks a booking row for the rest of the transaction (SELECT … FOR UPDATE). */
export async function lockBooking(db: Db, bookingId: string): Promise<void> {
  await db.$queryRaw`SELECT id FROM bookings WHERE id = ${bookingId}::uuid FOR UPDATE`;
}

/** Finds a booking by its idempotency key. */
export async function findBookingByIdempotencyKey(db: Db, businessId: string, key: string): Promise<BookingRow | null> {
  return db.booking.findFirst({ where: { businessId, idempotencyKey: key }, select: BOOKING_SELECT });
}

/** Inserts a booking. */
export async function insertBooking(db: Db, data: Prisma.BookingUncheckedCreateInput): Promise<BookingRow> {
  return db.booking.create({ data, select: BOOKING_SELECT });
}

/** Updates a booking. */
export async function updateBooking(db: Db, bookingId: string, data: Prisma.BookingUncheckedUpdateInput): Promise<BookingRow> {
  return db.booking.update({ where: { id: bookingId }, data, select: BOOKING_SELECT });
}

/** Appends an audit entry. */
export async function insertBookingLog(
  db: Db,
  entry: { businessId: string; bookingId: string; actor: string; action: string; before: unknown; after: unknown },
): Promise<void> {
  await db.bookingLog.create({
    data: {
      businessId: entry.businessId,
      bookingId: entry.bookingId,
      actor: entry.actor,
      action: entry.action,
      before: entry.before === null ? Prisma.JsonNull : (entry.before as Prisma.InputJsonValue),
      after: entry.after === null ? Prisma.JsonNull : (entry.after as Prisma.InputJsonValue),
    },
  });
}

/** Upcoming active bookings of a customer, soonest first. */
export async function findUpcomingBookingsOfCustomer(db: Db, params: { businessId: string; customerId: string; now: Date; limit: number }) {
  return db.booking.findMany({
    where: {
      businessId: params.businessId,
      customerId: params.customerId,
      status: { in: ['pending', 'confirmed'] satisfies BookingLifecycleStatus[] },
      startsAt: { gt: params.now },
    },
    orderBy: { startsAt: 'asc' },
    take: params.limit,
    select: { ...BOOKING_SELECT, service: { select: { name: true } }, staff: { select: { name: true } } },
  });
}

/** Places or replaces this customer's single hold. */
export async function upsertHold(
  db: Db,
  hold: { businessId: string; customerId: string; staffId: string; serviceId: string; startsAt: Date; endsAt: Date; blockedFrom: Date; blockedUntil: Date; expiresAt: Date },
) {
  return db.slotHold.upsert({
    where: { businessId_customerId: { businessId: hold.businessId, customerId: hold.customerId } },
    create: hold,
    update: hold,
  });
}

/** Deletes this customer's hold, if any. */
export async function deleteHoldOfCustomer(db: Db, params: { businessId: string; customerId: string }): Promise<number> {
  const { count } = await db.slotHold.deleteMany({ where: { businessId: params.businessId, customerId: params.customerId } });
  return count;
}

/** This customer's live hold, if any. */
export async function findLiveHoldOfCustomer(db: Db, params: { businessId: string; customerId: string; now: Date }) {
  return db.slotHold.findFirst({ where: { businessId: params.businessId, customerId: params.customerId, expiresAt: { gt: params.now } } });
}

/** Whether the customer belongs to the business. */
export async function customerExists(db: Db, businessId: string, customerId: string): Promise<boolean> {
  return (await db.customer.count({ where: { id: customerId, businessId } })) > 0;
}

/** The first key of the two-key advisory locks that serialise writers of one staff member's time (its own lock space). */
export const STAFF_TIME_LOCK_NAMESPACE = 1952542803; // "tapS"

/** A staff member's time a write is about to occupy or free (buffers included). */
export interface StaffTime {
  staffId: string;
  from: Date;
  to: Date;
}

// One key per staff member and UTC hour the interval touches: two overlapping intervals of one
// staff member always share a key, while bookings at other hours do not queue behind each other.
// Keys in ascending order, so transactions locking overlapping sets cannot deadlock.
const STAFF_TIME_KEYS_SQL = `
  SELECT DISTINCT hashtext(t.staff_id || '@' || h::text) AS k
    FROM unnest($2::text[], $3::timestamptz[], $4::timestamptz[]) AS t(staff_id, from_at, to_at),
         generate_series(floor(extract(epoch FROM t.from_at) / 3600)::bigint, ceil(extract(epoch FROM t.to_at) / 3600)::bigint - 1) AS h
   ORDER BY k`;

const TRY_LOCK_STAFF_TIME_SQL: SqlStatement = {
  name: 'try_lock_staff_time',
  text: `SELECT coalesce(bool_and(pg_try_advisory_xact_lock($1::int, keys.k)), true) AS "locked" FROM (${STAFF_TIME_KEYS_SQL}) keys`,
};

const WAIT_FOR_STAFF_TIME_SQL: SqlStatement = {
  name: 'wait_for_staff_time',
  text: `SELECT count(pg_advisory_xact_lock($1::int, keys.k))::int AS "waited" FROM (${STAFF_TIME_KEYS_SQL}) keys`,
};

const staffTimeValues = (times: readonly StaffTime[]) => [STAFF_TIME_LOCK_NAMESPACE, times.map((t) => t.staffId), times.map((t) => t.from), times.map((t) => t.to)];

/**
 * Takes the transaction-scoped advisory locks of this staff time if all are free right now; false
 * when another transaction holds one. Every writer of a booking's time takes them right before its
 * write, so conflicting confirms of one staff member never wait on each other's rows inside the
 * exclusion constraint (where they deadlocked): the one that finds them taken goes back and waits
 * outside its transaction (waitForStaffTime), since a SERIALIZABLE snapshot is fixed by the first
 * statement and a wait inside would end with a stale view of the holder's commit.
 */
export async function tryLockStaffTime(db: Db, times: readonly StaffTime[]): Promise<boolean> {
  if (times.length === 0) return true;
  const [row] = await querySql<{ locked: boolean }>(db, TRY_LOCK_STAFF_TIME_SQL, staffTimeValues(times));
  return row?.locked ?? true;
}

/** Waits, outside any transaction, until nobody holds these locks (each is taken and let go at once). */
export async function waitForStaffTime(db: SqlTarget, times: readonly StaffTime[]): Promise<void> {
  if (times.length === 0) return;
  await querySql(db, WAIT_FOR_STAFF_TIME_SQL, staffTimeValues(times));
}

