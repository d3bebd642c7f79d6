/** The booking-change listener of this component: reminders, follow-ups, meeting jobs, staff notifications. */
import type { BookingChangeListener } from '../booking';
import type { Clock } from '../platform/clock';
import { planRemindersForChange } from './plan-reminders';
import { notifyStaffOfBookingChange } from './staff-notifications';

/** Creates the listener; pass it to createBookingService({ listeners }). */
export function createReminderListener(deps: { clock: Clock }): BookingChangeListener {
  return async (tx, change) => {
    const now = deps.clock.now();
    await planRemindersForChange(tx, change, now);
    await notifyStaffOfBookingChange(tx, change, now);
  };
}
