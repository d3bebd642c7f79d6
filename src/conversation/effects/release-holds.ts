/** Lets go of the customer's held time (they changed their mind or left). */
import { defineEffect } from './effect-context';

/** The releaseHolds effect. It deletes only the customer's own holds, which no other step books against, so it runs READ COMMITTED. */
export const releaseHolds = defineEffect<'releaseHolds'>({
  changesBookings: false,
  async run(ctx) {
    await ctx.bookings.inTransaction(ctx.tx).releaseHold({ businessId: ctx.business.id, customerId: ctx.customer.id });
    return undefined;
  },
});
