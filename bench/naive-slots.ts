/**
 * The naive availability algorithm the engine replaces, kept only as a benchmark baseline: every
 * candidate slot of every staff member is checked against EVERY booking (no sorting, no per-staff
 * index), and each slot is labelled with its own formatInTimeZone call. Same rules and output as
 * generateSlots for inputs without adjacent working ranges (it does not merge them).
 */
import { formatInTimeZone, fromZonedTime } from 'date-fns-tz';
import { groupOverridesByDate, resolveDayHours, type AvailabilityInput, type Slot } from '../src/scheduling';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** 'HH:mm:00' of minutes past local midnight, rolling into the next date after 24:00. */
function toLocalIso(date: string, minute: number): string {
  const day = new Date(Date.parse(`${date}T00:00:00Z`) + Math.floor(minute / 1440) * DAY_MS).toISOString().slice(0, 10);
  const inDay = minute % 1440;
  return `${day}T${String(Math.floor(inDay / 60)).padStart(2, '0')}:${String(inDay % 60).padStart(2, '0')}:00`;
}

/** Naive slot generation: O(candidates × bookings). */
export function generateSlotsNaive(input: AvailabilityInput): Slot[] {
  const { now, timeZone, service, rules } = input;
  const earliest = now.getTime() + rules.minimumNoticeMinutes * MINUTE_MS;
  const latest = now.getTime() + rules.maxAdvanceDays * DAY_MS;
  const low = Math.max(earliest, input.from?.getTime() ?? -Infinity);
  const high = Math.min(latest, input.to?.getTime() ?? Infinity);
  const duration = service.durationMinutes * MINUTE_MS;
  const businessOverrides = groupOverridesByDate(input.businessOverrides);
  const firstDay = Date.parse(`${formatInTimeZone(now, timeZone, 'yyyy-MM-dd')}T00:00:00Z`) - DAY_MS;
  const lastDay = Date.parse(`${formatInTimeZone(new Date(high), timeZone, 'yyyy-MM-dd')}T00:00:00Z`) + DAY_MS;
  const byStart = new Map<number, string[]>();

  for (const member of input.staff) {
    if (input.staffIds !== undefined && !input.staffIds.includes(member.staffId)) continue;
    const staffOverrides = groupOverridesByDate(member.overrides);
    for (let day = firstDay; day <= lastDay; day += DAY_MS) {
      const date = new Date(day).toISOString().slice(0, 10);
      const hours = resolveDayHours({ localDate: date, weeklyHours: member.weeklyHours, staffOverrides, businessOverrides });
      for (const { startMinute, endMinute } of hours) {
        const rangeStart = fromZonedTime(toLocalIso(date, startMinute), timeZone).getTime();
        const rangeEnd = fromZonedTime(toLocalIso(date, endMinute), timeZone).getTime();
        for (let start = rangeStart; start + duration <= rangeEnd; start += rules.stepMinutes * MINUTE_MS) {
          if (start < low || start >= high) continue;
          const bufferedStart = start - service.bufferBeforeMinutes * MINUTE_MS;
          const bufferedEnd = start + duration + service.bufferAfterMinutes * MINUTE_MS;
          const isTaken = input.busy.some(
            (b) => b.staffId === member.staffId && b.start.getTime() < bufferedEnd && b.end.getTime() > bufferedStart,
          );
          if (isTaken) continue;
          const list = byStart.get(start);
          if (list === undefined) byStart.set(start, [member.staffId]);
          else list.push(member.staffId);
        }
      }
    }
  }

  return [...byStart.keys()]
    .sort((a, b) => a - b)
    .map((start) => ({
      start: new Date(start),
      end: new Date(start + duration),
      localDate: formatInTimeZone(new Date(start), timeZone, 'yyyy-MM-dd'),
      localTime: formatInTimeZone(new Date(start), timeZone, 'HH:mm'),
      staffIds: [...new Set(byStart.get(start))].sort(),
    }));
}
