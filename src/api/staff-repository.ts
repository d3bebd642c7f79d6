/** Database access of /v1/staff and its services, working hours and date overrides. */
import { Prisma, type Db } from '../platform/database';

/** A staff row with the services they perform. */
export const STAFF_INCLUDE = { services: { select: { serviceId: true } } } satisfies Prisma.StaffInclude;

/** The row behind a staff member's JSON. */
export type StaffView = Prisma.StaffGetPayload<{ include: typeof STAFF_INCLUDE }>;

/** Lists the business's staff by name. */
export async function listStaff(db: Db, params: { businessId: string; isActive?: boolean }): Promise<StaffView[]> {
  return db.staff.findMany({
    where: { businessId: params.businessId, ...(params.isActive === undefined ? {} : { isActive: params.isActive }) },
    include: STAFF_INCLUDE,
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  });
}

/** Finds a staff member of the business. */
export async function findStaff(db: Db, businessId: string, staffId: string): Promise<StaffView | null> {
  return db.staff.findFirst({ where: { id: staffId, businessId }, include: STAFF_INCLUDE });
}

/** Inserts a staff member. */
export async function insertStaff(db: Db, data: Prisma.StaffUncheckedCreateInput): Promise<{ id: string }> {
  return db.staff.create({ data, select: { id: true } });
}

/** Updates a staff member. */
export async function updateStaff(db: Db, staffId: string, data: Prisma.StaffUncheckedUpdateInput): Promise<void> {
  await db.staff.update({ where: { id: staffId }, data });
}

/** Whether any booking refers to the staff member. */
export async function hasBookingsOfStaff(db: Db, staffId: string): Promise<boolean> {
  return (await db.booking.count({ where: { staffId } })) > 0;
}

/** Deletes a staff member (their hours, overrides and service links go with them). */
export async function deleteStaff(db: Db, staffId: string): Promise<void> {
  await db.staff.delete({ where: { id: staffId } });
}

/** How many of the ids are services of the business. */
export async function countServicesOfBusiness(db: Db, businessId: string, serviceIds: string[]): Promise<number> {
  return db.service.count({ where: { businessId, id: { in: serviceIds } } });
}

/** Replaces the services a staff member performs. */
export async function replaceStaffServices(db: Db, params: { businessId: string; staffId: string; serviceIds: string[] }): Promise<void> {
  await db.staffService.deleteMany({ where: { businessId: params.businessId, staffId: params.staffId } });
  if (params.serviceIds.length > 0) {
    await db.staffService.createMany({ data: params.serviceIds.map((serviceId) => ({ businessId: params.businessId, staffId: params.staffId, serviceId })) });
  }
}

/** The weekly ranges of a staff member. */
export async function listWorkingHours(db: Db, params: { businessId: string; staffId: string }) {
  return db.workingHours.findMany({
    where: { businessId: params.businessId, staffId: params.staffId },
    select: { weekday: true, startMinute: true, endMinute: true },
    orderBy: [{ weekday: 'asc' }, { startMinute: 'asc' }],
  });
}

/** Replaces the weekly ranges of a staff member. */
export async function replaceWorkingHours(
  db: Db,
  params: { businessId: string; staffId: string; ranges: Array<{ weekday: number; startMinute: number; endMinute: number }> },
): Promise<void> {
  await db.workingHours.deleteMany({ where: { businessId: params.businessId, staffId: params.staffId } });
  if (params.ranges.length > 0) {
    await db.workingHours.createMany({ data: params.ranges.map((range) => ({ ...range, businessId: params.businessId, staffId: params.staffId })) });
  }
}

/** Date overrides in [from, to] (calendar dates) of a staff member, or business-wide ones (staffId null). */
export async function listDateOverrides(db: Db, params: { businessId: string; staffId: string | null; from?: Date; to?: Date }) {
  return db.dateOverride.findMany({
    where: {
      businessId: params.businessId,
      staffId: params.staffId,
      ...(params.from || params.to ? { date: { ...(params.from ? { gte: params.from } : {}), ...(params.to ? { lte: params.to } : {}) } } : {}),
    },
    orderBy: [{ date: 'asc' }, { startMinute: 'asc' }],
  });
}

/** Inserts a date override. */
export async function insertDateOverride(db: Db, data: Prisma.DateOverrideUncheckedCreateInput) {
  return db.dateOverride.create({ data });
}

/** Deletes one override of a staff member (or a business-wide one, staffId null); false when absent. */
export async function deleteDateOverride(db: Db, params: { businessId: string; staffId: string | null; overrideId: string }): Promise<boolean> {
  const { count } = await db.dateOverride.deleteMany({ where: { id: params.overrideId, businessId: params.businessId, staffId: params.staffId } });
  return count > 0;
}
