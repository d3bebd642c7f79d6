/** Loads one of the customer's bookings (a reminder's quick reply names it). */
import { findOwnedBooking } from '../effect-repository';
import { toSummary } from './booking-summary';
import { defineEffect } from './effect-context';

/** The loadBooking effect. */
export const loadBooking = defineEffect<'loadBooking'>({
  changesBookings: false,
  async run(ctx, params) {
    const row = await findOwnedBooking(ctx.tx, { businessId: ctx.business.id, customerId: ctx.customer.id, bookingId: params.bookingId });
    if (!row) return { type: 'OPERATION_FAILED', code: 'booking_not_found' };
    return { type: 'BOOKING_LOADED', booking: await toSummary(ctx, row) };
  },
});
