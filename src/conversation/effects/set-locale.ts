/** Remembers the customer's language. */
import { setCustomerLocale } from '../effect-repository';
import { defineEffect } from './effect-context';

/** The setLocale effect. */
export const setLocale = defineEffect<'setLocale'>({
  changesBookings: false,
  async run(ctx, params) {
    await setCustomerLocale(ctx.tx, { customerId: ctx.customer.id, locale: params.locale });
    return undefined;
  },
});
