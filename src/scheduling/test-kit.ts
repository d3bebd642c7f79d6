/**
 * Test-only builders shared by the scheduling tests: a default Madrid input and compact slot labels,
 * so each table row states only what differs.
 */
import type { AvailabilityInput, BusyInterval, Slot, WeeklyRange } from './types';

/** Minutes from local midnight of 'HH:mm' (e.g. '22:00' → 1320); '+' prefix adds a day ('+02:00' → 1560). */
export function toMinute(time: string): number {
  const isNextDay = time.startsWith('+');
  const [hours, minutes] = time.replace('+', '').split(':').map(Number);
  return (isNextDay ? 1440 : 0) + hours! * 60 + minutes!;
}

/** Weekly ranges for the given weekdays, e.g. buildWeek([1, 2], '09:00', '18:00'). */
export function buildWeek(weekdays: number[], from: string, to: string): WeeklyRange[] {
  return weekdays.map((weekday) => ({ weekday, startMinute: toMinute(from), endMinute: toMinute(to) }));
}

/** A busy interval from two ISO instants. */
export function busy(staffId: string, start: string, end: string): BusyInterval {
  return { staffId, start: new Date(start), end: new Date(end) };
}

/** Monday 2026-03-30 07:00 in Madrid (05:00Z); one staff member 'ana' working Mon–Fri 09:00–18:00; 30-min service on a 30-min grid. */
export function makeInput(overrides: Partial<AvailabilityInput> = {}): AvailabilityInput {
  return {
    now: new Date('2026-03-30T05:00:00Z'),
    timeZone: 'Europe/Madrid',
    service: { durationMinutes: 30, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
    rules: { stepMinutes: 30, minimumNoticeMinutes: 0, maxAdvanceDays: 7 },
    staff: [{ staffId: 'ana', weeklyHours: buildWeek([1, 2, 3, 4, 5], '09:00', '18:00'), overrides: [] }],
    businessOverrides: [],
    busy: [],
    ...overrides,
  };
}

/** 'YYYY-MM-DD HH:mm [ana,ben]' per slot, the form the tests compare with toStrictEqual. */
export function formatSlots(slots: Slot[]): string[] {
  return slots.map((s) => `${s.localDate} ${s.localTime} [${s.staffIds.join(',')}]`);
}

/** 'HH:mm=ISO' per slot, for DST tests where the same wall time happens twice. */
export function formatSlotInstants(slots: Slot[]): string[] {
  return slots.map((s) => `${s.localTime}=${s.start.toISOString().slice(0, 16)}Z`);
}
