/**
 * What every effect is given, and the shape each effect file exports: whether it changes bookings
 * (the step then runs SERIALIZABLE, so the booking core's re-check holds) and how it runs.
 */
import type { AnswerEvent, ConversationEffectParams, ConversationEffectType } from '../../../machines/conversation-types';
import type { BookingService } from '../../booking';
import type { Clock } from '../../platform/clock';
import type { Prisma } from '../../platform/database';
import type { MessagesRequestBody, TemplateMessageBody } from '../../whatsapp';
import type { ConversationBusiness, ConversationChanges, ConversationRow, StepOutbound } from '../conversation-repository';

/** How the booking Flow is sent (a subset of AppConfig['flows']); no bookingFlowId → the list path. */
export interface FlowSendingOptions {
  bookingFlowId: string | undefined;
  tokenTtlMinutes: number;
  /** Approved template with a FLOW button, queued as the fallback outside the 24-hour window. */
  templateName: string | undefined;
  templateLanguage: string;
}

/** A conversation was handed to a person (called inside the step's transaction). */
export type HandoffListener = (tx: Prisma.TransactionClient, handoff: { businessId: string; customerId: string; now: Date }) => Promise<unknown>;

/** Everything an effect may touch during one step. */
export interface EffectContext {
  tx: Prisma.TransactionClient;
  clock: Clock;
  bookings: BookingService;
  business: ConversationBusiness;
  /** `username` (WhatsApp username) greets a customer who shared no profile name. */
  customer: { id: string; waId: string; name?: string | null; username?: string | null };
  conversation: ConversationRow;
  /** Booking Flow settings; absent → no Flow is sent. */
  flows?: FlowSendingOptions;
  /** Public base URL of this server (PUBLIC_BASE_URL), for "Add to calendar" links; absent → no link. */
  publicBaseUrl?: string;
  /** Told when a conversation is handed to a person (the staff alert), injected by the wiring. */
  onHandoff?: HandoffListener;
  /** Conversation columns to write at the end of the step (handoff, timers). */
  conversationChanges: ConversationChanges;
  /** Messages to the customer, written when the step closes (one statement), in this order. */
  outbound: StepOutbound[];
}

/** One effect: whether it changes bookings, and how it runs (returning the machine's answer, if any). */
export interface ConversationEffectHandler<K extends ConversationEffectType> {
  changesBookings: boolean;
  run(ctx: EffectContext, params: ConversationEffectParams[K]): Promise<AnswerEvent | undefined>;
}

/** Declares an effect (the type parameter ties its params to the machine's effect of that name). */
export function defineEffect<K extends ConversationEffectType>(handler: ConversationEffectHandler<K>): ConversationEffectHandler<K> {
  return handler;
}

/** Queues a message to the step's customer, from the business's number; written when the step saves. */
export function queueForCustomer(ctx: Pick<EffectContext, 'outbound'>, kind: 'reply' | 'read_receipt', payload: MessagesRequestBody, fallbackPayload?: TemplateMessageBody): void {
  ctx.outbound.push({ kind, payload, ...(fallbackPayload ? { fallbackPayload } : {}) });
}
