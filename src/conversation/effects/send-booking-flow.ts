/** Sends the booking Flow with a fresh token (reschedule: for one of the customer's bookings). */
import { buildBookingFlowMessage, buildBookingFlowTemplate, issueFlowToken } from '../../flows';
import { findOwnedBooking } from '../effect-repository';
import { defineEffect, queueForCustomer } from './effect-context';

/** The sendBookingFlow effect. */
export const sendBookingFlow = defineEffect<'sendBookingFlow'>({
  changesBookings: false,
  async run(ctx, params) {
    const { flows, business, customer } = ctx;
    if (!flows?.bookingFlowId) throw new Error('sendBookingFlow without BOOKING_FLOW_ID: the runtime told the machine a Flow is configured when none is');
    let bookingId: string | undefined;
    if (params.mode === 'reschedule') {
      const owned = await findOwnedBooking(ctx.tx, { businessId: business.id, customerId: customer.id, bookingId: params.bookingId ?? '' });
      if (!owned) return { type: 'OPERATION_FAILED', code: 'booking_not_found' };
      bookingId = owned.id;
    }
    const flowToken = await issueFlowToken(ctx.tx, {
      businessId: business.id,
      customerId: customer.id,
      mode: params.mode,
      ...(bookingId ? { bookingId } : {}),
      locale: params.locale,
      ttlMinutes: flows.tokenTtlMinutes,
      now: ctx.clock.now(),
    });
    const payload = buildBookingFlowMessage({
      to: customer.waId,
      flowId: flows.bookingFlowId,
      flowToken,
      locale: params.locale,
      businessName: business.name,
      customerName: customer.name?.trim() ? customer.name : customer.username,
      ...(params.mode === 'reschedule' ? { rescheduleServiceName: params.serviceName ?? '' } : {}),
    });
    // Interactive messages need the 24-hour window; outside it the sender swaps in the approved template.
    const fallback = flows.templateName ? buildBookingFlowTemplate({ to: customer.waId, templateName: flows.templateName, languageCode: flows.templateLanguage, flowToken }) : undefined;
    queueForCustomer(ctx, 'reply', payload, fallback);
    return undefined;
  },
});
