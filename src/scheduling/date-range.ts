/**
 * Interval algebra on half-open UTC ranges `[start, end)`. Every operation sorts once and sweeps,
 * so cost is O(n log n) in the number of ranges, never "each range against each other range".
 * The engine works on epoch milliseconds (`MsRange`) to avoid allocating Dates in hot loops.
 */
import type { DateRange } from './types';

/** A half-open interval in epoch milliseconds; the engine's internal form of DateRange. */
export interface MsRange {
  start: number;
  end: number;
}

/** Converts DateRanges to MsRanges. */
export function toMsRanges(ranges: readonly DateRange[]): MsRange[] {
  return ranges.map((r) => ({ start: r.start.getTime(), end: r.end.getTime() }));
}

/** Converts MsRanges back to DateRanges. */
export function toDateRanges(ranges: readonly MsRange[]): DateRange[] {
  return ranges.map((r) => ({ start: new Date(r.start), end: new Date(r.end) }));
}

/** Sorts and merges overlapping and touching ranges; empty or inverted ranges are dropped. */
export function mergeMsRanges(ranges: readonly MsRange[]): MsRange[] {
  const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: MsRange[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    // Touching ranges merge too: 09–13 and 13–18 are one working stretch a 12:30–13:30 slot fits in.
    if (last !== undefined && r.start <= last.end) {
      if (r.end > last.end) last.end = r.end;
    } else {
      merged.push({ start: r.start, end: r.end });
    }
  }
  return merged;
}

/** Removes `remove` from `ranges`; both are merged first, the result is sorted and disjoint. */
export function subtractMsRanges(ranges: readonly MsRange[], remove: readonly MsRange[]): MsRange[] {
  const base = mergeMsRanges(ranges);
  const cuts = mergeMsRanges(remove);
  const result: MsRange[] = [];
  let j = 0;
  for (const r of base) {
    let cursor = r.start;
    while (j < cuts.length && cuts[j]!.end <= cursor) j++;
    let k = j;
    while (k < cuts.length && cuts[k]!.start < r.end) {
      const cut = cuts[k]!;
      if (cut.start > cursor) result.push({ start: cursor, end: cut.start });
      cursor = Math.max(cursor, cut.end);
      k++;
    }
    if (cursor < r.end) result.push({ start: cursor, end: r.end });
  }
  return result;
}

/** Keeps the parts covered by both inputs; sorted and disjoint. */
export function intersectMsRanges(left: readonly MsRange[], right: readonly MsRange[]): MsRange[] {
  const a = mergeMsRanges(left);
  const b = mergeMsRanges(right);
  const result: MsRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (start < end) result.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return result;
}

/**
 * Cursor over sorted, disjoint busy ranges for queries whose starts never decrease; each call is
 * amortised O(1) because the pointer only moves forward.
 */
export function createOverlapCursor(busy: readonly MsRange[]): (start: number, end: number) => boolean {
  let pointer = 0;
  return (start, end) => {
    while (pointer < busy.length && busy[pointer]!.end <= start) pointer++;
    const next = busy[pointer];
    return next !== undefined && next.start < end;
  };
}

/** Sorts and merges overlapping or touching ranges. Example: [9–10, 10–11, 12–13] → [9–11, 12–13]. */
export function mergeOverlapping(ranges: readonly DateRange[]): DateRange[] {
  return toDateRanges(mergeMsRanges(toMsRanges(ranges)));
}

/** The parts of `ranges` not covered by `remove`. Example: 9–18 minus 12–13 → [9–12, 13–18]. */
export function subtract(params: { ranges: readonly DateRange[]; remove: readonly DateRange[] }): DateRange[] {
  return toDateRanges(subtractMsRanges(toMsRanges(params.ranges), toMsRanges(params.remove)));
}

/** The parts covered by both lists. Example: [9–13, 14–18] ∩ [12–15] → [12–13, 14–15]. */
export function intersect(params: { left: readonly DateRange[]; right: readonly DateRange[] }): DateRange[] {
  return toDateRanges(intersectMsRanges(toMsRanges(params.left), toMsRanges(params.right)));
}

/**
 * For each query (in input order), whether it overlaps any busy range. Sorts queries and merged busy
 * ranges once and sweeps with one pointer: O((q + b) log(q + b)).
 */
export function overlapsAny(params: { queries: readonly DateRange[]; busy: readonly DateRange[] }): boolean[] {
  const busy = mergeMsRanges(toMsRanges(params.busy));
  const queries = toMsRanges(params.queries);
  const order = queries.map((_, index) => index).sort((a, b) => queries[a]!.start - queries[b]!.start);
  const overlaps = createOverlapCursor(busy);
  const result = new Array<boolean>(queries.length).fill(false);
  for (const index of order) {
    const q = queries[index]!;
    // An empty query occupies no time, so it cannot collide with anything.
    result[index] = q.end > q.start && overlaps(q.start, q.end);
  }
  return result;
}
