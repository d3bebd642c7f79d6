/**
 * Slot generation: for each staff member, walk the candidate grid of each working range in time
 * order and test the buffered appointment against that staff member's sorted busy list with a
 * forward-only pointer, then group the free starts across staff.
 */
import { buildAvailabilityContext, expandRangesUntil, indexBusyByStaff } from './availability-context';
import { createOverlapCursor } from './date-range';
import type { AvailabilityInput, Slot } from './types';

/**
 * All bookable starts (ascending) with the sorted staff free at each. A start is bookable for a
 * staff member when [start, start+duration) fits in one merged working range, lies on that range's
 * step grid, is within [now+notice, now+maxAdvanceDays) and the optional [from, to), and
 * [start−bufferBefore, end+bufferAfter) overlaps none of their busy intervals.
 */
export function generateSlots(input: AvailabilityInput): Slot[] {
  const context = buildAvailabilityContext(input);
  const lowMs = Math.max(context.earliestMs, input.from?.getTime() ?? -Infinity);
  const highMs = Math.min(context.latestMs, input.to?.getTime() ?? Infinity);
  if (!(lowMs < highMs) || context.staff.length === 0) return [];

  const { durationMs, stepMs, bufferBeforeMs, bufferAfterMs } = context;
  const busyByStaff = indexBusyByStaff(
    input.busy,
    context.staff.map((s) => s.staffId),
  );
  const staffByStart = new Map<number, string[]>();

  for (const schedule of context.staff) {
    const isBusy = createOverlapCursor(busyByStaff.get(schedule.staffId) ?? []);
    for (const range of expandRangesUntil(context, schedule, highMs)) {
      const lastStart = Math.min(range.end - durationMs, highMs - 1);
      // Notice and `from` cut the grid but never shift it: the first candidate stays on range.start + k·step.
      let start = range.start >= lowMs ? range.start : range.start + Math.ceil((lowMs - range.start) / stepMs) * stepMs;
      for (; start <= lastStart; start += stepMs) {
        if (isBusy(start - bufferBeforeMs, start + durationMs + bufferAfterMs)) continue;
        const staffIds = staffByStart.get(start);
        if (staffIds === undefined) staffByStart.set(start, [schedule.staffId]);
        else staffIds.push(schedule.staffId);
      }
    }
  }

  const starts = [...staffByStart.keys()].sort((a, b) => a - b);
  return starts.map((start) => ({
    start: new Date(start),
    end: new Date(start + durationMs),
    ...context.clock.toLocal(start),
    staffIds: staffByStart.get(start)!,
  }));
}
