/** Records that the customer wants no more messages (or wants them again). */
import { setCustomerOptOut } from '../effect-repository';
import { defineEffect } from './effect-context';

/** The setOptOut effect. */
export const setOptOut = defineEffect<'setOptOut'>({
  changesBookings: false,
  async run(ctx, params) {
    await setCustomerOptOut(ctx.tx, { customerId: ctx.customer.id, isOptedOut: params.isOptedOut, at: ctx.clock.now() });
    return undefined;
  },
});
