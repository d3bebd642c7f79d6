/**
 * The reads and writes the conversation's effects need that no other component offers: the
 * catalog lists, names for a booking summary, the customer's own bookings and settings.
 */
import type { BookingRow } from '../booking';
import type { Prisma } from '../platform/database';

type Tx = Prisma.TransactionClient;

/** The business's bookable services with a working staff member, first ten in menu order. Add-ons are booked with their service, never alone. */
export function findBookableServices(tx: Tx, businessId: string) {
  return tx.service.findMany({
    where: { businessId, isActive: true, staff: { some: { staff: { isActive: true } } }, addOnOf: { none: {} } },
    orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }],
    take: 10,
  });
}

/** The active staff members who perform a service (at most nine, one list section). */
export function findStaffForService(tx: Tx, businessId: string, serviceId: string) {
  return tx.staff.findMany({ where: { businessId, isActive: true, services: { some: { serviceId } } }, orderBy: { name: 'asc' }, take: 9 });
}

/** Names of the given staff members. */
export function findStaffNames(tx: Tx, businessId: string, ids: string[]) {
  return tx.staff.findMany({ where: { businessId, id: { in: ids } }, select: { id: true, name: true, names: true } });
}

/** The working hours of the business's active staff (opening hours are their union). */
export function findWorkingHourRanges(tx: Tx, businessId: string) {
  return tx.workingHours.findMany({ where: { businessId, staff: { isActive: true } }, select: { weekday: true, startMinute: true, endMinute: true } });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One of the customer's own bookings by public uid or id: a stale or forged button id must not reach anyone else's. */
export async function findOwnedBooking(tx: Tx, params: { businessId: string; customerId: string; bookingId: string }): Promise<BookingRow | null> {
  const { businessId, customerId, bookingId } = params;
  const row = await tx.booking.findFirst({ where: { businessId, customerId, OR: [{ uid: bookingId }, ...(UUID.test(bookingId) ? [{ id: bookingId }] : [])] } });
  return row as BookingRow | null;
}

/** A service of the business, or null. */
export function findService(tx: Tx, businessId: string, serviceId: string) {
  return tx.service.findFirst({ where: { id: serviceId, businessId } });
}

/** Service and staff names of a booking, for its summary. Sequential: a transaction's one connection runs one query at a time. */
export async function findSummaryNames(tx: Tx, booking: { serviceId: string; staffId: string }) {
  const service = await tx.service.findUnique({ where: { id: booking.serviceId }, select: { name: true, names: true } });
  const staff = await tx.staff.findUnique({ where: { id: booking.staffId }, select: { name: true, names: true } });
  return { service, staff };
}

/** Records the customer's opt-out (or opt-in again). */
export async function setCustomerOptOut(tx: Tx, params: { customerId: string; isOptedOut: boolean; at: Date }): Promise<void> {
  await tx.customer.update({ where: { id: params.customerId }, data: { isOptedOut: params.isOptedOut, optedOutAt: params.isOptedOut ? params.at : null } });
}

/** Records the customer's language. */
export async function setCustomerLocale(tx: Tx, params: { customerId: string; locale: string }): Promise<void> {
  await tx.customer.update({ where: { id: params.customerId }, data: { locale: params.locale } });
}
