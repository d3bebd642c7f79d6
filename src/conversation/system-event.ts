/** The conversation_event job: a timeout or release delivered to the sender's machine. */
import { runEvents, runTurn, type ConversationDeps } from './conversation-step';
import type { ConversationEventPayload } from './effects';

/** Delivers a system event from a durable job; a stale timer (re-armed, or the hand-off already over) is ignored. */
export async function deliverSystemEvent(deps: ConversationDeps, payload: ConversationEventPayload): Promise<boolean> {
  const isDelivered = await runTurn(deps, payload, async (turn) => {
    const row = turn.ctx.conversation;
    const now = deps.clock.now();
    const type = payload.event.type;
    const isStale =
      (type === 'SESSION_TIMED_OUT' && (!row.inactivityDeadline || row.inactivityDeadline.getTime() > now.getTime() || (payload.deadline !== undefined && row.inactivityDeadline.toISOString() !== payload.deadline))) ||
      ((type === 'HANDOFF_TIMED_OUT' || type === 'HANDOFF_RELEASED') && !row.isHandoff);
    if (isStale) return { result: false };
    if (type === 'SESSION_TIMED_OUT') turn.ctx.conversationChanges.inactivityDeadline = null;
    await runEvents(turn, { type });
    return { result: true };
  });
  return isDelivered ?? false;
}
