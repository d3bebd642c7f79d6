/** Arms the session's inactivity timeout (re-armed after each answer: the job key replaces the waiting job). */
import { defineEffect } from './effect-context';
import { inactivityJobKey, scheduleEvent } from './timers';

/** The armInactivityTimer effect. */
export const armInactivityTimer = defineEffect<'armInactivityTimer'>({
  changesBookings: false,
  async run(ctx) {
    const deadline = new Date(ctx.clock.now().getTime() + ctx.business.inactivityTimeoutMinutes * 60_000);
    ctx.conversationChanges.inactivityDeadline = deadline;
    await scheduleEvent(ctx, 'SESSION_TIMED_OUT', deadline, inactivityJobKey(ctx.conversation.id));
    return undefined;
  },
});
