/** Database reads and writes of the appointments routes that the booking core does not own. */
import { removeJobInTransaction } from '../jobs';
import { Prisma, type Db } from '../platform/database';
import { meetingEndJobKey, meetingStartJobKey, reminderJobKey } from '../reminders';

/** A booking with what its API view shows. */
export const APPOINTMENT_VIEW_INCLUDE = {
  customer: { select: { id: true, name: true, phoneE164: true } },
  staff: { select: { id: true, name: true } },
  service: { select: { id: true, uid: true, name: true, durationMinutes: true } },
  location: { select: { id: true, name: true } },
  addOns: { select: { durationMinutes: true, price: true, service: { select: { id: true, uid: true, name: true } } }, orderBy: { position: 'asc' } },
} satisfies Prisma.BookingInclude;

/** The row behind an appointment's JSON. */
export type AppointmentView = Prisma.BookingGetPayload<{ include: typeof APPOINTMENT_VIEW_INCLUDE }>;

/** Filters of the appointment list. */
export interface AppointmentFilter {
  businessId: string;
  staffId?: string;
  customerId?: string;
  locationId?: string;
  status?: Prisma.BookingWhereInput['status'];
  startsFrom?: Date;
  startsBefore?: Date;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds an appointment of the business by public uid (or internal id). */
export async function findAppointmentView(db: Db, businessId: string, idOrUid: string): Promise<AppointmentView | null> {
  const where = UUID_PATTERN.test(idOrUid) ? { id: idOrUid } : { uid: idOrUid };
  return db.booking.findFirst({ where: { businessId, ...where }, include: APPOINTMENT_VIEW_INCLUDE });
}

function toWhere(filter: AppointmentFilter): Prisma.BookingWhereInput {
  return {
    businessId: filter.businessId,
    ...(filter.staffId ? { staffId: filter.staffId } : {}),
    ...(filter.customerId ? { customerId: filter.customerId } : {}),
    ...(filter.locationId ? { locationId: filter.locationId } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.startsFrom || filter.startsBefore
      ? { startsAt: { ...(filter.startsFrom ? { gte: filter.startsFrom } : {}), ...(filter.startsBefore ? { lt: filter.startsBefore } : {}) } }
      : {}),
  };
}

/** One page of appointments, soonest first, with the total count. */
export async function listAppointmentViews(db: Db, filter: AppointmentFilter, page: { skip: number; take: number }) {
  const where = toWhere(filter);
  const [rows, total] = await Promise.all([
    db.booking.findMany({ where, include: APPOINTMENT_VIEW_INCLUDE, orderBy: [{ startsAt: 'asc' }, { id: 'asc' }], skip: page.skip, take: page.take }),
    db.booking.count({ where }),
  ]);
  return { rows, total };
}

/**
 * Deletes an appointment with its audit trail, reminders and follow-ups, and removes their pending
 * jobs and the meeting start/end jobs (outbox rows stay: they record what was sent). Returns false when absent.
 */
export async function deleteAppointment(db: Prisma.TransactionClient, params: { businessId: string; bookingId: string }): Promise<boolean> {
  const reminders = await db.reminder.findMany({ where: { businessId: params.businessId, bookingId: params.bookingId }, select: { id: true } });
  for (const reminder of reminders) await removeJobInTransaction(db, reminderJobKey(reminder.id));
  await removeJobInTransaction(db, meetingStartJobKey(params.bookingId));
  await removeJobInTransaction(db, meetingEndJobKey(params.bookingId));
  await db.reminder.deleteMany({ where: { businessId: params.businessId, bookingId: params.bookingId } });
  await db.bookingLog.deleteMany({ where: { businessId: params.businessId, bookingId: params.bookingId } });
  const { count } = await db.booking.deleteMany({ where: { businessId: params.businessId, id: params.bookingId } });
  return count > 0;
}

/** Finds the business's customer with this WhatsApp id, or creates one. */
export async function findOrCreateCustomerByPhone(
  db: Db,
  params: { businessId: string; waId: string; phoneE164: string; name: string },
): Promise<{ id: string }> {
  const customer = await db.customer.upsert({
    where: { businessId_waId: { businessId: params.businessId, waId: params.waId } },
    create: { businessId: params.businessId, waId: params.waId, phoneE164: params.phoneE164, name: params.name },
    update: {},
    select: { id: true, name: true, phoneE164: true },
  });
  // Fill what WhatsApp did not tell us, never overwrite what the customer or staff set.
  if (!customer.name || !customer.phoneE164) {
    await db.customer.update({ where: { id: customer.id }, data: { name: customer.name ?? params.name, phoneE164: customer.phoneE164 ?? params.phoneE164 } });
  }
  return { id: customer.id };
}

/** Whether the location belongs to the business. */
export async function locationExists(db: Db, businessId: string, locationId: string): Promise<boolean> {
  return (await db.location.count({ where: { id: locationId, businessId } })) > 0;
}

/** Whether the staff member belongs to the business. */
export async function staffExists(db: Db, businessId: string, staffId: string): Promise<boolean> {
  return (await db.staff.count({ where: { id: staffId, businessId } })) > 0;
}
