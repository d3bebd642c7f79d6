import { buildWeek, toMinute } from './test-kit';
import { expandWorkingHours, groupOverridesByDate, resolveDayHours } from './working-hours';
import type { DateOverride, StaffSchedule } from './types';

const weekly = [...buildWeek([1], '09:00', '13:00'), ...buildWeek([1], '14:00', '18:00'), ...buildWeek([2], '22:00', '+02:00')];

/** 'HH:mm-HH:mm' labels of minute ranges. */
function minuteLabels(ranges: Array<{ startMinute: number; endMinute: number }>): string[] {
  const hhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return ranges.map((r) => `${hhmm(r.startMinute)}-${hhmm(r.endMinute)}`);
}

/** An override with one range, or closed when no times are given. */
function override(date: string, from?: string, to?: string): DateOverride {
  return from === undefined || to === undefined
    ? { date, isClosed: true, ranges: [] }
    : { date, isClosed: false, ranges: [{ startMinute: toMinute(from), endMinute: toMinute(to) }] };
}

describe('resolveDayHours precedence', () => {
  it.each<[string, DateOverride[], DateOverride[], string[]]>([
    ['weekly hours of the weekday', [], [], ['09:00-13:00', '14:00-18:00']],
    ['business closure beats a staff override', [override('2026-03-30')], [override('2026-03-30', '10:00', '11:00')], []],
    ['staff override beats business special hours', [override('2026-03-30', '08:00', '12:00')], [override('2026-03-30', '10:00', '11:00')], ['10:00-11:00']],
    ['business special hours replace weekly hours', [override('2026-03-30', '08:00', '12:00')], [], ['08:00-12:00']],
    ['a staff closure closes only that day', [], [override('2026-03-30'), override('2026-03-31', '10:00', '11:00')], []],
    ['two staff overrides on one date add up', [], [override('2026-03-30', '08:00', '09:00'), override('2026-03-30', '17:00', '19:00')], ['08:00-09:00', '17:00-19:00']],
  ])('%s', (_rule, business, staff, expected) => {
    const hours = resolveDayHours({
      localDate: '2026-03-30',
      weeklyHours: weekly,
      staffOverrides: groupOverridesByDate(staff),
      businessOverrides: groupOverridesByDate(business),
    });
    expect(minuteLabels(hours)).toStrictEqual(expected);
  });
});

describe('expandWorkingHours', () => {
  const schedule: StaffSchedule = { staffId: 'ana', weeklyHours: weekly, overrides: [] };

  it('converts each local date with its own offset and keeps an overnight range whole', () => {
    const ranges = expandWorkingHours({ schedule, businessOverrides: [], timeZone: 'Europe/Madrid', fromDate: '2026-03-29', toDate: '2026-03-31' });
    expect(ranges.map((r) => `${r.start.toISOString()}..${r.end.toISOString()}`)).toStrictEqual([
      '2026-03-30T07:00:00.000Z..2026-03-30T11:00:00.000Z',
      '2026-03-30T12:00:00.000Z..2026-03-30T16:00:00.000Z',
      '2026-03-31T20:00:00.000Z..2026-04-01T00:00:00.000Z',
    ]);
  });

  it('skips a range whose end is not after its start instead of failing', () => {
    const broken: StaffSchedule = { staffId: 'ana', weeklyHours: [{ weekday: 1, startMinute: 600, endMinute: 540 }], overrides: [] };
    expect(expandWorkingHours({ schedule: broken, businessOverrides: [], timeZone: 'Europe/Madrid', fromDate: '2026-03-30', toDate: '2026-03-30' })).toStrictEqual([]);
  });
});
