/** Hands the conversation to a person: the bot goes quiet until the hand-off times out or is released. */
import { removeJobInTransaction } from '../../jobs';
import { recordHandoff } from '../../platform/metrics';
import { defineEffect } from './effect-context';
import { handoffJobKey, inactivityJobKey, scheduleEvent } from './timers';

/** The startHandoff effect. */
export const startHandoff = defineEffect<'startHandoff'>({
  changesBookings: false,
  async run(ctx, params) {
    const now = ctx.clock.now();
    const deadline = new Date(now.getTime() + ctx.business.handoffTimeoutMinutes * 60_000);
    Object.assign(ctx.conversationChanges, { isHandoff: true, handoffReason: params.reason, handoffAt: now, inactivityDeadline: null });
    await removeJobInTransaction(ctx.tx, inactivityJobKey(ctx.conversation.id));
    await scheduleEvent(ctx, 'HANDOFF_TIMED_OUT', deadline, handoffJobKey(ctx.conversation.id));
    await ctx.onHandoff?.(ctx.tx, { businessId: ctx.business.id, customerId: ctx.customer.id, now });
    recordHandoff(params.reason);
    return undefined;
  },
});
