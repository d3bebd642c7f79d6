/**
 * The free slots nearest to a time that can no longer be booked (taken, too soon, gone by):
 * what the customer is offered instead, whether they book through the lists or the Flow.
 */
import { isDomainError } from '../platform/errors';
import type { Slot } from '../scheduling';
import type { BookingService } from './booking-service';

const ALTERNATIVES = 5;
const DAY_MS = 86_400_000;

/**
 * The free slots nearest to `around` (same service, and staff when given), soonest first; [] when
 * the service or staff member is gone.
 * @example const alternatives = await findNearestSlots(bookings, { businessId, customerId, serviceId, around: start, now })
 */
export async function findNearestSlots(
  bookings: Pick<BookingService, 'findSlots'>,
  params: { businessId: string; customerId: string; serviceId: string; staffId?: string; around: Date; now: Date; exceptBookingId?: string },
): Promise<Slot[]> {
  const from = new Date(Math.max(params.now.getTime(), params.around.getTime() - 3 * DAY_MS));
  const to = new Date(Math.max(from.getTime(), params.around.getTime()) + 7 * DAY_MS);
  try {
    const { slots } = await bookings.findSlots({
      businessId: params.businessId,
      serviceId: params.serviceId,
      ...(params.staffId ? { staffId: params.staffId } : {}),
      from,
      to,
      exceptCustomerId: params.customerId,
      ...(params.exceptBookingId ? { exceptBookingId: params.exceptBookingId } : {}),
    });
    const target = params.around.getTime();
    return slots
      .sort((a, b) => Math.abs(a.start.getTime() - target) - Math.abs(b.start.getTime() - target))
      .slice(0, ALTERNATIVES)
      .sort((a, b) => a.start.getTime() - b.start.getTime());
  } catch (error) {
    if (isDomainError(error)) return [];
    throw error;
  }
}
