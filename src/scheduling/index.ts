/** Public API of the pure availability engine: interval algebra, working hours, slots and slot explanations. */
export type {
  AvailabilityInput,
  BookingRules,
  BusyInterval,
  DateOverride,
  DateRange,
  ExplainSlotInput,
  MinuteRange,
  ServiceTiming,
  Slot,
  SlotExplanation,
  SlotVerdict,
  StaffSchedule,
  WeeklyRange,
} from './types';
export { intersect, mergeOverlapping, overlapsAny, subtract } from './date-range';
export {
  addLocalDays,
  formatIsoInstant,
  formatLocalLabel,
  getLocalWeekday,
  listLocalDates,
  localDayRange,
  toLocalDate,
} from './time-zone';
export { expandWorkingHours, groupOverridesByDate, resolveDayHours, toEndMinute } from './working-hours';
export type { OverridesByDate } from './working-hours';
export { generateSlots } from './slots';
export { explainSlot } from './explain-slot';
