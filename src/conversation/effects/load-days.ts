/** Lists the days of the booking window that have a free time, one page at a time. */
import { DAYS_PAGE_SIZE } from '../../../machines/conversation-messages';
import { staffFilter } from './booking-summary';
import { defineEffect } from './effect-context';

/** The loadDays effect. */
export const loadDays = defineEffect<'loadDays'>({
  changesBookings: false,
  async run(ctx, params) {
    const { slots } = await ctx.bookings.inTransaction(ctx.tx).findSlots({
      businessId: ctx.business.id,
      serviceId: params.serviceId,
      staffId: staffFilter(params.staffId),
      exceptCustomerId: ctx.customer.id,
    });
    const all = [...new Set(slots.map((slot) => slot.localDate))];
    const offset = params.page * DAYS_PAGE_SIZE;
    const dates = all.slice(offset, offset + DAYS_PAGE_SIZE);
    return { type: 'DAYS_LOADED', days: dates.map((date) => ({ date })), hasMore: all.length > offset + DAYS_PAGE_SIZE };
  },
});
