/** Moves one of the customer's bookings to the chosen time. */
import { isDomainError } from '../../platform/errors';
import { findOwnedBooking } from '../effect-repository';
import { customerActor, isSlotGone, slotTakenAfterAll, staffFilter, toSlotOption, toSummary } from './booking-summary';
import { defineEffect } from './effect-context';

/** The rescheduleBooking effect. */
export const rescheduleBooking = defineEffect<'rescheduleBooking'>({
  changesBookings: true,
  async run(ctx, params) {
    const owned = await findOwnedBooking(ctx.tx, { businessId: ctx.business.id, customerId: ctx.customer.id, bookingId: params.bookingId });
    if (!owned) return { type: 'OPERATION_FAILED', code: 'booking_not_found' };
    try {
      const result = await ctx.bookings.inTransaction(ctx.tx).reschedule({
        businessId: ctx.business.id,
        bookingId: owned.id,
        start: new Date(params.start),
        staffId: staffFilter(params.staffId),
        actor: customerActor(ctx),
        enforceChangeLock: true,
        reason: 'Rescheduled by the customer on WhatsApp',
      });
      if (!result.ok) return { type: 'SLOT_TAKEN', alternatives: result.alternatives.map((slot) => toSlotOption(slot, params.staffId)) };
      return { type: 'BOOKING_RESCHEDULED', booking: await toSummary(ctx, result.booking, { withCalendarLink: true }) };
    } catch (error) {
      if (isDomainError(error, 'change_locked')) return { type: 'CHANGE_LOCKED', booking: await toSummary(ctx, owned) };
      if (isSlotGone(error)) return slotTakenAfterAll(ctx, { serviceId: owned.serviceId, staffId: params.staffId, start: params.start, exceptBookingId: owned.id });
      throw error;
    }
  },
});
