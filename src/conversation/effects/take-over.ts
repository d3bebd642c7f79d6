/** Staff took the conversation over: the bot stays silent until they hand back. */
import { removeJobInTransaction } from '../../jobs';
import { defineEffect } from './effect-context';
import { handoffJobKey, inactivityJobKey } from './timers';

/**
 * The takeOver effect: marks the conversation as with a person (reason `staff`). Unlike a hand-off
 * the customer asked for, no staff alert goes out (staff are already on it) and no hand-off timeout
 * is armed: the bot must not come back on its own while a person is answering.
 */
export const takeOver = defineEffect<'takeOver'>({
  changesBookings: false,
  async run(ctx) {
    Object.assign(ctx.conversationChanges, { isHandoff: true, handoffReason: 'staff', handoffAt: ctx.clock.now(), inactivityDeadline: null });
    await removeJobInTransaction(ctx.tx, inactivityJobKey(ctx.conversation.id));
    await removeJobInTransaction(ctx.tx, handoffJobKey(ctx.conversation.id));
    return undefined;
  },
});
