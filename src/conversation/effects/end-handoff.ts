/** Gives the conversation back to the bot. */
import { removeJobInTransaction } from '../../jobs';
import { defineEffect } from './effect-context';
import { handoffJobKey } from './timers';

/** The endHandoff effect. */
export const endHandoff = defineEffect<'endHandoff'>({
  changesBookings: false,
  async run(ctx) {
    Object.assign(ctx.conversationChanges, { isHandoff: false, handoffReason: null, handoffAt: null });
    await removeJobInTransaction(ctx.tx, handoffJobKey(ctx.conversation.id));
    return undefined;
  },
});
