/**
 * Why one requested start is or isn't bookable, with the same rules as generateSlots, so the
 * booking flow can re-check a customer's pick and answer with the precise reason.
 */
import { buildAvailabilityContext, expandRangesUntil, indexBusyByStaff } from './availability-context';
import { createOverlapCursor } from './date-range';
import { listGapOpenings, toGapStart } from './gap-starts';
import type { ExplainSlotInput, SlotExplanation, SlotVerdict } from './types';

/** Builds an explanation with no free staff. */
function refuse(verdict: Exclude<SlotVerdict, 'ok'>): SlotExplanation {
  return { verdict, staffIds: [] };
}

/**
 * Checks a requested start in this order: 'in_past', 'too_soon', 'beyond_window', 'outside_hours'
 * (fits no working range of the filtered staff), 'not_on_step' (fits but off every grid, and not
 * a start generateSlots offers after a busy block or the notice cut-off),
 * 'busy' (every fitting staff member is busy), else 'ok' with the sorted free staff. `from`/`to`
 * are ignored: they only narrow listings. `staffId` narrows the staff filter to one person.
 * Example: explainSlot({ ...input, start: new Date('2026-03-30T07:00:00Z') }) → { verdict: 'ok', staffIds: ['ana'] }.
 */
export function explainSlot(input: ExplainSlotInput): SlotExplanation {
  const staffIds =
    input.staffId === undefined
      ? input.staffIds
      : (input.staffIds ?? [input.staffId]).filter((id) => id === input.staffId);
  const context = buildAvailabilityContext({ ...input, staffIds });
  const startMs = input.start.getTime();
  if (startMs < context.nowMs) return refuse('in_past');
  if (startMs < context.earliestMs) return refuse('too_soon');
  if (startMs >= context.latestMs) return refuse('beyond_window');

  const endMs = startMs + context.durationMs;
  const onStepStaff: string[] = [];
  let hasFittingStaff = false;
  const busyByStaff = indexBusyByStaff(
    input.busy,
    context.staff.map((s) => s.staffId),
  );
  for (const schedule of context.staff) {
    const container = expandRangesUntil(context, schedule, startMs).find((r) => r.start <= startMs && endMs <= r.end);
    if (container === undefined) continue;
    hasFittingStaff = true;
    const isOnGrid = (startMs - container.start) % context.stepMs === 0;
    const isGapStart =
      !isOnGrid &&
      context.fillsGaps &&
      listGapOpenings(context, busyByStaff.get(schedule.staffId) ?? []).some((opening) => toGapStart(context, container.start, opening) === startMs);
    if (isOnGrid || isGapStart) onStepStaff.push(schedule.staffId);
  }
  if (!hasFittingStaff) return refuse('outside_hours');
  if (onStepStaff.length === 0) return refuse('not_on_step');

  const free = onStepStaff.filter(
    (id) => !createOverlapCursor(busyByStaff.get(id) ?? [])(startMs - context.bufferBeforeMs, endMs + context.bufferAfterMs),
  );
  return free.length === 0 ? refuse('busy') : { verdict: 'ok', staffIds: free };
}
