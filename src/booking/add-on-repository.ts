/** Database access of add-on services: which add-ons a service offers, and those a booking carries. */
import { Prisma, type Db } from '../platform/database';

/** An add-on service as a booking uses it. */
export interface AddOnRow {
  serviceId: string;
  uid: string;
  name: string;
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  /** Decimal as text, e.g. "15.00". */
  price: string;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ADD_ON_SELECT = { id: true, uid: true, name: true, durationMinutes: true, bufferBeforeMinutes: true, bufferAfterMinutes: true, price: true } as const;

type AddOnServiceFields = Prisma.ServiceGetPayload<{ select: typeof ADD_ON_SELECT }>;

function toAddOnRow(service: AddOnServiceFields, overrides: { durationMinutes?: number; price?: Prisma.Decimal } = {}): AddOnRow {
  return {
    serviceId: service.id,
    uid: service.uid,
    name: service.name,
    durationMinutes: overrides.durationMinutes ?? service.durationMinutes,
    bufferBeforeMinutes: service.bufferBeforeMinutes,
    bufferAfterMinutes: service.bufferAfterMinutes,
    price: (overrides.price ?? service.price).toFixed(2),
  };
}

/** The active add-ons a service (by id or uid) offers, matched by add-on id or uid, in the business. */
export async function findOfferedAddOns(db: Db, params: { businessId: string; serviceIdOrUid: string; addOnIdsOrUids: string[] }): Promise<AddOnRow[]> {
  if (params.addOnIdsOrUids.length === 0) return [];
  const ids = params.addOnIdsOrUids.filter((value) => UUID_PATTERN.test(value));
  const links = await db.serviceAddOn.findMany({
    where: {
      service: { businessId: params.businessId, ...(UUID_PATTERN.test(params.serviceIdOrUid) ? { id: params.serviceIdOrUid } : { uid: params.serviceIdOrUid }) },
      addOn: { businessId: params.businessId, isActive: true, OR: [{ id: { in: ids } }, { uid: { in: params.addOnIdsOrUids } }] },
    },
    select: { addOn: { select: ADD_ON_SELECT } },
  });
  return links.map((link) => toAddOnRow(link.addOn));
}

/** Every active add-on of each of the services, for showing them as choices. */
export async function findAddOnsOfServices(db: Db, params: { businessId: string; serviceIds: string[] }): Promise<Map<string, AddOnRow[]>> {
  const links = await db.serviceAddOn.findMany({
    where: { serviceId: { in: params.serviceIds }, service: { businessId: params.businessId }, addOn: { businessId: params.businessId, isActive: true } },
    select: { serviceId: true, addOn: { select: ADD_ON_SELECT } },
    orderBy: [{ addOn: { sortOrder: 'asc' } }, { addOn: { name: 'asc' } }],
  });
  const byService = new Map<string, AddOnRow[]>();
  for (const link of links) byService.set(link.serviceId, [...(byService.get(link.serviceId) ?? []), toAddOnRow(link.addOn)]);
  return byService;
}

/** The add-ons a booking carries, with the duration and price they were booked at, in booked order. */
export async function findBookingAddOns(db: Db, params: { businessId: string; bookingId: string }): Promise<AddOnRow[]> {
  const rows = await db.bookingAddOn.findMany({
    where: { bookingId: params.bookingId, booking: { businessId: params.businessId } },
    select: { durationMinutes: true, price: true, service: { select: ADD_ON_SELECT } },
    orderBy: { position: 'asc' },
  });
  return rows.map((row) => toAddOnRow(row.service, { durationMinutes: row.durationMinutes, price: row.price }));
}

/** Stores the add-ons of a new booking. */
export async function insertBookingAddOns(db: Db, params: { bookingId: string; addOns: AddOnRow[] }): Promise<void> {
  if (params.addOns.length === 0) return;
  await db.bookingAddOn.createMany({
    data: params.addOns.map((addOn, position) => ({ bookingId: params.bookingId, serviceId: addOn.serviceId, durationMinutes: addOn.durationMinutes, price: addOn.price, position })),
  });
}
