/** Database reads of the calendar: staff, their hours and overrides, and the bookings of a date range. Scoped by business. */
import type { BookingStatus } from '../../generated/prisma/client';
import type { Db } from '../../platform/database';

/** One booking block of the calendar. */
export interface CalendarBooking {
  uid: string;
  status: BookingStatus;
  staffId: string;
  startsAt: Date;
  endsAt: Date;
  customerName: string;
  serviceName: string;
}

/** Everything one calendar view needs. */
export interface CalendarRows {
  staff: Array<{ id: string; name: string }>;
  weeklyHours: Array<{ staffId: string; weekday: number; startMinute: number; endMinute: number }>;
  overrides: Array<{ staffId: string | null; date: string; isClosed: boolean; startMinute: number | null; endMinute: number | null }>;
  bookings: CalendarBooking[];
  /** Busy time imported from staff members' external calendars. */
  busy: Array<{ staffId: string; startsAt: Date; endsAt: Date }>;
}

/** Loads the calendar rows of [from, to) (UTC instants of the first and after the last local day). */
export async function findCalendarRows(db: Db, params: { businessId: string; from: Date; to: Date; fromDate: string; toDate: string }): Promise<CalendarRows> {
  const [staff, weeklyHours, overrides, bookings, busy] = await Promise.all([
    db.staff.findMany({ where: { businessId: params.businessId, isActive: true }, select: { id: true, name: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    db.workingHours.findMany({ where: { businessId: params.businessId }, select: { staffId: true, weekday: true, startMinute: true, endMinute: true } }),
    db.dateOverride.findMany({
      where: { businessId: params.businessId, date: { gte: new Date(`${params.fromDate}T00:00:00Z`), lte: new Date(`${params.toDate}T00:00:00Z`) } },
      select: { staffId: true, date: true, isClosed: true, startMinute: true, endMinute: true },
    }),
    db.booking.findMany({
      where: { businessId: params.businessId, startsAt: { lt: params.to }, endsAt: { gt: params.from }, status: { not: 'cancelled' } },
      select: { uid: true, status: true, staffId: true, startsAt: true, endsAt: true, customer: { select: { name: true, phoneE164: true, username: true } }, service: { select: { name: true } } },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    }),
    db.externalBusyBlock.findMany({
      where: { businessId: params.businessId, startsAt: { lt: params.to }, endsAt: { gt: params.from } },
      select: { staffId: true, startsAt: true, endsAt: true },
      orderBy: { startsAt: 'asc' },
    }),
  ]);
  return {
    staff,
    weeklyHours,
    overrides: overrides.map((row) => ({ ...row, date: row.date.toISOString().slice(0, 10) })),
    bookings: bookings.map((row) => ({
      uid: row.uid,
      status: row.status,
      staffId: row.staffId,
      startsAt: row.startsAt,
      endsAt: row.endsAt,
      customerName: row.customer.name ?? row.customer.phoneE164 ?? (row.customer.username ? `@${row.customer.username}` : '—'),
      serviceName: row.service.name,
    })),
    busy,
  };
}
