import { generateSlots } from './slots';
import { localDayRange } from './time-zone';
import { buildWeek, busy, formatSlotInstants, formatSlots, makeInput, toMinute } from './test-kit';
import type { AvailabilityInput, DateOverride, StaffSchedule } from './types';

const MONDAY = '2026-03-30';

/** Restricts the computation to one local day of the input's zone. */
function onDay(date: string, timeZone = 'Europe/Madrid'): Pick<AvailabilityInput, 'from' | 'to'> {
  const { start, end } = localDayRange(date, timeZone);
  return { from: start, to: end };
}

/** One staff member with the given weekly hours and overrides. */
function staffMember(staffId: string, weeklyHours: StaffSchedule['weeklyHours'], overrides: DateOverride[] = []): StaffSchedule {
  return { staffId, weeklyHours, overrides };
}

/** A special-hours override. */
function specialHours(date: string, from: string, to: string): DateOverride {
  return { date, isClosed: false, ranges: [{ startMinute: toMinute(from), endMinute: toMinute(to) }] };
}

/** A closed-all-day override. */
function closedOn(date: string): DateOverride {
  return { date, isClosed: true, ranges: [] };
}

const morning = (id = 'ana', from = '09:00', to = '11:00'): StaffSchedule => staffMember(id, buildWeek([1], from, to));

describe('busy intervals', () => {
  it.each<[string, Partial<AvailabilityInput>, string[]]>([
    [
      'a booking ending exactly at the slot start does not block it (half-open)',
      { busy: [busy('ana', '2026-03-30T07:00:00Z', '2026-03-30T08:00:00Z')] },
      ['2026-03-30 10:00 [ana]', '2026-03-30 10:30 [ana]'],
    ],
    [
      'a booking starting exactly at the slot end does not block it',
      { busy: [busy('ana', '2026-03-30T07:30:00Z', '2026-03-30T09:00:00Z')] },
      ['2026-03-30 09:00 [ana]'],
    ],
    [
      'a booking overlapping two slots blocks both',
      { busy: [busy('ana', '2026-03-30T07:45:00Z', '2026-03-30T08:15:00Z')] },
      ['2026-03-30 09:00 [ana]', '2026-03-30 10:30 [ana]'],
    ],
    [
      'a one-minute overlap blocks',
      { busy: [busy('ana', '2026-03-30T07:29:00Z', '2026-03-30T07:31:00Z')] },
      ['2026-03-30 10:00 [ana]', '2026-03-30 10:30 [ana]'],
    ],
    [
      'overlapping and unsorted busy intervals are combined',
      {
        busy: [
          busy('ana', '2026-03-30T08:30:00Z', '2026-03-30T08:40:00Z'),
          busy('ana', '2026-03-30T07:10:00Z', '2026-03-30T07:20:00Z'),
          busy('ana', '2026-03-30T07:15:00Z', '2026-03-30T07:25:00Z'),
        ],
      },
      ['2026-03-30 09:30 [ana]', '2026-03-30 10:00 [ana]'],
    ],
    [
      "another staff member's booking does not block",
      { busy: [busy('ben', '2026-03-30T07:00:00Z', '2026-03-30T09:00:00Z')] },
      ['2026-03-30 09:00 [ana]', '2026-03-30 09:30 [ana]', '2026-03-30 10:00 [ana]', '2026-03-30 10:30 [ana]'],
    ],
    [
      'an empty busy interval blocks nothing',
      { busy: [busy('ana', '2026-03-30T07:30:00Z', '2026-03-30T07:30:00Z')] },
      ['2026-03-30 09:00 [ana]', '2026-03-30 09:30 [ana]', '2026-03-30 10:00 [ana]', '2026-03-30 10:30 [ana]'],
    ],
  ])('%s', (_rule, overrides, expected) => {
    expect(formatSlots(generateSlots(makeInput({ staff: [morning()], ...onDay(MONDAY), ...overrides })))).toStrictEqual(expected);
  });
});

