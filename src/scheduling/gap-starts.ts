/**
 * Starts off the grid that use a gap the grid would waste: right after a busy block, or after the
 * notice cut-off. With a 60-minute grid from 09:30 and a booking 09:30–09:45, the grid's next start
 * is 10:30; 09:45 is offered too, so the 45 free minutes are not lost.
 */
import type { AvailabilityContext } from './availability-context';
import type { MsRange } from './date-range';

/**
 * The moments (ascending, epoch ms) after which a gap opens for one staff member: the notice
 * cut-off, and the end of each of their (sorted, merged) busy blocks plus the new appointment's
 * before-buffer, which is the earliest a buffered appointment can start there.
 */
export function listGapOpenings(context: AvailabilityContext, busy: readonly MsRange[]): number[] {
  const openings = busy.map((block) => block.end + context.bufferBeforeMs);
  const at = openings.findIndex((opening) => opening >= context.earliestMs);
  if (at === -1) openings.push(context.earliestMs);
  else openings.splice(at, 0, context.earliestMs);
  return openings;
}

/**
 * The start offered for a gap opening at `openingMs` in a working range starting at
 * `rangeStartMs`: the opening rounded up on the local clock (context.gapRoundingMs), when that is
 * inside the range and earlier than the grid's next start; otherwise undefined (the grid serves it).
 * Whether the appointment fits and is free there is for the caller to check.
 */
export function toGapStart(context: AvailabilityContext, rangeStartMs: number, openingMs: number): number | undefined {
  const offset = context.clock.getOffset(openingMs);
  const start = Math.ceil((openingMs + offset) / context.gapRoundingMs) * context.gapRoundingMs - offset;
  const nextGridStart = rangeStartMs + Math.max(0, Math.ceil((openingMs - rangeStartMs) / context.stepMs)) * context.stepMs;
  return start >= rangeStartMs && start < nextGridStart ? start : undefined;
}
