/**
 * The booking Flow's completion (`nfm_reply`), run by the conversation step inside its SERIALIZABLE
 * transaction: the token must be this customer's; the slot is booked (or the booking moved) through
 * the booking core, where the customer's own hold counts as theirs and anything else overlapping
 * means the slot is gone. A token completes once: a second completion answers with the first result.
 */
import { z } from 'zod';
import { findBooking, findNearestSlots, type BookingRow, type BookingService } from '../booking';
import type { Db } from '../platform/database';
import { isDomainError } from '../platform/errors';
import type { Slot } from '../scheduling';
import { isUuid } from './flow-repository';
import { findFlowToken, markFlowTokenUsed, type FlowTokenMode, type FlowTokenRow } from './flow-tokens';

/** What a completion came to; the conversation turns it into its answer event. */
export type FlowCompletion =
  | { kind: 'booked'; booking: BookingRow; isReplay: boolean }
  | { kind: 'rescheduled'; booking: BookingRow; isReplay: boolean }
  | { kind: 'slot_taken'; mode: FlowTokenMode; serviceId: string; staffId: string; bookingId: string | null; requestedStart: Date; alternatives: Slot[] }
  | { kind: 'change_locked'; booking: BookingRow }
  | { kind: 'rejected'; reason: FlowCompletionRejection };

/** Why a completion books nothing. */
export type FlowCompletionRejection = 'unknown_token' | 'expired' | 'used' | 'invalid_response' | 'not_changeable';

/** The `complete` payload of booking.flow.json's SUMMARY screen (plus WhatsApp's flow_token). */
export const bookingCompletionSchema = z.object({
  flow: z.literal('booking'),
  service_id: z.string().refine(isUuid, 'must be a service id'),
  staff_id: z.string().refine(isUuid, 'must be a staff id'),
  slot_start: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO instant'),
  hold_id: z.string().optional(),
  customer_name: z.string().optional(),
  note: z.string().optional(),
  add_on_ids: z.array(z.string().refine(isUuid, 'must be a service id')).max(20).optional(),
});

// A customer may sit on the summary screen past the token's expiry; the endpoint is strict, the final tap is not.
const COMPLETION_GRACE_MS = 30 * 60_000;

/** True when a flow_reply is a completion of our booking Flow (other Flows and address messages are not). */
export function isBookingFlowResponse(response: Record<string, unknown>): boolean {
  return response.flow === 'booking';
}

/** The idempotency key of a token's booking: one booking per token, however often it completes. */
export function toFlowIdempotencyKey(tokenHash: string): string {
  return `flow:${tokenHash}`;
}

/**
 * Completes a booking Flow inside the caller's transaction.
 * @example const outcome = await completeBookingFlow({ tx, bookings: bookings.inTransaction(tx), now, businessId, customerId, flowToken, response })
 */
export async function completeBookingFlow(params: {
  tx: Db;
  /** The booking core bound to `tx` (`bookings.inTransaction(tx)`). */
  bookings: BookingService;
  now: Date;
  businessId: string;
  customerId: string;
  flowToken: string;
  response: Record<string, unknown>;
}): Promise<FlowCompletion> {
  const { tx, businessId, customerId } = params;
  const token = await findFlowToken(tx, params.flowToken);
  // Someone else's token reads exactly like an unknown one: nothing about it leaks.
  if (!token || token.businessId !== businessId || token.customerId !== customerId) return { kind: 'rejected', reason: 'unknown_token' };
  if (token.usedAt) return replayUsedToken(tx, businessId, token);
  if (token.expiresAt.getTime() + COMPLETION_GRACE_MS <= params.now.getTime()) return { kind: 'rejected', reason: 'expired' };
  const parsed = bookingCompletionSchema.safeParse(params.response);
  if (!parsed.success) return { kind: 'rejected', reason: 'invalid_response' };
  const answer = parsed.data;
  const completion: Completion = {
    ...params,
    token,
    answer,
    start: new Date(answer.slot_start),
    idempotencyKey: toFlowIdempotencyKey(token.tokenHash),
    actor: `customer:${customerId}`,
  };
  try {
    return token.mode === 'reschedule' ? await rescheduleFromFlow(completion) : await bookFromFlow(completion);
  } catch (error) {
    return handleCompletionError(completion, error);
  }
}

/** A validated completion: the token, the customer's answer and what every booking call carries. */
interface Completion {
  tx: Db;
  bookings: BookingService;
  now: Date;
  businessId: string;
  customerId: string;
  token: FlowTokenRow;
  answer: z.infer<typeof bookingCompletionSchema>;
  start: Date;
  idempotencyKey: string;
  actor: string;
}

