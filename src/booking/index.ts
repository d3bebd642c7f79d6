/** The booking core: slots, holds, serializable confirm, reschedule, cancel, lifecycle, audit. */
export { createBookingService, toAuditView, type BookingService, type BookingChange, type BookingChangeListener, type SlotResult } from './booking-service';
export type { BookingRow, BusinessSettings, BlockedInterval, BlockedIntervalsQuery } from './booking-repository';
export { findBusinessSettings, findBooking, findBlockedIntervals, BOOKING_SELECT } from './booking-repository';
export { loadAvailability, loadBusyForSpan, type VisitSpan } from './availability-loader';
export { runSerializable, findSqlState, isRetryableTransactionError, TransactionRetriesExhausted, DEFAULT_TRANSACTION_BUDGET_MS, type SerializableOptions, WaitAndRetry } from './serializable';
export { parseInput } from './booking-input';
export { findNearestSlots } from './nearest-slots';
export { resolveAddOns, extendSpan, addUpPrice, type ServiceSpan } from './add-ons';
export { findAddOnsOfServices, findBookingAddOns, type AddOnRow } from './add-on-repository';
