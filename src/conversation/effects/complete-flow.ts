/** Books (or moves) what a completed booking Flow asked for, inside the step's transaction. */
import type { AnswerEvent } from '../../../machines/conversation-types';
import { completeBookingFlow, type FlowCompletion } from '../../flows';
import { toLocalDate } from '../../scheduling';
import { findOwnedBooking, findService } from '../effect-repository';
import { toSlotOption, toSummary } from './booking-summary';
import { defineEffect, type EffectContext } from './effect-context';

/** The completeFlow effect. */
export const completeFlow = defineEffect<'completeFlow'>({
  changesBookings: true,
  async run(ctx, params) {
    const outcome = await completeBookingFlow({
      tx: ctx.tx,
      bookings: ctx.bookings.inTransaction(ctx.tx),
      now: ctx.clock.now(),
      businessId: ctx.business.id,
      customerId: ctx.customer.id,
      flowToken: params.flowToken,
      response: params.response,
    });
    return toFlowAnswer(ctx, outcome);
  },
});

async function toFlowAnswer(ctx: EffectContext, outcome: FlowCompletion): Promise<AnswerEvent> {
  switch (outcome.kind) {
    case 'booked':
    case 'rescheduled':
      if (outcome.isReplay) return { type: 'BOOKING_ALREADY_DONE', booking: await toSummary(ctx, outcome.booking) };
      if (outcome.kind === 'rescheduled') return { type: 'BOOKING_RESCHEDULED', booking: await toSummary(ctx, outcome.booking, { withCalendarLink: true }) };
      return { type: 'BOOKING_CONFIRMED', booking: await toSummary(ctx, outcome.booking, { withCalendarLink: true }) };
    case 'change_locked':
      return { type: 'CHANGE_LOCKED', booking: await toSummary(ctx, outcome.booking) };
    case 'rejected':
      return { type: 'FLOW_REJECTED', reason: outcome.reason };
    case 'slot_taken': {
      const service = await findService(ctx.tx, ctx.business.id, outcome.serviceId);
      if (!service) return { type: 'FLOW_REJECTED', reason: 'invalid_response' };
      const moved = outcome.bookingId ? await findOwnedBooking(ctx.tx, { businessId: ctx.business.id, customerId: ctx.customer.id, bookingId: outcome.bookingId }) : null;
      return {
        type: 'FLOW_SLOT_TAKEN',
        mode: outcome.mode,
        service: { id: service.id, name: service.name, price: service.price.toFixed(2), currency: service.currency, durationMinutes: service.durationMinutes },
        staffId: outcome.staffId,
        date: toLocalDate(outcome.requestedStart, ctx.business.timeZone),
        alternatives: outcome.alternatives.map((slot) => toSlotOption(slot, outcome.staffId)),
        ...(moved ? { booking: await toSummary(ctx, moved) } : {}),
      };
    }
  }
}