describe('buffers', () => {
  const physio = { durationMinutes: 45, bufferBeforeMinutes: 0, bufferAfterMinutes: 15 };
  const steps15 = { stepMinutes: 15, minimumNoticeMinutes: 0, maxAdvanceDays: 7 };

  it.each<[string, Partial<AvailabilityInput>, string[]]>([
    [
      'a physio booking 09:00–09:45 plus its 15-min after-buffer blocks the 09:45 slot',
      { service: physio, busy: [busy('ana', '2026-03-30T07:00:00Z', '2026-03-30T08:00:00Z')] },
      ['2026-03-30 10:00 [ana]', '2026-03-30 10:15 [ana]'],
    ],
    [
      "the new slot's own after-buffer must not run into the next booking, but may run past closing",
      { service: physio, busy: [busy('ana', '2026-03-30T08:30:00Z', '2026-03-30T09:00:00Z')] },
      ['2026-03-30 09:00 [ana]', '2026-03-30 09:15 [ana]', '2026-03-30 09:30 [ana]'],
    ],
    [
      "the before-buffer must not overlap the previous booking, but may start before opening",
      {
        service: { durationMinutes: 30, bufferBeforeMinutes: 15, bufferAfterMinutes: 0 },
        busy: [busy('ana', '2026-03-30T07:00:00Z', '2026-03-30T07:30:00Z')],
      },
      ['2026-03-30 09:45 [ana]', '2026-03-30 10:00 [ana]', '2026-03-30 10:15 [ana]', '2026-03-30 10:30 [ana]'],
    ],
  ])('%s', (_rule, overrides, expected) => {
    const input = makeInput({ staff: [morning()], rules: steps15, ...onDay(MONDAY), ...overrides });
    expect(formatSlots(generateSlots(input))).toStrictEqual(expected);
  });
});

describe('notice and booking window', () => {
  it.each<[string, Partial<AvailabilityInput>, string[]]>([
    [
      'notice cuts the grid without shifting it (now 09:50 + 60 min → first slot 11:00, not 10:50)',
      { now: new Date('2026-03-30T07:50:00Z'), rules: { stepMinutes: 30, minimumNoticeMinutes: 60, maxAdvanceDays: 7 } },
      ['2026-03-30 11:00 [ana]', '2026-03-30 11:30 [ana]'],
    ],
    [
      'a start exactly at now + notice is allowed',
      { now: new Date('2026-03-30T08:00:00Z'), rules: { stepMinutes: 30, minimumNoticeMinutes: 60, maxAdvanceDays: 7 } },
      ['2026-03-30 11:00 [ana]', '2026-03-30 11:30 [ana]'],
    ],
    [
      'past starts never appear, even with zero notice',
      { now: new Date('2026-03-30T08:10:00Z') },
      ['2026-03-30 10:30 [ana]', '2026-03-30 11:00 [ana]', '2026-03-30 11:30 [ana]'],
    ],
  ])('%s', (_rule, overrides, expected) => {
    const input = makeInput({ staff: [morning('ana', '09:00', '12:00')], ...onDay(MONDAY), ...overrides });
    expect(formatSlots(generateSlots(input))).toStrictEqual(expected);
  });

  it('stops strictly before now + maxAdvanceDays (elapsed days)', () => {
    const input = makeInput({
      staff: [staffMember('ana', buildWeek([1, 2], '06:00', '08:00'))],
      rules: { stepMinutes: 30, minimumNoticeMinutes: 0, maxAdvanceDays: 1 },
    });
    expect(formatSlots(generateSlots(input))).toStrictEqual([
      '2026-03-30 07:00 [ana]',
      '2026-03-30 07:30 [ana]',
      '2026-03-31 06:00 [ana]',
      '2026-03-31 06:30 [ana]',
    ]);
  });

  it('returns nothing when from/to lies outside the window', () => {
    expect(generateSlots(makeInput({ ...onDay('2026-04-20') }))).toStrictEqual([]);
  });

  it('covers several days in order when no from/to is given', () => {
    const input = makeInput({
      staff: [staffMember('ana', buildWeek([1, 2, 3], '09:00', '09:30'))],
      rules: { stepMinutes: 30, minimumNoticeMinutes: 0, maxAdvanceDays: 8 },
    });
    expect(formatSlots(generateSlots(input))).toStrictEqual([
      '2026-03-30 09:00 [ana]',
      '2026-03-31 09:00 [ana]',
      '2026-04-01 09:00 [ana]',
      '2026-04-06 09:00 [ana]',
    ]);
  });
});

