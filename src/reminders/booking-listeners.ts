/** The listeners every booking service of the server should carry (events first, then reminders). */
import type { BookingChangeListener } from '../booking';
import { createEventListener } from '../events';
import type { Clock } from '../platform/clock';
import { createReminderListener } from './reminder-listener';

/** Listeners for createBookingService({ prisma, clock, listeners: createBookingListeners({ clock }) }). */
export function createBookingListeners(deps: { clock: Clock }): BookingChangeListener[] {
  return [createEventListener(deps), createReminderListener(deps)];
}
