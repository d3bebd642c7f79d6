/** Holds the chosen time (as the Flow does) while the customer reads the summary. */
import { isSlotGone, slotTakenAfterAll, staffFilter, toSlotOption } from './booking-summary';
import { defineEffect } from './effect-context';

/** The holdSlot effect. */
export const holdSlot = defineEffect<'holdSlot'>({
  changesBookings: true,
  async run(ctx, params) {
    const { serviceId, staffId, start } = params;
    try {
      const hold = await ctx.bookings.inTransaction(ctx.tx).placeHold({ businessId: ctx.business.id, customerId: ctx.customer.id, serviceId, staffId: staffFilter(staffId), start: new Date(start) });
      if (!hold.ok) return { type: 'SLOT_TAKEN', alternatives: hold.alternatives.map((slot) => toSlotOption(slot, staffId)) };
      return { type: 'SLOT_HELD' };
    } catch (error) {
      if (!isSlotGone(error)) throw error;
      return slotTakenAfterAll(ctx, { serviceId, staffId, start });
    }
  },
});