describe('working-hour boundaries and grid', () => {
  it('the last 30-min slot of a 09:00–18:00 day is 17:30, and nothing ends after 18:00', () => {
    const input = makeInput({ ...onDay(MONDAY), rules: { stepMinutes: 15, minimumNoticeMinutes: 0, maxAdvanceDays: 7 } });
    const slots = generateSlots(input);
    expect(slots).toHaveLength(35);
    expect(formatSlots(slots.slice(-2))).toStrictEqual(['2026-03-30 17:15 [ana]', '2026-03-30 17:30 [ana]']);
    expect(slots.at(-1)?.end.toISOString()).toBe('2026-03-30T16:00:00.000Z');
  });

  it.each<[string, string, string, Partial<AvailabilityInput>, string[]]>([
    ['8-min service on a 15-min grid', '09:00', '10:00', {}, ['09:00', '09:15', '09:30', '09:45']],
    ['8-min service whose last step would end after closing', '09:00', '09:50', {}, ['09:00', '09:15', '09:30']],
    [
      '8-min service next to a short busy block',
      '09:00',
      '10:00',
      { busy: [busy('ana', '2026-03-30T07:20:00Z', '2026-03-30T07:25:00Z')] },
      ['09:00', '09:30', '09:45'],
    ],
  ])('%s', (_rule, from, to, overrides, expected) => {
    const input = makeInput({
      staff: [morning('ana', from, to)],
      service: { durationMinutes: 8, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
      rules: { stepMinutes: 15, minimumNoticeMinutes: 0, maxAdvanceDays: 7 },
      ...onDay(MONDAY),
      ...overrides,
    });
    expect(generateSlots(input).map((s) => s.localTime)).toStrictEqual(expected);
  });

  it.each<[string, StaffSchedule['weeklyHours'], Partial<AvailabilityInput>, string[]]>([
    ['the grid starts at the range start (09:10), not on the hour', buildWeek([1], '09:10', '10:30'), {}, ['09:10', '09:40']],
    [
      'a busy block does not shift the grid',
      buildWeek([1], '09:10', '10:30'),
      { busy: [busy('ana', '2026-03-30T07:00:00Z', '2026-03-30T07:20:00Z')] },
      ['09:40'],
    ],
    [
      'adjacent ranges merge, so a slot may span their seam',
      [...buildWeek([1], '09:00', '10:30'), ...buildWeek([1], '10:30', '11:30')],
      { service: { durationMinutes: 60, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 } },
      ['09:00', '09:30', '10:00', '10:30'],
    ],
    [
      'a gap between ranges restarts the grid at the second range',
      [...buildWeek([1], '09:00', '10:00'), ...buildWeek([1], '10:45', '11:30')],
      {},
      ['09:00', '09:30', '10:45'],
    ],
  ])('%s', (_rule, weeklyHours, overrides, expected) => {
    const input = makeInput({ staff: [staffMember('ana', weeklyHours)], ...onDay(MONDAY), ...overrides });
    expect(generateSlots(input).map((s) => s.localTime)).toStrictEqual(expected);
  });
});

describe('ranges ending at the end of the day (24:00, or 23:59 read as 24:00)', () => {
  const everyDay = [0, 1, 2, 3, 4, 5, 6];
  const hour = { durationMinutes: 60, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 };

  it.each<[string, string, Partial<AvailabilityInput>, [string, string, number]]>([
    ['00:00–24:00 every day offers the whole day', MONDAY, { staff: [staffMember('ana', buildWeek(everyDay, '00:00', '24:00'))] }, ['00:00', '23:30', 48]],
    ['00:00–23:59 is the same whole day', MONDAY, { staff: [staffMember('ana', buildWeek(everyDay, '00:00', '23:59'))] }, ['00:00', '23:30', 48]],
    ['an evening until 23:59 keeps its last half hour', MONDAY, { staff: [staffMember('ana', buildWeek([1], '18:00', '23:59'))] }, ['18:00', '23:30', 12]],
    [
      'special hours until 23:59 also end at midnight',
      MONDAY,
      { staff: [staffMember('ana', buildWeek([1], '09:00', '12:00'), [specialHours(MONDAY, '20:00', '23:59')])] },
      ['20:00', '23:30', 8],
    ],
    [
      'whole days in a row: an hour-long appointment may run across midnight',
      MONDAY,
      { service: hour, staff: [staffMember('ana', buildWeek(everyDay, '00:00', '24:00'))] },
      ['00:00', '23:30', 48],
    ],
    [
      'a whole day followed by a day off: the last hour-long appointment ends at midnight',
      MONDAY,
      { service: hour, staff: [staffMember('ana', buildWeek([1], '00:00', '23:59'))] },
      ['00:00', '23:00', 47],
    ],
    ['the spring-forward day has 23 hours', '2026-03-29', { staff: [staffMember('ana', buildWeek(everyDay, '00:00', '24:00'))] }, ['00:00', '23:30', 46]],
    ['the fall-back day has 25 hours', '2026-10-25', { staff: [staffMember('ana', buildWeek(everyDay, '00:00', '23:59'))], rules: { stepMinutes: 30, minimumNoticeMinutes: 0, maxAdvanceDays: 240 } }, ['00:00', '23:30', 50]],
  ])('%s', (_rule, date, overrides, [first, last, count]) => {
    const input = makeInput({ now: new Date('2026-03-28T00:00:00Z'), ...onDay(date), ...overrides });
    const times = generateSlots(input).map((s) => s.localTime);
    expect([times[0], times.at(-1), times.length]).toStrictEqual([first, last, count]);
  });
});

describe('gap starts after a busy block or the notice cut-off (rules.fillGapsAfterBusy)', () => {
  // Monday 09:30–17:30 in Madrid, an hour-long service on an hourly grid (09:30, 10:30, …, 16:30); now is 07:00 local.
  const hourly = { stepMinutes: 60, minimumNoticeMinutes: 0, maxAdvanceDays: 7 };
  const hour = { durationMinutes: 60, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 };
  const grid = ['10:30', '11:30', '12:30', '13:30', '14:30', '15:30', '16:30'];

  it.each<[string, Partial<AvailabilityInput>, string[], string[]]>([
    [
      'a 15-min booking at opening: the free 09:45–10:30 is used by a 09:45 start (8 starts, not 7)',
      { busy: [busy('ana', '2026-03-30T07:30:00Z', '2026-03-30T07:45:00Z')] },
      grid,
      ['09:45', ...grid],
    ],
    [
      'a booking ending on the grid adds nothing',
      { busy: [busy('ana', '2026-03-30T07:30:00Z', '2026-03-30T08:30:00Z')] },
      grid,
      grid,
    ],
    [
      'the gap start is rounded up to a quarter hour of the local clock (a block ending 09:47 → 10:00)',
      { busy: [busy('ana', '2026-03-30T07:30:00Z', '2026-03-30T07:47:00Z')] },
      grid,
      ['10:00', ...grid],
    ],
    [
      "the new appointment's before-buffer delays the gap start (block until 09:45 + 15 min → 10:00)",
      { service: { ...hour, bufferBeforeMinutes: 15 }, busy: [busy('ana', '2026-03-30T07:30:00Z', '2026-03-30T07:45:00Z')] },
      grid,
      ['10:00', ...grid],
    ],
    [
      'a gap start must be free for the whole appointment; the next block opens its own gap',
      { busy: [busy('ana', '2026-03-30T07:30:00Z', '2026-03-30T07:45:00Z'), busy('ana', '2026-03-30T08:15:00Z', '2026-03-30T09:00:00Z')] },
      grid.slice(1),
      ['11:00', ...grid.slice(1)],
    ],
    [
      'a gap start must end by closing time',
      { busy: [busy('ana', '2026-03-30T13:30:00Z', '2026-03-30T14:45:00Z')] },
      ['09:30', ...grid.slice(0, 5)],
      ['09:30', ...grid.slice(0, 5)],
    ],
    [
      'the notice cut-off opens a gap too (now 09:07 + 60 min → 10:15, before the grid’s 10:30)',
      { now: new Date('2026-03-30T07:07:00Z'), rules: { ...hourly, minimumNoticeMinutes: 60 } },
      grid,
      ['10:15', ...grid],
    ],
    [
      'a quarter-hour grid never gets gap starts: its own starts already use the gap',
      { rules: { ...hourly, stepMinutes: 15 }, busy: [busy('ana', '2026-03-30T07:30:00Z', '2026-03-30T07:47:00Z')], to: new Date('2026-03-30T09:00:00Z') },
      ['10:00', '10:15', '10:30', '10:45'],
      ['10:00', '10:15', '10:30', '10:45'],
    ],
  ])('%s', (_rule, overrides, withoutGaps, withGaps) => {
    const base = { staff: [morning('ana', '09:30', '17:30')], service: hour, ...onDay(MONDAY) };
    const run = (fillGapsAfterBusy: boolean) => {
      const input = makeInput({ ...base, ...overrides, rules: { ...hourly, ...overrides.rules, fillGapsAfterBusy } });
      return generateSlots(input).map((s) => s.localTime);
    };
    expect(run(false)).toStrictEqual(withoutGaps);
    expect(run(true)).toStrictEqual(withGaps);
  });

  it('a gap start belongs to the staff member whose block ended; the others keep their grid', () => {
    const input = makeInput({
      staff: [morning('ana', '09:30', '12:30'), morning('ben', '09:30', '12:30')],
      service: hour,
      rules: { ...hourly, fillGapsAfterBusy: true },
      busy: [busy('ana', '2026-03-30T07:30:00Z', '2026-03-30T07:45:00Z')],
      ...onDay(MONDAY),
    });
    expect(formatSlots(generateSlots(input))).toStrictEqual([
      '2026-03-30 09:30 [ben]',
      '2026-03-30 09:45 [ana]',
      '2026-03-30 10:30 [ana,ben]',
      '2026-03-30 11:30 [ana,ben]',
    ]);
  });

  it('rounds on the local clock in a zone with a 45-minute offset (Kathmandu)', () => {
    // 09:30 local in Kathmandu (+05:45) is 03:45Z; a block until 09:47 local (04:02Z) gives 10:00 local.
    const input = makeInput({
      timeZone: 'Asia/Kathmandu',
      now: new Date('2026-03-30T00:00:00Z'),
      staff: [morning('ana', '09:30', '12:30')],
      service: hour,
      rules: { ...hourly, fillGapsAfterBusy: true },
      busy: [busy('ana', '2026-03-30T03:45:00Z', '2026-03-30T04:02:00Z')],
      ...onDay(MONDAY, 'Asia/Kathmandu'),
    });
    expect(formatSlotInstants(generateSlots(input))).toStrictEqual(['10:00=2026-03-30T04:15Z', '10:30=2026-03-30T04:45Z', '11:30=2026-03-30T05:45Z']);
  });
});

describe('ranges crossing midnight', () => {
  const lateShift = staffMember('ana', buildWeek([5], '22:00', '+02:00'));
  const hourly = {
    service: { durationMinutes: 60, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
    rules: { stepMinutes: 60, minimumNoticeMinutes: 0, maxAdvanceDays: 6 },
  };

  it.each<[string, DateOverride[], DateOverride[], string[]]>([
    [
      'a Friday 22:00–02:00 range runs into Saturday',
      [],
      [],
      ['2026-04-03 22:00 [ana]', '2026-04-03 23:00 [ana]', '2026-04-04 00:00 [ana]', '2026-04-04 01:00 [ana]'],
    ],
    [
      "it belongs to Friday: closing Saturday does not cut Friday night's hours",
      [closedOn('2026-04-04')],
      [],
      ['2026-04-03 22:00 [ana]', '2026-04-03 23:00 [ana]', '2026-04-04 00:00 [ana]', '2026-04-04 01:00 [ana]'],
    ],
    ["closing Friday removes the whole overnight range", [closedOn('2026-04-03')], [], []],
    [
      'a Friday override replaces the overnight range',
      [],
      [specialHours('2026-04-03', '23:00', '+01:00')],
      ['2026-04-03 23:00 [ana]', '2026-04-04 00:00 [ana]'],
    ],
  ])('%s', (_rule, businessOverrides, staffOverrides, expected) => {
    const input = makeInput({ ...hourly, staff: [{ ...lateShift, overrides: staffOverrides }], businessOverrides });
    expect(formatSlots(generateSlots(input))).toStrictEqual(expected);
  });

  it('an overnight range from the day before now still offers its remaining slots', () => {
    const input = makeInput({
      ...hourly,
      now: new Date('2026-04-03T22:30:00Z'), // Saturday 00:30 in Madrid
      staff: [lateShift],
      rules: { stepMinutes: 60, minimumNoticeMinutes: 0, maxAdvanceDays: 1 },
    });
    expect(formatSlots(generateSlots(input))).toStrictEqual(['2026-04-04 01:00 [ana]']);
  });
});

describe('daylight saving time', () => {
  const hourly = {
    service: { durationMinutes: 60, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
    rules: { stepMinutes: 60, minimumNoticeMinutes: 0, maxAdvanceDays: 30 },
  };

  it.each<[string, string, string, number, string, string, string[]]>([
    ['Madrid spring forward: 14:00–18:00 starts at local 14:00', 'Europe/Madrid', '2026-03-29', 0, '14:00', '18:00',
      ['14:00=2026-03-29T12:00Z', '15:00=2026-03-29T13:00Z', '16:00=2026-03-29T14:00Z', '17:00=2026-03-29T15:00Z']],
    ['Madrid spring forward: 01:00–05:00 skips the missing 02:00 hour', 'Europe/Madrid', '2026-03-29', 0, '01:00', '05:00',
      ['01:00=2026-03-29T00:00Z', '03:00=2026-03-29T01:00Z', '04:00=2026-03-29T02:00Z']],
    ['Madrid spring forward: a range opening at missing 02:30 opens when the clock jumps to 03:00', 'Europe/Madrid', '2026-03-29', 0, '02:30', '05:00',
      ['03:00=2026-03-29T01:00Z', '04:00=2026-03-29T02:00Z']],
    ['Madrid fall back: 14:00–18:00 starts at local 14:00', 'Europe/Madrid', '2026-10-25', 0, '14:00', '18:00',
      ['14:00=2026-10-25T13:00Z', '15:00=2026-10-25T14:00Z', '16:00=2026-10-25T15:00Z', '17:00=2026-10-25T16:00Z']],
    ['Madrid fall back: 01:00–04:00 offers the repeated 02:00 hour twice', 'Europe/Madrid', '2026-10-25', 0, '01:00', '04:00',
      ['01:00=2026-10-24T23:00Z', '02:00=2026-10-25T00:00Z', '02:00=2026-10-25T01:00Z', '03:00=2026-10-25T02:00Z']],
    ['Madrid fall back: a range opening at ambiguous 02:30 opens at its first occurrence', 'Europe/Madrid', '2026-10-25', 0, '02:30', '04:00',
      ['02:30=2026-10-25T00:30Z', '02:30=2026-10-25T01:30Z']],
    ['New York spring forward: 14:00–18:00 starts at local 14:00', 'America/New_York', '2026-03-08', 0, '14:00', '18:00',
      ['14:00=2026-03-08T18:00Z', '15:00=2026-03-08T19:00Z', '16:00=2026-03-08T20:00Z', '17:00=2026-03-08T21:00Z']],
    ['New York spring forward: 01:00–04:00 skips the missing 02:00 hour', 'America/New_York', '2026-03-08', 0, '01:00', '04:00',
      ['01:00=2026-03-08T06:00Z', '03:00=2026-03-08T07:00Z']],
    ['New York fall back: 14:00–18:00 starts at local 14:00', 'America/New_York', '2026-11-01', 0, '14:00', '18:00',
      ['14:00=2026-11-01T19:00Z', '15:00=2026-11-01T20:00Z', '16:00=2026-11-01T21:00Z', '17:00=2026-11-01T22:00Z']],
    ['New York fall back: 00:00–03:00 offers the repeated 01:00 hour twice', 'America/New_York', '2026-11-01', 0, '00:00', '03:00',
      ['00:00=2026-11-01T04:00Z', '01:00=2026-11-01T05:00Z', '01:00=2026-11-01T06:00Z', '02:00=2026-11-01T07:00Z']],
    ['New York fall back: a range opening at ambiguous 01:30 opens at its first occurrence', 'America/New_York', '2026-11-01', 0, '01:30', '03:00',
      ['01:30=2026-11-01T05:30Z', '01:30=2026-11-01T06:30Z']],
    ['Kolkata (+05:30): 09:00–11:00', 'Asia/Kolkata', '2026-03-30', 1, '09:00', '11:00',
      ['09:00=2026-03-30T03:30Z', '10:00=2026-03-30T04:30Z']],
    ['Kathmandu (+05:45): 09:00–11:00', 'Asia/Kathmandu', '2026-03-30', 1, '09:00', '11:00',
      ['09:00=2026-03-30T03:15Z', '10:00=2026-03-30T04:15Z']],
  ])('%s', (_rule, timeZone, date, weekday, from, to, expected) => {
    const input = makeInput({
      ...hourly,
      now: new Date(`${date.slice(0, 8)}01T00:00:00Z`),
      timeZone,
      staff: [staffMember('ana', buildWeek([weekday], from, to))],
      ...onDay(date, timeZone),
    });
    const slots = generateSlots(input);
    expect(formatSlotInstants(slots)).toStrictEqual(expected);
    expect(slots.every((s) => s.localDate === date)).toBe(true);
  });

  it('keeps the 15-min grid in Kathmandu and labels it in local time', () => {
    const input = makeInput({
      timeZone: 'Asia/Kathmandu',
      now: new Date('2026-03-30T00:00:00Z'),
      staff: [morning('ana', '09:00', '10:30')],
      rules: { stepMinutes: 15, minimumNoticeMinutes: 0, maxAdvanceDays: 1 },
      busy: [busy('ana', '2026-03-30T03:30:00Z', '2026-03-30T03:45:00Z')], // 09:15–09:30 in Kathmandu
    });
    expect(formatSlots(generateSlots(input))).toStrictEqual([
      '2026-03-30 09:30 [ana]',
      '2026-03-30 09:45 [ana]',
      '2026-03-30 10:00 [ana]',
    ]);
  });
});

describe('override precedence', () => {
  const ana = morning('ana', '09:00', '10:00');
  const ben = morning('ben', '09:00', '10:00');

  it.each<[string, string, DateOverride[], DateOverride[], string[]]>([
    ['weekly hours apply without overrides', MONDAY, [], [], ['09:00 [ana,ben]', '09:30 [ana,ben]']],
    [
      'a business closure closes everybody, even staff with special hours',
      MONDAY,
      [closedOn(MONDAY)],
      [specialHours(MONDAY, '12:00', '13:00')],
      [],
    ],
    [
      "a staff override replaces that staff member's weekly hours only",
      MONDAY,
      [],
      [specialHours(MONDAY, '12:00', '13:00')],
      ['09:00 [ben]', '09:30 [ben]', '12:00 [ana]', '12:30 [ana]'],
    ],
    [
      'a staff override beats business special hours; others get the special hours',
      MONDAY,
      [specialHours(MONDAY, '10:00', '11:00')],
      [specialHours(MONDAY, '12:00', '12:30')],
      ['10:00 [ben]', '10:30 [ben]', '12:00 [ana]'],
    ],
    ['a staff day off leaves the others working', MONDAY, [], [closedOn(MONDAY)], ['09:00 [ben]', '09:30 [ben]']],
    [
      'business special hours open a Sunday without weekly hours',
      '2026-03-29',
      [specialHours('2026-03-29', '10:00', '11:00')],
      [],
      ['10:00 [ana,ben]', '10:30 [ana,ben]'],
    ],
    [
      'an override for another date changes nothing',
      MONDAY,
      [closedOn('2026-03-31')],
      [closedOn('2026-03-31')],
      ['09:00 [ana,ben]', '09:30 [ana,ben]'],
    ],
  ])('%s', (_rule, day, businessOverrides, anaOverrides, expected) => {
    const input = makeInput({
      now: new Date('2026-03-28T00:00:00Z'),
      staff: [{ ...ana, overrides: anaOverrides }, ben],
      businessOverrides,
      ...onDay(day),
    });
    expect(generateSlots(input).map((s) => `${s.localTime} [${s.staffIds.join(',')}]`)).toStrictEqual(expected);
  });
});

describe('staff selection', () => {
  const staff = [morning('ben', '09:30', '10:30'), morning('ana', '09:00', '10:00')];

  it.each<[string, Partial<AvailabilityInput>, string[]]>([
    ['"any staff" lists each start once with everyone free, sorted', {}, ['09:00 [ana]', '09:30 [ana,ben]', '10:00 [ben]']],
    [
      'a busy staff member drops out of a shared start',
      { busy: [busy('ana', '2026-03-30T07:30:00Z', '2026-03-30T08:00:00Z')] },
      ['09:00 [ana]', '09:30 [ben]', '10:00 [ben]'],
    ],
    ['the staff filter keeps only the chosen staff', { staffIds: ['ben'] }, ['09:30 [ben]', '10:00 [ben]']],
    ['an unknown staff id in the filter yields nothing', { staffIds: ['zoe'] }, []],
    [
      'a staff member listed twice appears once',
      { staff: [...staff, morning('ana', '09:00', '10:00')] },
      ['09:00 [ana]', '09:30 [ana,ben]', '10:00 [ben]'],
    ],
  ])('%s', (_rule, overrides, expected) => {
    const input = makeInput({ staff, ...onDay(MONDAY), ...overrides });
    expect(generateSlots(input).map((s) => `${s.localTime} [${s.staffIds.join(',')}]`)).toStrictEqual(expected);
  });
});

describe('input validation', () => {
  it.each<[string, Partial<AvailabilityInput>]>([
    ['unknown time zone', { timeZone: 'Mars/Olympus' }],
    ['zero step', { rules: { stepMinutes: 0, minimumNoticeMinutes: 0, maxAdvanceDays: 7 } }],
    ['zero duration', { service: { durationMinutes: 0, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 } }],
  ])('rejects %s with a validation error', (_case, overrides) => {
    expect(() => generateSlots(makeInput(overrides))).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });
});

describe('remembered working ranges (schedule objects reused across calls, as the Flows catalog does)', () => {
  const ana = morning();
  const noOverrides: DateOverride[] = [];
  const input = (changes: Partial<AvailabilityInput>) => makeInput({ staff: [ana], businessOverrides: noOverrides, ...onDay(MONDAY), ...changes });

  it('answers a repeated call like the first, and another override list with its own hours', () => {
    const first = formatSlots(generateSlots(input({})));
    expect(first).toStrictEqual(['2026-03-30 09:00 [ana]', '2026-03-30 09:30 [ana]', '2026-03-30 10:00 [ana]', '2026-03-30 10:30 [ana]']);
    expect(formatSlots(generateSlots(input({})))).toStrictEqual(first);
    // Same staff object, another business override list: the closure applies, not the remembered ranges.
    expect(generateSlots(input({ businessOverrides: [closedOn(MONDAY)] }))).toStrictEqual([]);
    expect(formatSlots(generateSlots(input({ businessOverrides: [specialHours(MONDAY, '10:00', '11:00')] })))).toStrictEqual([
      '2026-03-30 10:00 [ana]',
      '2026-03-30 10:30 [ana]',
    ]);
    expect(formatSlots(generateSlots(input({})))).toStrictEqual(first);
  });

  it('follows a new schedule object with other hours, and another zone for the same objects', () => {
    generateSlots(input({}));
    const later = { ...ana, weeklyHours: buildWeek([1], '10:00', '11:00') };
    expect(formatSlots(generateSlots(input({ staff: [later] })))).toStrictEqual(['2026-03-30 10:00 [ana]', '2026-03-30 10:30 [ana]']);
    // 09:00–11:00 in Lisbon is 10:00–12:00 in Madrid: the ranges are the zone's, not the first call's.
    const lisbon = generateSlots(input({ timeZone: 'Europe/Lisbon', ...onDay(MONDAY, 'Europe/Lisbon') }));
    expect(formatSlotInstants(lisbon)).toStrictEqual(['09:00=2026-03-30T08:00Z', '09:30=2026-03-30T08:30Z', '10:00=2026-03-30T09:00Z', '10:30=2026-03-30T09:30Z']);
  });

  it('expands from the new yesterday when `now` moves on a week, keeping the grid of a range chained across days', () => {
    // Open round the clock with a 25-minute step: one range chained from yesterday on, whose start anchors
    // the grid (1,440 is no multiple of 25), so a week later the grid of a given day is another one.
    const night = staffMember('ana', [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: 0, endMinute: 24 * 60 })));
    const nightInput = (now: string, day: string) =>
      makeInput({ staff: [night], businessOverrides: noOverrides, now: new Date(now), rules: { stepMinutes: 25, minimumNoticeMinutes: 0, maxAdvanceDays: 30 }, ...onDay(day) });
    const fresh = (now: string, day: string) => formatSlots(generateSlots({ ...nightInput(now, day), staff: [{ ...night }], businessOverrides: [] }));
    const answers = [['2026-03-30T05:00:00Z', '2026-04-01'], ['2026-04-06T05:00:00Z', '2026-04-08'], ['2026-03-30T05:00:00Z', '2026-04-08']].map(([now, day]) => {
      const slots = formatSlots(generateSlots(nightInput(now!, day!)));
      expect(slots).toStrictEqual(fresh(now!, day!));
      return slots;
    });
    // The same day seen from two weeks' "now" has two grids: the cache told them apart.
    expect(answers[1]![0]).not.toBe(answers[2]![0]);
  });
});
