/** Disarms the session's inactivity timeout (the dialogue ended, or a person took over). */
import { removeJobInTransaction } from '../../jobs';
import { defineEffect } from './effect-context';
import { inactivityJobKey } from './timers';

/** The disarmInactivityTimer effect. */
export const disarmInactivityTimer = defineEffect<'disarmInactivityTimer'>({
  changesBookings: false,
  async run(ctx) {
    ctx.conversationChanges.inactivityDeadline = null;
    await removeJobInTransaction(ctx.tx, inactivityJobKey(ctx.conversation.id));
    return undefined;
  },
});
