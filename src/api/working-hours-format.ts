/**
 * Working hours as integrators write them ({"monday":[{"start":"09:00","end":"13:00"}]}) ↔ the
 * stored minutes from local midnight. An end before the start crosses midnight (22:00–02:00),
 * stored as an end beyond 1440 as the availability engine expects. 00:00–24:00 is a whole day, and an
 * end at 23:59 is stored as 24:00 (the end of the day), as calendar products read it.
 */
import { toEndMinute } from '../scheduling';

/** Weekday names in the order of JavaScript's getDay (0 = Sunday). */
export const WEEKDAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

/** A weekday name. */
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

/** One range as HH:mm strings. */
export interface TimeRange {
  start: string;
  end: string;
}

/** Minutes from midnight of HH:mm ('24:00' → 1440). */
export function toMinutes(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours! * 60 + minutes!;
}

/** HH:mm of minutes from midnight, wrapping past midnight (1560 → '02:00', 1440 → '24:00'). */
export function toTimeText(minutes: number): string {
  const wrapped = minutes > 1440 ? minutes - 1440 : minutes;
  return `${String(Math.floor(wrapped / 60)).padStart(2, '0')}:${String(wrapped % 60).padStart(2, '0')}`;
}

/** Stored rows of a weekly schedule; returns an error message instead when ranges overlap or are empty. */
export function toStoredRanges(
  days: Partial<Record<WeekdayName, TimeRange[]>>,
): { ok: true; ranges: Array<{ weekday: number; startMinute: number; endMinute: number }> } | { ok: false; field: string; message: string } {
  const ranges: Array<{ weekday: number; startMinute: number; endMinute: number }> = [];
  for (const [weekday, name] of WEEKDAY_NAMES.entries()) {
    const typed = days[name] ?? [];
    const same = typed.find((range) => toMinutes(range.start) === toMinutes(range.end));
    if (same) {
      return { ok: false, field: name, message: `a range must not start and end at the same time (${same.start}–${same.end}); for a whole day use 00:00–24:00` };
    }
    const dayRanges = typed
      .map((range) => {
        const startMinute = toMinutes(range.start);
        const end = toEndMinute(toMinutes(range.end));
        return { weekday, startMinute, endMinute: end > startMinute ? end : end + 1440 };
      })
      .sort((a, b) => a.startMinute - b.startMinute);
    for (const [index, range] of dayRanges.entries()) {
      const previous = dayRanges[index - 1];
      if (previous && range.startMinute < previous.endMinute) {
        return { ok: false, field: name, message: `ranges overlap (${toTimeText(previous.startMinute)}–${toTimeText(previous.endMinute)} and ${toTimeText(range.startMinute)}–${toTimeText(range.endMinute)})` };
      }
    }
    ranges.push(...dayRanges);
  }
  return { ok: true, ranges };
}

/** The schedule JSON of stored rows, every weekday present; an end stored as 23:59 shows as 24:00, as the slots read it. */
export function toWeeklySchedule(rows: Array<{ weekday: number; startMinute: number; endMinute: number }>): Record<WeekdayName, TimeRange[]> {
  const schedule = Object.fromEntries(WEEKDAY_NAMES.map((name) => [name, [] as TimeRange[]])) as Record<WeekdayName, TimeRange[]>;
  for (const row of [...rows].sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute)) {
    const name = WEEKDAY_NAMES[row.weekday];
    if (name) schedule[name].push({ start: toTimeText(row.startMinute), end: toTimeText(toEndMinute(row.endMinute)) });
  }
  return schedule;
}
