/** Confirms attendance of a pending booking (a reminder's "confirm"); a confirmed one stays as it is. */
import { findOwnedBooking } from '../effect-repository';
import { customerActor, toSummary } from './booking-summary';
import { defineEffect } from './effect-context';

/** The confirmPendingBooking effect. */
export const confirmPendingBooking = defineEffect<'confirmPendingBooking'>({
  changesBookings: true,
  async run(ctx, params) {
    const owned = await findOwnedBooking(ctx.tx, { businessId: ctx.business.id, customerId: ctx.customer.id, bookingId: params.bookingId });
    if (!owned) return { type: 'OPERATION_FAILED', code: 'booking_not_found' };
    const row = owned.status === 'pending' ? await ctx.bookings.inTransaction(ctx.tx).applyLifecycle({ businessId: ctx.business.id, bookingId: owned.id, event: 'CONFIRM', actor: customerActor(ctx) }) : owned;
    return { type: 'BOOKING_CONFIRMED', booking: await toSummary(ctx, row) };
  },
});
