/** Books the chosen time (the list path's confirm). */
import { customerActor, isSlotGone, slotTakenAfterAll, staffFilter, toSlotOption, toSummary } from './booking-summary';
import { defineEffect } from './effect-context';

/** The confirmBooking effect. */
export const confirmBooking = defineEffect<'confirmBooking'>({
  changesBookings: true,
  async run(ctx, params) {
    const { serviceId, staffId, start } = params;
    try {
      const result = await ctx.bookings.inTransaction(ctx.tx).confirmSlot({
        businessId: ctx.business.id,
        customerId: ctx.customer.id,
        serviceId,
        staffId: staffFilter(staffId),
        start: new Date(start),
        source: 'whatsapp',
        actor: customerActor(ctx),
      });
      if (!result.ok) return { type: 'SLOT_TAKEN', alternatives: result.alternatives.map((slot) => toSlotOption(slot, staffId)) };
      return { type: 'BOOKING_CONFIRMED', booking: await toSummary(ctx, result.booking, { withCalendarLink: true }) };
    } catch (error) {
      if (!isSlotGone(error)) throw error;
      return slotTakenAfterAll(ctx, { serviceId, staffId, start });
    }
  },
});
