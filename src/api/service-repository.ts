/** Database access of /v1/services. Every query is scoped to the caller's business. */
import { Prisma, type Db } from '../platform/database';

/** A service row with the staff who perform it. */
export const SERVICE_INCLUDE = {
  staff: { select: { staffId: true } },
  addOns: { select: { addOnId: true } },
  addOnOf: { select: { serviceId: true } },
} satisfies Prisma.ServiceInclude;

/** The row behind a service's JSON. */
export type ServiceView = Prisma.ServiceGetPayload<{ include: typeof SERVICE_INCLUDE }>;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Lists the business's services in display order. */
export async function listServices(db: Db, params: { businessId: string; isActive?: boolean }): Promise<ServiceView[]> {
  return db.service.findMany({
    where: { businessId: params.businessId, ...(params.isActive === undefined ? {} : { isActive: params.isActive }) },
    include: SERVICE_INCLUDE,
    orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }],
  });
}

/** Finds a service by id or uid. */
export async function findService(db: Db, businessId: string, idOrUid: string): Promise<ServiceView | null> {
  return db.service.findFirst({ where: { businessId, ...(UUID_PATTERN.test(idOrUid) ? { id: idOrUid } : { uid: idOrUid }) }, include: SERVICE_INCLUDE });
}

/** Takes the per-business lock that serialises changes to the set of active services. */
export async function lockServicesOfBusiness(tx: Prisma.TransactionClient, businessId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`tapbook:services:${businessId}`}))`;
}

/** Counts active services offered on their own, i.e. not add-ons (optionally without one). */
export async function countActiveServices(db: Db, businessId: string, exceptId?: string): Promise<number> {
  return db.service.count({ where: { businessId, isActive: true, addOnOf: { none: {} }, ...(exceptId ? { id: { not: exceptId } } : {}) } });
}

/** How many of the ids are staff of the business. */
export async function countStaffOfBusiness(db: Db, businessId: string, staffIds: string[]): Promise<number> {
  return db.staff.count({ where: { businessId, id: { in: staffIds } } });
}

/** Inserts a service. */
export async function insertService(db: Db, data: Prisma.ServiceUncheckedCreateInput): Promise<{ id: string }> {
  return db.service.create({ data, select: { id: true } });
}

/** Updates a service. */
export async function updateService(db: Db, serviceId: string, data: Prisma.ServiceUncheckedUpdateInput): Promise<void> {
  await db.service.update({ where: { id: serviceId }, data });
}

/** Replaces who performs a service. */
export async function replaceServiceStaff(db: Db, params: { businessId: string; serviceId: string; staffIds: string[] }): Promise<void> {
  await db.staffService.deleteMany({ where: { businessId: params.businessId, serviceId: params.serviceId } });
  if (params.staffIds.length > 0) {
    await db.staffService.createMany({ data: params.staffIds.map((staffId) => ({ businessId: params.businessId, serviceId: params.serviceId, staffId })) });
  }
}

/** Whether any booking (of any status) refers to the service, as its service or as an add-on. */
export async function hasBookingsOfService(db: Db, serviceId: string): Promise<boolean> {
  return (await db.booking.count({ where: { serviceId } })) > 0 || (await db.bookingAddOn.count({ where: { serviceId } })) > 0;
}

/** The ids of the business's services among ids or uids (unknown ones are left out). */
export async function findServiceIds(db: Db, businessId: string, idsOrUids: string[]): Promise<Array<{ id: string; uid: string }>> {
  const ids = idsOrUids.filter((value) => UUID_PATTERN.test(value));
  return db.service.findMany({ where: { businessId, OR: [{ id: { in: ids } }, { uid: { in: idsOrUids } }] }, select: { id: true, uid: true } });
}

/** Whether the service offers add-ons of its own. */
export async function offersAddOns(db: Db, serviceId: string): Promise<boolean> {
  return (await db.serviceAddOn.count({ where: { serviceId } })) > 0;
}

/** Whether any of the services is an add-on of another. */
export async function isAnyAnAddOn(db: Db, serviceIds: string[]): Promise<boolean> {
  return (await db.serviceAddOn.count({ where: { addOnId: { in: serviceIds } } })) > 0;
}

/** Replaces the services an add-on belongs to. */
export async function replaceAddOnOf(db: Db, params: { addOnId: string; serviceIds: string[] }): Promise<void> {
  await db.serviceAddOn.deleteMany({ where: { addOnId: params.addOnId } });
  if (params.serviceIds.length > 0) await db.serviceAddOn.createMany({ data: params.serviceIds.map((serviceId) => ({ serviceId, addOnId: params.addOnId })) });
}

/** Deletes a service. */
export async function deleteService(db: Db, serviceId: string): Promise<void> {
  await db.service.delete({ where: { id: serviceId } });
}

/** The business's currency. */
export async function findBusinessCurrency(db: Db, businessId: string): Promise<string> {
  const business = await db.business.findUniqueOrThrow({ where: { id: businessId }, select: { currency: true } });
  return business.currency;
}

/** The next display position (after every existing service). */
export async function findNextSortOrder(db: Db, businessId: string): Promise<number> {
  const { _max } = await db.service.aggregate({ where: { businessId }, _max: { sortOrder: true } });
  return (_max.sortOrder ?? -1) + 1;
}
