import { intersect, mergeOverlapping, overlapsAny, subtract } from './date-range';
import type { DateRange } from './types';

/** '09:00-10:00' on 2026-03-30 UTC → DateRange. */
function range(label: string): DateRange {
  const [from, to] = label.split('-');
  return { start: new Date(`2026-03-30T${from}:00Z`), end: new Date(`2026-03-30T${to}:00Z`) };
}

/** DateRanges back to 'HH:mm-HH:mm' labels. */
function labels(ranges: DateRange[]): string[] {
  return ranges.map((r) => `${r.start.toISOString().slice(11, 16)}-${r.end.toISOString().slice(11, 16)}`);
}

describe('mergeOverlapping', () => {
  it.each<[string, string[], string[]]>([
    ['merges overlapping ranges given out of order', ['11:00-12:00', '09:00-10:30', '10:00-10:45'], ['09:00-10:45', '11:00-12:00']],
    ['merges touching ranges (half-open)', ['09:00-10:00', '10:00-11:00'], ['09:00-11:00']],
    ['keeps a contained range inside its container', ['09:00-12:00', '10:00-11:00'], ['09:00-12:00']],
    ['drops empty and inverted ranges', ['09:00-09:00', '11:00-10:00', '12:00-13:00'], ['12:00-13:00']],
    ['returns nothing for nothing', [], []],
  ])('%s', (_rule, input, expected) => {
    expect(labels(mergeOverlapping(input.map(range)))).toStrictEqual(expected);
  });
});

describe('subtract', () => {
  it.each<[string, string[], string[], string[]]>([
    ['cuts a lunch break out of a day', ['09:00-18:00'], ['13:00-14:00'], ['09:00-13:00', '14:00-18:00']],
    ['removes a range covered entirely', ['09:00-10:00'], ['08:00-11:00'], []],
    ['trims both ends', ['09:00-12:00'], ['08:00-09:30', '11:30-13:00'], ['09:30-11:30']],
    ['one removal can cut two ranges', ['09:00-10:00', '10:30-12:00'], ['09:45-11:00'], ['09:00-09:45', '11:00-12:00']],
    ['touching removals leave the range intact', ['09:00-10:00'], ['08:00-09:00', '10:00-11:00'], ['09:00-10:00']],
  ])('%s', (_rule, ranges, remove, expected) => {
    expect(labels(subtract({ ranges: ranges.map(range), remove: remove.map(range) }))).toStrictEqual(expected);
  });
});

describe('intersect', () => {
  it.each<[string, string[], string[], string[]]>([
    ['keeps the common parts', ['09:00-13:00', '14:00-18:00'], ['12:00-15:00'], ['12:00-13:00', '14:00-15:00']],
    ['touching ranges share nothing', ['09:00-10:00'], ['10:00-11:00'], []],
    ['is symmetric for nested ranges', ['10:00-11:00'], ['09:00-12:00'], ['10:00-11:00']],
  ])('%s', (_rule, left, right, expected) => {
    expect(labels(intersect({ left: left.map(range), right: right.map(range) }))).toStrictEqual(expected);
  });
});

describe('overlapsAny', () => {
  it('answers per query in input order, treating touching as free', () => {
    const busy = ['10:00-11:00', '09:00-09:30', '13:00-14:00'].map(range);
    const queries = ['11:00-11:30', '09:15-09:45', '12:00-13:00', '13:59-14:30', '08:00-09:00', '10:30-10:30'].map(range);
    expect(overlapsAny({ queries, busy })).toStrictEqual([false, true, false, true, false, false]);
  });

  it('finds a long busy interval that started before many short ones', () => {
    const busy = ['09:00-18:00', '10:00-10:15', '11:00-11:15'].map(range);
    expect(overlapsAny({ queries: ['17:00-17:30', '12:00-12:30'].map(range), busy })).toStrictEqual([true, true]);
  });
});
