/**
 * Weekly hours and date overrides → UTC working ranges. Ranges are stated in local wall-clock
 * minutes, so each local date is converted with the offset in force at that local time: a 14:00
 * opening stays 14:00 local on DST change days.
 */
import { mergeMsRanges, toDateRanges, type MsRange } from './date-range';
import { addLocalDays, createZoneClock, getLocalWeekday, type ZoneClock } from './time-zone';
import type { DateOverride, DateRange, MinuteRange, StaffSchedule, WeeklyRange } from './types';

/** Minutes from local midnight at which a day ends: 24:00. */
export const END_OF_DAY_MINUTE = 1440;

/**
 * The end minute as the engine reads it: an end at 23:59 means the end of the day (24:00), as
 * calendar products read it, so "open until 23:59" leaves no one-minute hole before midnight.
 * Example: toEndMinute(1439) → 1440; toEndMinute(1080) → 1080.
 */
export function toEndMinute(endMinute: number): number {
  return endMinute % END_OF_DAY_MINUTE === END_OF_DAY_MINUTE - 1 ? endMinute + 1 : endMinute;
}

/** Overrides grouped by local date for O(1) lookup while walking a date span. */
export type OverridesByDate = Map<string, DateOverride[]>;

/** Groups overrides by their local date. */
export function groupOverridesByDate(overrides: readonly DateOverride[]): OverridesByDate {
  const byDate: OverridesByDate = new Map();
  for (const override of overrides) {
    const list = byDate.get(override.date);
    if (list === undefined) byDate.set(override.date, [override]);
    else list.push(override);
  }
  return byDate;
}

/** Several overrides on one date act as one: any closure wins, otherwise their ranges add up. */
function combineOverrides(overrides: readonly DateOverride[]): MinuteRange[] {
  if (overrides.some((o) => o.isClosed)) return [];
  return overrides.flatMap((o) => o.ranges);
}

/**
 * The wall-clock ranges that start on one local date for one staff member. Precedence: business
 * closure → closed for everybody; else the staff override; else business special hours; else the
 * weekly hours of that weekday. A range crossing midnight belongs to the date it starts on.
 */
export function resolveDayHours(params: {
  localDate: string;
  weeklyHours: readonly WeeklyRange[];
  staffOverrides: OverridesByDate;
  businessOverrides: OverridesByDate;
}): MinuteRange[] {
  const business = params.businessOverrides.get(params.localDate);
  if (business?.some((o) => o.isClosed)) return [];
  const staff = params.staffOverrides.get(params.localDate);
  if (staff !== undefined) return combineOverrides(staff);
  if (business !== undefined) return combineOverrides(business);
  const weekday = getLocalWeekday(params.localDate);
  return params.weeklyHours.filter((r) => r.weekday === weekday);
}

/** Merged UTC working ranges (epoch ms) of one staff member for the local dates firstDate..lastDate inclusive. */
export function expandStaffRanges(params: {
  clock: ZoneClock;
  schedule: StaffSchedule;
  businessOverrides: OverridesByDate;
  firstDate: string;
  lastDate: string;
}): MsRange[] {
  const staffOverrides = groupOverridesByDate(params.schedule.overrides);
  const ranges: MsRange[] = [];
  for (let date = params.firstDate; date <= params.lastDate; date = addLocalDays(date, 1)) {
    const dayHours = resolveDayHours({
      localDate: date,
      weeklyHours: params.schedule.weeklyHours,
      staffOverrides,
      businessOverrides: params.businessOverrides,
    });
    for (const { startMinute, endMinute: storedEnd } of dayHours) {
      const endMinute = toEndMinute(storedEnd);
      // Bad rows (end before start) are skipped rather than thrown, so one typo doesn't close the whole business.
      if (!(endMinute > startMinute)) continue;
      ranges.push({ start: params.clock.toUtc(date, startMinute), end: params.clock.toUtc(date, endMinute) });
    }
  }
  return mergeMsRanges(ranges);
}

/**
 * Expands one staff member's weekly hours and overrides into merged UTC working ranges for the
 * local dates fromDate..toDate inclusive. Example: Mon 09:00–18:00 in Europe/Madrid on 2026-03-30
 * → [2026-03-30T07:00Z, 2026-03-30T16:00Z).
 */
export function expandWorkingHours(params: {
  schedule: StaffSchedule;
  businessOverrides: readonly DateOverride[];
  timeZone: string;
  fromDate: string;
  toDate: string;
}): DateRange[] {
  return toDateRanges(
    expandStaffRanges({
      clock: createZoneClock(params.timeZone),
      schedule: params.schedule,
      businessOverrides: groupOverridesByDate(params.businessOverrides),
      firstDate: params.fromDate,
      lastDate: params.toDate,
    }),
  );
}
