/** The console's view of the customer notices the booking listeners send (src/reminders/customer-notices.ts). */
export { CONSOLE_ACTOR_PREFIX, isWithinServiceWindow } from '../../reminders';
