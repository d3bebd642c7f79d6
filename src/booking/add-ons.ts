/**
 * Add-on services: extras booked with a main service (a fluoride varnish after a cleaning). They
 * lengthen the appointment and add to its price; availability is checked for the whole length.
 */
import type { Db } from '../platform/database';
import { toDomainError } from '../platform/errors';
import { findOfferedAddOns, type AddOnRow } from './add-on-repository';

/** The length of an appointment as the engine checks it. */
export interface ServiceSpan {
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
}

// The engine reads busy times a day beyond the checked range (availability-loader's margin).
const MAX_TOTAL_MINUTES = 24 * 60;

/**
 * The span of a service with its add-ons: durations add up; each buffer is the largest of the
 * service's and the add-ons' (one clean-up after the whole visit, not one per extra).
 */
export function extendSpan(service: ServiceSpan, addOns: readonly Pick<AddOnRow, 'durationMinutes' | 'bufferBeforeMinutes' | 'bufferAfterMinutes'>[]): ServiceSpan {
  const span = {
    durationMinutes: addOns.reduce((total, addOn) => total + addOn.durationMinutes, service.durationMinutes),
    bufferBeforeMinutes: Math.max(service.bufferBeforeMinutes, ...addOns.map((addOn) => addOn.bufferBeforeMinutes)),
    bufferAfterMinutes: Math.max(service.bufferAfterMinutes, ...addOns.map((addOn) => addOn.bufferAfterMinutes)),
  };
  if (span.durationMinutes > MAX_TOTAL_MINUTES) {
    throw toDomainError('add_on_not_available', `With these add-ons the appointment would last ${span.durationMinutes} minutes; at most ${MAX_TOTAL_MINUTES} fit in one booking.`);
  }
  return span;
}

/** The price of a service with its add-ons, as a decimal string ("75.00"). */
export function addUpPrice(servicePrice: string, addOns: readonly Pick<AddOnRow, 'price'>[]): string {
  const cents = addOns.reduce((total, addOn) => total + Math.round(Number(addOn.price) * 100), Math.round(Number(servicePrice) * 100));
  return (cents / 100).toFixed(2);
}

/** Resolves requested add-on ids or uids of a service; refuses any the service does not offer. */
export async function resolveAddOns(db: Db, params: { businessId: string; serviceIdOrUid: string; addOnIdsOrUids: readonly string[] }): Promise<AddOnRow[]> {
  const requested = [...new Set(params.addOnIdsOrUids)];
  if (requested.length === 0) return [];
  const offered = await findOfferedAddOns(db, { businessId: params.businessId, serviceIdOrUid: params.serviceIdOrUid, addOnIdsOrUids: requested });
  const unknown = requested.filter((ref) => !offered.some((addOn) => addOn.serviceId === ref || addOn.uid === ref));
  if (unknown.length > 0) {
    throw toDomainError(
      'add_on_not_available',
      `"${unknown.join('", "')}" ${unknown.length === 1 ? 'is not an add-on' : 'are not add-ons'} of service "${params.serviceIdOrUid}" (or inactive). List services to see each one's addOnServiceIds.`,
      { addOnServices: unknown },
    );
  }
  // In the order asked for: it is the order the customer and the summary see.
  const inOrder = requested.map((ref) => offered.find((addOn) => addOn.serviceId === ref || addOn.uid === ref)!);
  return [...new Map(inOrder.map((addOn) => [addOn.serviceId, addOn])).values()];
}