/** A second completion of a used token answers with the first result. */
async function replayUsedToken(tx: Db, businessId: string, token: FlowTokenRow): Promise<FlowCompletion> {
  const previous = token.resultBookingId ? await findBooking(tx, businessId, token.resultBookingId) : null;
  if (!previous) return { kind: 'rejected', reason: 'used' };
  return token.mode === 'reschedule' ? { kind: 'rescheduled', booking: previous, isReplay: true } : { kind: 'booked', booking: previous, isReplay: true };
}

function markUsed(c: Completion, resultBookingId: string | null): Promise<void> {
  return markFlowTokenUsed(c.tx, { tokenId: c.token.id, now: c.now, resultBookingId });
}

/** Uses up the token and offers the slots nearest to the one that is gone. */
async function answerSlotTaken(c: Completion): Promise<FlowCompletion> {
  const { businessId, customerId, answer, start, now, token } = c;
  await markUsed(c, null);
  const alternatives = await findNearestSlots(c.bookings, { businessId, customerId, serviceId: answer.service_id, staffId: answer.staff_id, around: start, now });
  return { kind: 'slot_taken', mode: token.mode, serviceId: answer.service_id, staffId: answer.staff_id, bookingId: token.bookingId, requestedStart: start, alternatives };
}

/** Moves the customer's own booking to the chosen slot. */
async function rescheduleFromFlow(c: Completion): Promise<FlowCompletion> {
  const { tx, businessId, customerId, token, answer } = c;
  const owned = token.bookingId ? await findBooking(tx, businessId, token.bookingId) : null;
  if (!owned || owned.customerId !== customerId) return { kind: 'rejected', reason: 'not_changeable' };
  if (owned.serviceId !== answer.service_id) return { kind: 'rejected', reason: 'invalid_response' };
  const result = await c.bookings.reschedule({
    businessId,
    bookingId: owned.id,
    start: c.start,
    staffId: answer.staff_id,
    actor: c.actor,
    enforceChangeLock: true,
    reason: 'Rescheduled by the customer in the WhatsApp form',
    idempotencyKey: c.idempotencyKey,
  });
  if (!result.ok) return await answerSlotTaken(c);
  await markUsed(c, result.booking.id);
  return { kind: 'rescheduled', booking: result.booking, isReplay: false };
}

/** Books the chosen slot with the name and note the customer typed. */
async function bookFromFlow(c: Completion): Promise<FlowCompletion> {
  const { answer } = c;
  const note = answer.note?.trim();
  const name = answer.customer_name?.trim();
  const result = await c.bookings.confirmSlot({
    businessId: c.businessId,
    customerId: c.customerId,
    serviceId: answer.service_id,
    staffId: answer.staff_id,
    start: c.start,
    source: 'flow',
    notes: note ? note.slice(0, 1000) : undefined,
    metadata: name ? { nameGiven: name.slice(0, 200) } : undefined,
    addOnServiceIds: answer.add_on_ids ?? [],
    idempotencyKey: c.idempotencyKey,
    actor: c.actor,
  });
  if (!result.ok) return await answerSlotTaken(c);
  await markUsed(c, result.booking.id);
  return { kind: 'booked', booking: result.booking, isReplay: result.isReplay };
}

/** Turns the booking core's domain errors into what the customer is told; anything else is rethrown. */
async function handleCompletionError(c: Completion, error: unknown): Promise<FlowCompletion> {
  if (isDomainError(error, 'change_locked') && c.token.bookingId) {
    const owned = await findBooking(c.tx, c.businessId, c.token.bookingId);
    if (owned) return { kind: 'change_locked', booking: owned };
  }
  if (isDomainError(error, 'invalid_transition') || isDomainError(error, 'booking_not_found')) return { kind: 'rejected', reason: 'not_changeable' };
  // In the past, too soon, beyond the window, off the grid: to the customer that time is simply gone.
  if (isDomainError(error) && error.code.startsWith('slot_')) return answerSlotTaken(c);
  if (
    isDomainError(error, 'service_not_found') ||
    isDomainError(error, 'staff_does_not_perform_service') ||
    isDomainError(error, 'add_on_not_available') ||
    isDomainError(error, 'validation_failed')
  ) {
    return { kind: 'rejected', reason: 'invalid_response' };
  }
  throw error;
}
