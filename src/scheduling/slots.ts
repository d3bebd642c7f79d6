/**
 * Slot generation: for each staff member, walk the candidate grid of each working range in time
 * order and test the buffered appointment against that staff member's sorted busy list with a
 * forward-only pointer, then group the free starts across staff.
 */
import { buildAvailabilityContext, expandRangesUntil, indexBusyByStaff } from './availability-context';
import { createOverlapCursor } from './date-range';
import { listGapOpenings, toGapStart } from './gap-starts';
import type { AvailabilityInput, Slot } from './types';

/**
 * All bookable starts (ascending) with the sorted staff free at each. A start is bookable for a
 * staff member when [start, start+duration) fits in one merged working range, lies on that range's
 * step grid, is within [now+notice, now+maxAdvanceDays) and the optional [from, to), and
 * [start−bufferBefore, end+bufferAfter) overlaps none of their busy intervals. With
 * rules.fillGapsAfterBusy, the first start after each busy block and after the notice cut-off is
 * bookable too when the grid's next start would waste the gap (see gap-starts.ts).
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

  const offer = (start: number, staffId: string): void => {
    const staffIds = staffByStart.get(start);
    if (staffIds === undefined) staffByStart.set(start, [staffId]);
    else staffIds.push(staffId);
  };

  for (const schedule of context.staff) {
    const busy = busyByStaff.get(schedule.staffId) ?? [];
    const isBusy = createOverlapCursor(busy);
    // Gap starts are visited in time order between the grid's starts, so the busy cursor only moves forward.
    const openings = context.fillsGaps ? listGapOpenings(context, busy) : [];
    let nextOpening = 0;
    let lastGapStart = -Infinity;
    for (const range of expandRangesUntil(context, schedule, highMs)) {
      const lastStart = Math.min(range.end - durationMs, highMs - 1);
      const offerGapStartsBefore = (limit: number): void => {
        for (; nextOpening < openings.length && openings[nextOpening]! < limit; nextOpening++) {
          const start = toGapStart(context, range.start, openings[nextOpening]!);
          if (start === undefined || start < lowMs || start > lastStart || start === lastGapStart) continue;
          lastGapStart = start;
          if (!isBusy(start - bufferBeforeMs, start + durationMs + bufferAfterMs)) offer(start, schedule.staffId);
        }
      };
      // Notice and `from` cut the grid but never shift it: the first candidate stays on range.start + k·step.
      let start = range.start >= lowMs ? range.start : range.start + Math.ceil((lowMs - range.start) / stepMs) * stepMs;
      for (; start <= lastStart; start += stepMs) {
        offerGapStartsBefore(start);
        if (!isBusy(start - bufferBeforeMs, start + durationMs + bufferAfterMs)) offer(start, schedule.staffId);
      }
      offerGapStartsBefore(lastStart + 1);
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
