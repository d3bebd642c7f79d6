/** Lists the customer's upcoming bookings. */
import type { BookingSummary } from '../../../machines/conversation-types';
import { toSummary } from './booking-summary';
import { defineEffect } from './effect-context';

/** The loadAppointments effect. */
export const loadAppointments = defineEffect<'loadAppointments'>({
  changesBookings: false,
  async run(ctx) {
    const rows = await ctx.bookings.inTransaction(ctx.tx).findUpcomingForCustomer({ businessId: ctx.business.id, customerId: ctx.customer.id, limit: 10 });
    const summaries: BookingSummary[] = [];
    for (const row of rows) summaries.push(await toSummary(ctx, row));
    return { type: 'APPOINTMENTS_LOADED', bookings: summaries };
  },
});
