/**
 * The shared preparation of generateSlots and explainSlot: validated timings in ms, the booking
 * window, the filtered staff, and each staff member's busy time sorted and merged once.
 */
import { toDomainError } from '../platform/errors';
import { mergeMsRanges, type MsRange } from './date-range';
import { addLocalDays, createZoneClock, type ZoneClock } from './time-zone';
import { expandStaffRanges, groupOverridesByDate, type OverridesByDate } from './working-hours';
import type { AvailabilityInput, BusyInterval, StaffSchedule } from './types';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
// A start after a busy block reads as a time people write down: a quarter hour, or the step if finer.
const MAX_GAP_ROUNDING_MINUTES = 15;

/** Prepared, validated state for one availability computation. */
export interface AvailabilityContext {
  clock: ZoneClock;
  nowMs: number;
  /** Earliest allowed start (now + notice, never before now). */
  earliestMs: number;
  /** Starts must be strictly before this (now + maxAdvanceDays). */
  latestMs: number;
  durationMs: number;
  stepMs: number;
  bufferBeforeMs: number;
  bufferAfterMs: number;
  /** Whether the first start after a busy block or the notice cut-off is offered off the grid (rules.fillGapsAfterBusy). */
  fillsGaps: boolean;
  /** Such a start is rounded up to a multiple of this on the local clock: the step, at most a quarter hour. */
  gapRoundingMs: number;
  /** Staff passing the filter, sorted by id so per-start staff lists come out sorted. */
  staff: StaffSchedule[];
  businessOverrides: OverridesByDate;
  /** First local date whose ranges are expanded; also anchors the grid of ranges chained across midnight. */
  firstDate: string;
}

/** Throws a validation error unless the value is a finite number at least `min`. */
function ensureNumberAtLeast(value: number, min: number, name: string): void {
  if (!Number.isFinite(value) || value < min) {
    throw toDomainError('validation_failed', `${name} must be a number ≥ ${min}; got ${String(value)}.`, { field: name });
  }
}

/** Validates the input and prepares the timings, window and staff list. */
export function buildAvailabilityContext(input: AvailabilityInput): AvailabilityContext {
  const { service, rules } = input;
  ensureNumberAtLeast(service.durationMinutes, 1, 'service.durationMinutes');
  ensureNumberAtLeast(service.bufferBeforeMinutes, 0, 'service.bufferBeforeMinutes');
  ensureNumberAtLeast(service.bufferAfterMinutes, 0, 'service.bufferAfterMinutes');
  ensureNumberAtLeast(rules.stepMinutes, 1, 'rules.stepMinutes');
  ensureNumberAtLeast(rules.minimumNoticeMinutes, 0, 'rules.minimumNoticeMinutes');
  ensureNumberAtLeast(rules.maxAdvanceDays, 0, 'rules.maxAdvanceDays');
  const clock = createZoneClock(input.timeZone);
  const nowMs = input.now.getTime();
  const filter = input.staffIds === undefined ? undefined : new Set(input.staffIds);
  // A staff member listed twice (two service links mapped to one person) must appear once per slot.
  const uniqueStaff = new Map<string, StaffSchedule>();
  for (const s of input.staff) {
    if ((filter === undefined || filter.has(s.staffId)) && !uniqueStaff.has(s.staffId)) uniqueStaff.set(s.staffId, s);
  }
  const staff = [...uniqueStaff.values()].sort((a, b) => (a.staffId < b.staffId ? -1 : a.staffId > b.staffId ? 1 : 0));
  return {
    clock,
    nowMs,
    earliestMs: nowMs + rules.minimumNoticeMinutes * MINUTE_MS,
    latestMs: nowMs + rules.maxAdvanceDays * DAY_MS,
    durationMs: service.durationMinutes * MINUTE_MS,
    stepMs: rules.stepMinutes * MINUTE_MS,
    bufferBeforeMs: service.bufferBeforeMinutes * MINUTE_MS,
    bufferAfterMs: service.bufferAfterMinutes * MINUTE_MS,
    fillsGaps: rules.fillGapsAfterBusy === true,
    gapRoundingMs: Math.min(rules.stepMinutes, MAX_GAP_ROUNDING_MINUTES) * MINUTE_MS,
    staff,
    businessOverrides: groupOverridesByDate(input.businessOverrides),
    // Yesterday's ranges can run past midnight into today (22:00–02:00), so they are expanded too.
    firstDate: addLocalDays(clock.toLocal(nowMs).localDate, -1),
  };
}

/** Merged UTC working ranges of one staff member from the context's first date to the local date of `untilMs` (+1 day). */
export function expandRangesUntil(context: AvailabilityContext, schedule: StaffSchedule, untilMs: number): readonly MsRange[] {
  // One extra day so a range ending at midnight merges with one starting at midnight, as it would in a longer window.
  const lastDate = addLocalDays(context.clock.toLocal(untilMs).localDate, 1);
  return expandStaffRanges({ clock: context.clock, schedule, businessOverrides: context.businessOverrides, firstDate: context.firstDate, lastDate });
}

/** Busy intervals per staff id (only ids in `staffIds`), each list sorted and merged so a forward-only cursor can sweep it. */
export function indexBusyByStaff(busy: readonly BusyInterval[], staffIds: readonly string[]): Map<string, MsRange[]> {
  const byStaff = new Map<string, MsRange[]>(staffIds.map((id) => [id, []]));
  for (const interval of busy) {
    byStaff.get(interval.staffId)?.push({ start: interval.start.getTime(), end: interval.end.getTime() });
  }
  for (const [id, list] of byStaff) byStaff.set(id, mergeMsRanges(list));
  return byStaff;
}
