/**
 * The effect registry: every effect the conversation machine can ask for, by name. The table is
 * checked against the machine's effect names, so an effect the machine names but the runtime lacks
 * does not compile; the step reads `changesBookings` from here to choose its isolation level.
 */
import type { AnswerEvent, ConversationEffect, ConversationEffectType } from '../../../machines/conversation-types';
import { isDomainError } from '../../platform/errors';
import { armInactivityTimer } from './arm-inactivity-timer';
import { cancelBooking } from './cancel-booking';
import { completeFlow } from './complete-flow';
import { confirmBooking } from './confirm-booking';
import { confirmPendingBooking } from './confirm-pending-booking';
import { disarmInactivityTimer } from './disarm-inactivity-timer';
import type { ConversationEffectHandler, EffectContext } from './effect-context';
import { endHandoff } from './end-handoff';
import { holdSlot } from './hold-slot';
import { loadAppointments } from './load-appointments';
import { loadBooking } from './load-booking';
import { loadDays } from './load-days';
import { loadServices } from './load-services';
import { loadSlots } from './load-slots';
import { loadStaff } from './load-staff';
import { recordRating } from './record-rating';
import { releaseHolds } from './release-holds';
import { reply } from './reply';
import { rescheduleBooking } from './reschedule-booking';
import { sendBookingFlow } from './send-booking-flow';
import { setLocale } from './set-locale';
import { setOptOut } from './set-opt-out';
import { startHandoff } from './start-handoff';
import { takeOver } from './take-over';

/** Every effect, by the name the machine uses. */
export const CONVERSATION_EFFECTS = {
  reply,
  loadServices,
  loadStaff,
  loadDays,
  loadSlots,
  confirmBooking,
  holdSlot,
  loadAppointments,
  loadBooking,
  cancelBooking,
  rescheduleBooking,
  confirmPendingBooking,
  startHandoff,
  endHandoff,
  takeOver,
  setOptOut,
  setLocale,
  armInactivityTimer,
  disarmInactivityTimer,
  releaseHolds,
  sendBookingFlow,
  completeFlow,
  recordRating,
} satisfies { [K in ConversationEffectType]: ConversationEffectHandler<K> };

/** Whether running this effect changes bookings (the step must then run SERIALIZABLE). */
export function changesBookings(effect: ConversationEffect): boolean {
  return CONVERSATION_EFFECTS[effect.type].changesBookings;
}

/** Runs one effect; returns the answer to feed back to the machine. A refusal the customer should hear about becomes OPERATION_FAILED. */
export async function runEffect(ctx: EffectContext, effect: ConversationEffect): Promise<AnswerEvent | undefined> {
  const handler = CONVERSATION_EFFECTS[effect.type] as ConversationEffectHandler<typeof effect.type>;
  try {
    return await handler.run(ctx, effect.params as never);
  } catch (error) {
    if (isDomainError(error)) return { type: 'OPERATION_FAILED', code: error.code };
    throw error;
  }
}

export { queueForCustomer, type EffectContext, type FlowSendingOptions, type HandoffListener } from './effect-context';
export { CONVERSATION_EVENT_TASK, handoffJobKey, inactivityJobKey, type ConversationEventPayload } from './timers';
