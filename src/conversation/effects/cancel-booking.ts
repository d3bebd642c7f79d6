/** Cancels one of the customer's bookings, unless it is too close to change. */
import { isDomainError } from '../../platform/errors';
import { findOwnedBooking } from '../effect-repository';
import { customerActor, toSummary } from './booking-summary';
import { defineEffect } from './effect-context';

/** The cancelBooking effect. */
export const cancelBooking = defineEffect<'cancelBooking'>({
  changesBookings: true,
  async run(ctx, params) {
    const owned = await findOwnedBooking(ctx.tx, { businessId: ctx.business.id, customerId: ctx.customer.id, bookingId: params.bookingId });
    if (!owned) return { type: 'OPERATION_FAILED', code: 'booking_not_found' };
    try {
      const row = await ctx.bookings.inTransaction(ctx.tx).cancel({ businessId: ctx.business.id, bookingId: owned.id, actor: customerActor(ctx), enforceChangeLock: true, reason: 'Cancelled by the customer on WhatsApp' });
      return { type: 'BOOKING_CANCELLED', booking: await toSummary(ctx, row) };
    } catch (error) {
      if (isDomainError(error, 'change_locked')) return { type: 'CHANGE_LOCKED', booking: await toSummary(ctx, owned) };
      throw error;
    }
  },
});
