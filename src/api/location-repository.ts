/** Database access of /v1/locations. */
import type { Db, Prisma } from '../platform/database';

const LOCATION_SELECT = { id: true, name: true, names: true, address: true, isActive: true, createdAt: true } satisfies Prisma.LocationSelect;

/** A location row. */
export type LocationRow = Prisma.LocationGetPayload<{ select: typeof LOCATION_SELECT }>;

/** Lists the business's locations. */
export async function listLocations(db: Db, businessId: string): Promise<LocationRow[]> {
  return db.location.findMany({ where: { businessId }, select: LOCATION_SELECT, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
}

/** Finds a location of the business. */
export async function findLocation(db: Db, businessId: string, locationId: string): Promise<LocationRow | null> {
  return db.location.findFirst({ where: { id: locationId, businessId }, select: LOCATION_SELECT });
}

/** Inserts a location. */
export async function insertLocation(db: Db, data: Prisma.LocationUncheckedCreateInput): Promise<LocationRow> {
  return db.location.create({ data, select: LOCATION_SELECT });
}

/** Updates a location. */
export async function updateLocation(db: Db, locationId: string, data: Prisma.LocationUncheckedUpdateInput): Promise<LocationRow> {
  return db.location.update({ where: { id: locationId }, data, select: LOCATION_SELECT });
}

/** Deletes a location (bookings keep their time, their location becomes empty). */
export async function deleteLocation(db: Db, locationId: string): Promise<void> {
  await db.location.delete({ where: { id: locationId } });
}
