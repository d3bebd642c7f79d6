/** The console's view of the customer notices the booking listeners send (src/reminders/customer-notices.ts). */
export { CONSOLE_ACTOR_PREFIX, findStaffChangeNotice, type StaffChangeNotice } from '../../reminders';

/** The console text that tells staff whether the customer was messaged. */
export const NOTICE_TEXT = { told: 'booking.customerTold', outside_window: 'booking.customerNotTold', setting_off: 'booking.customerNotToldSetting' } as const;
