/**
 * Database reads of the Flows endpoint besides availability (flow-availability.ts): the booking
 * being moved and the customer's hold. Every query is scoped to the token's business.
 */
import type { Db } from '../platform/database';

/** A service as the Flow offers it, with the active staff who perform it. */
export interface FlowService {
  id: string;
  name: string;
  /** The name in other languages (the `names` column). */
  names?: Partial<Record<string, string>>;
  durationMinutes: number;
  price: string;
  currency: string;
  staff: Array<{ id: string; name: string; names?: Partial<Record<string, string>> }>;
}

/**
 * A service or staff name in the form's language: its translation when it has one.
 * @example toLocalName({ name: 'Consultation', names: { es: 'Consulta' } }, 'es') // 'Consulta'
 */
export function toLocalName(item: { name: string; names?: Partial<Record<string, string>> }, locale: string): string {
  return item.names?.[locale]?.trim() || item.name;
}

/** A `names` JSON column as a plain map of non-empty texts. */
export function toNames(raw: unknown): Partial<Record<string, string>> {
  if (!raw || typeof raw !== 'object') return {};
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== ''));
}

/** The booking a reschedule token moves. */
export interface FlowBooking {
  id: string;
  uid: string;
  serviceId: string;
  staffId: string;
  startsAt: Date;
  status: string;
  /** Its add-ons (they stay with it when it moves): the length they add and their buffers. */
  addOns: Array<{ durationMinutes: number; bufferBeforeMinutes: number; bufferAfterMinutes: number }>;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID; anything else must never reach a uuid column (PostgreSQL would reject the query). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/** The customer's own booking (a reschedule token never reaches anyone else's). */
export async function findFlowBooking(db: Db, params: { businessId: string; customerId: string; bookingId: string }): Promise<FlowBooking | null> {
  const booking = await db.booking.findFirst({
    where: { id: params.bookingId, businessId: params.businessId, customerId: params.customerId },
    select: {
      id: true,
      uid: true,
      serviceId: true,
      staffId: true,
      startsAt: true,
      status: true,
      addOns: { select: { durationMinutes: true, service: { select: { bufferBeforeMinutes: true, bufferAfterMinutes: true } } } },
    },
  });
  if (!booking) return null;
  return { ...booking, addOns: booking.addOns.map((addOn) => ({ durationMinutes: addOn.durationMinutes, ...addOn.service })) };
}

/** The id of the customer's current hold, if any. */
export async function findHoldId(db: Db, params: { businessId: string; customerId: string }): Promise<string | null> {
  const hold = await db.slotHold.findUnique({ where: { businessId_customerId: params }, select: { id: true } });
  return hold?.id ?? null;
}
