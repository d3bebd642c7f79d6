/** Database access of staff members' external calendars and the busy blocks imported from them. */
import type { Db, Prisma } from '../platform/database';
import type { BusyInterval } from './busy-times';

const CALENDAR_SELECT = {
  id: true,
  businessId: true,
  staffId: true,
  name: true,
  urlHost: true,
  lastFetchedAt: true,
  lastEventCount: true,
  lastError: true,
  createdAt: true,
} satisfies Prisma.ExternalCalendarSelect;

/** An external calendar without its (encrypted) URL. */
export type ExternalCalendarView = Prisma.ExternalCalendarGetPayload<{ select: typeof CALENDAR_SELECT }>;

/** The most feeds one staff member may have. */
export const MAX_EXTERNAL_CALENDARS_PER_STAFF = 10;

/** The staff member's external calendars, oldest first. */
export async function listExternalCalendars(db: Db, params: { businessId: string; staffId: string }): Promise<ExternalCalendarView[]> {
  return db.externalCalendar.findMany({ where: { businessId: params.businessId, staffId: params.staffId }, select: CALENDAR_SELECT, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

/** How many external calendars the staff member has. */
export async function countExternalCalendars(db: Db, params: { businessId: string; staffId: string }): Promise<number> {
  return db.externalCalendar.count({ where: { businessId: params.businessId, staffId: params.staffId } });
}

/** Inserts an external calendar (the URL already sealed). */
export async function insertExternalCalendar(
  db: Db,
  data: { businessId: string; staffId: string; name: string; urlEncrypted: string; urlHost: string },
): Promise<ExternalCalendarView> {
  return db.externalCalendar.create({ data, select: CALENDAR_SELECT });
}

/** Deletes one external calendar of a staff member with its busy blocks; false when absent. */
export async function deleteExternalCalendar(db: Db, params: { businessId: string; staffId: string; calendarId: string }): Promise<boolean> {
  const { count } = await db.externalCalendar.deleteMany({ where: { id: params.calendarId, businessId: params.businessId, staffId: params.staffId } });
  return count > 0;
}

/** What the import needs of one calendar: its sealed URL and the business's zone (for floating times). */
export async function findCalendarForImport(db: Db, calendarId: string) {
  return db.externalCalendar.findUnique({
    where: { id: calendarId },
    select: { id: true, businessId: true, staffId: true, urlEncrypted: true, business: { select: { timeZone: true } } },
  });
}

/** Ids of every external calendar (all businesses), for the periodic import. */
export async function listAllCalendarIds(db: Db): Promise<string[]> {
  return (await db.externalCalendar.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((row) => row.id);
}

/** Replaces a calendar's busy blocks and records the successful fetch (call inside one transaction). */
export async function replaceBusyBlocks(
  tx: Prisma.TransactionClient,
  params: { calendar: { id: string; businessId: string; staffId: string }; intervals: BusyInterval[]; eventCount: number; now: Date },
): Promise<void> {
  const { calendar } = params;
  await tx.externalBusyBlock.deleteMany({ where: { calendarId: calendar.id } });
  if (params.intervals.length > 0) {
    await tx.externalBusyBlock.createMany({
      data: params.intervals.map((interval) => ({ businessId: calendar.businessId, staffId: calendar.staffId, calendarId: calendar.id, startsAt: interval.start, endsAt: interval.end })),
    });
  }
  await tx.externalCalendar.update({ where: { id: calendar.id }, data: { lastFetchedAt: params.now, lastEventCount: params.eventCount, lastError: null } });
}

/** Records a failed fetch; the previous blocks stay (a feed that is briefly down should not free the staff member's time). */
export async function recordImportFailure(db: Db, params: { calendarId: string; error: string; now: Date }): Promise<void> {
  await db.externalCalendar.updateMany({ where: { id: params.calendarId }, data: { lastFetchedAt: params.now, lastError: params.error.slice(0, 500) } });
}

/** Busy blocks of staff members in [from, to) (for availability). */
export async function findExternalBusyBlocks(db: Db, params: { businessId: string; staffIds: string[]; from: Date; to: Date }) {
  return db.externalBusyBlock.findMany({
    where: { businessId: params.businessId, staffId: { in: params.staffIds }, startsAt: { lt: params.to }, endsAt: { gt: params.from } },
    select: { staffId: true, startsAt: true, endsAt: true },
  });
}
