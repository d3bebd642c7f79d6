/** The durable jobs that deliver a conversation's timeouts, and their keys. */
import { addJobInTransaction } from '../../jobs';
import type { EffectContext } from './effect-context';

/** The job that delivers a system event (timeouts, release) to a conversation. */
export const CONVERSATION_EVENT_TASK = 'conversation_event';

/** Payload of the conversation_event job. */
export interface ConversationEventPayload {
  businessId: string;
  customerId: string;
  event: { type: 'SESSION_TIMED_OUT' | 'HANDOFF_RELEASED' | 'HANDOFF_TIMED_OUT' | 'STAFF_TAKE_OVER' };
  /** For timeouts: the deadline the job was armed for; a later re-arm makes this job stale. */
  deadline?: string;
}

/** Job keys: re-arming a timer replaces its pending job instead of adding another. */
export const inactivityJobKey = (conversationId: string) => `inactivity:${conversationId}`;
/** Job key of the hand-off timeout. */
export const handoffJobKey = (conversationId: string) => `handoff:${conversationId}`;

/** Schedules `type` for the step's conversation at `deadline`, replacing the job of the same key. */
export async function scheduleEvent(ctx: EffectContext, type: ConversationEventPayload['event']['type'], deadline: Date, jobKey: string): Promise<void> {
  const payload: ConversationEventPayload = { businessId: ctx.business.id, customerId: ctx.customer.id, event: { type }, deadline: deadline.toISOString() };
  await addJobInTransaction(ctx.tx, CONVERSATION_EVENT_TASK, payload, { runAt: deadline, jobKey, maxAttempts: 25 });
}
