/**
 * Stores a follow-up's 1–5 rating on the customer's completed visit, through the booking core so
 * the audit log and UPDATE_RATING follow. Changes a booking, but only its rating column, which no
 * availability check reads: it runs READ COMMITTED under the sender's lock.
 */
import { findBooking } from '../../booking';
import { isDomainError } from '../../platform/errors';
import { customerActor } from './booking-summary';
import { defineEffect } from './effect-context';

/** The recordRating effect. */
export const recordRating = defineEffect<'recordRating'>({
  changesBookings: false,
  async run(ctx, params) {
    const booking = await findBooking(ctx.tx, ctx.business.id, params.bookingUid);
    // A forwarded or forged id must not let one customer rate another's visit.
    if (!booking || booking.customerId !== ctx.customer.id) return { type: 'RATING_REFUSED' };
    try {
      await ctx.bookings.inTransaction(ctx.tx).rate({ businessId: ctx.business.id, bookingId: booking.id, rating: params.rating, actor: customerActor(ctx) });
    } catch (error) {
      if (isDomainError(error, 'invalid_transition')) return { type: 'RATING_REFUSED' };
      throw error;
    }
    return { type: 'RATING_RECORDED', rating: params.rating };
  },
});
