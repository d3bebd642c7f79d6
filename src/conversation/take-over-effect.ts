/** The takeOver effect: staff took the conversation over, so the bot stays silent until they hand back. */
import { removeJobInTransaction } from '../jobs';
import { handoffJobKey, inactivityJobKey, type EffectContext } from './effect-executor';

/**
 * Marks the conversation as with a person (reason `staff`). Unlike a hand-off the customer asked
 * for, no staff alert goes out (staff are already on it) and no hand-off timeout is armed: the bot
 * must not come back on its own while a person is answering.
 */
export async function executeTakeOver(ctx: Pick<EffectContext, 'tx' | 'clock' | 'conversation' | 'conversationChanges'>): Promise<undefined> {
  Object.assign(ctx.conversationChanges, { isHandoff: true, handoffReason: 'staff', handoffAt: ctx.clock.now(), inactivityDeadline: null });
  await removeJobInTransaction(ctx.tx, inactivityJobKey(ctx.conversation.id));
  await removeJobInTransaction(ctx.tx, handoffJobKey(ctx.conversation.id));
  return undefined;
}
