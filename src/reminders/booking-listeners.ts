/** The listeners every booking service of the server should carry (events first, then reminders, then the customer's notice of staff changes). */
import type { BookingChangeListener } from '../booking';
import { createEventListener } from '../events';
import type { Clock } from '../platform/clock';
import { createCustomerNoticeListener } from './customer-notices';
import { createReminderListener } from './reminder-listener';

/** Listeners for createBookingService({ prisma, clock, listeners: createBookingListeners({ clock }) }). */
export function createBookingListeners(deps: { clock: Clock }): BookingChangeListener[] {
  return [createEventListener(deps), createReminderListener(deps), createCustomerNoticeListener(deps)];
}
