import { isDomainError } from '../platform/errors';
import { addLocalDays, createZoneClock, formatIsoInstant, formatLocalLabel, getLocalWeekday, listLocalDates, localDayRange, toLocalDate } from './time-zone';

describe('localDayRange', () => {
  it.each<[string, string, string, string, number]>([
    ['Europe/Madrid', '2026-03-30', '2026-03-29T22:00:00.000Z', '2026-03-30T22:00:00.000Z', 24],
    ['Europe/Madrid', '2026-03-29', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z', 23],
    ['Europe/Madrid', '2026-10-25', '2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z', 25],
    ['America/New_York', '2026-03-08', '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', 23],
    ['America/New_York', '2026-11-01', '2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z', 25],
    ['Asia/Kolkata', '2026-03-30', '2026-03-29T18:30:00.000Z', '2026-03-30T18:30:00.000Z', 24],
    ['Asia/Kathmandu', '2026-03-30', '2026-03-29T18:15:00.000Z', '2026-03-30T18:15:00.000Z', 24],
    // Santiago springs forward at local midnight: the day starts at 01:00, which is the first instant of the date.
    ['America/Santiago', '2026-09-06', '2026-09-06T04:00:00.000Z', '2026-09-07T03:00:00.000Z', 23],
  ])('%s %s runs %s → %s (%d h)', (timeZone, date, start, end, hours) => {
    const range = localDayRange(date, timeZone);
    expect([range.start.toISOString(), range.end.toISOString()]).toStrictEqual([start, end]);
    expect((range.end.getTime() - range.start.getTime()) / 3_600_000).toBe(hours);
  });
});

describe('zone clock labels', () => {
  it.each<[string, string, string]>([
    ['Europe/Madrid', '2026-03-29T00:59:00Z', '2026-03-29 01:59'],
    ['Europe/Madrid', '2026-03-29T01:00:00Z', '2026-03-29 03:00'],
    ['Europe/Madrid', '2026-10-25T00:59:00Z', '2026-10-25 02:59'],
    ['Europe/Madrid', '2026-10-25T01:00:00Z', '2026-10-25 02:00'],
    ['America/New_York', '2026-11-01T06:00:00Z', '2026-11-01 01:00'],
    ['Asia/Kathmandu', '2026-03-30T18:14:00Z', '2026-03-30 23:59'],
    ['Asia/Kathmandu', '2026-03-30T18:15:00Z', '2026-03-31 00:00'],
  ])('%s %s reads %s', (timeZone, instant, expected) => {
    const { localDate, localTime } = createZoneClock(timeZone).toLocal(Date.parse(instant));
    expect(`${localDate} ${localTime}`).toBe(expected);
  });

  it('rejects an unknown zone with a validation error that names it', () => {
    expect.assertions(2);
    try {
      createZoneClock('Europe/Atlantis');
    } catch (error) {
      expect(isDomainError(error, 'validation_failed')).toBe(true);
      expect((error as Error).message).toContain('Europe/Atlantis');
    }
  });
});

describe('local date helpers', () => {
  it('lists local dates from today in the business zone, not in UTC', () => {
    // 23:30Z on the 29th is already the 30th in Madrid.
    expect(listLocalDates({ now: new Date('2026-03-29T23:30:00Z'), timeZone: 'Europe/Madrid', days: 3 })).toStrictEqual([
      '2026-03-30',
      '2026-03-31',
      '2026-04-01',
    ]);
  });

  it.each<[string, number, string]>([
    ['2026-02-28', 1, '2026-03-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
  ])('%s + %d day(s) = %s', (date, days, expected) => {
    expect(addLocalDays(date, days)).toBe(expected);
  });

  it('knows the weekday and the local date of an instant', () => {
    expect([getLocalWeekday('2026-03-29'), getLocalWeekday('2026-03-30')]).toStrictEqual([0, 1]);
    expect(toLocalDate(new Date('2026-03-30T20:00:00Z'), 'Asia/Kolkata')).toBe('2026-03-31');
  });

  it('formats a human label in the business zone', () => {
    expect(formatLocalLabel({ at: new Date('2026-03-30T07:00:00Z'), timeZone: 'Europe/Madrid' })).toBe('Mon 30 Mar, 09:00');
  });

  it('rejects a malformed local date', () => {
    expect(() => addLocalDays('30/03/2026', 1)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });
});

describe('formatIsoInstant', () => {
  it('writes exactly what Date.prototype.toISOString writes, on and off the minute, around the epoch and the year bounds', () => {
    const instants = [
      0,
      -1,
      Date.UTC(2026, 6, 1, 7, 30),
      Date.UTC(2026, 11, 31, 23, 59, 59, 999),
      Date.UTC(2026, 2, 29, 1, 0, 7, 40),
      Date.UTC(1969, 11, 31, 23, 59, 30),
      Date.parse('0000-01-01T00:00:00.000Z'),
      Date.parse('0000-01-01T00:00:00.000Z') - 1,
      Date.parse('9999-12-31T23:59:59.999Z'),
      Date.parse('9999-12-31T23:59:59.999Z') + 1,
    ];
    // A seeded walk over 3,000 instants with random minutes, seconds and milliseconds.
    let seed = 7;
    for (let i = 0; i < 3_000; i += 1) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      instants.push(Date.UTC(1990, 0, 1) + seed * 997);
    }
    for (const instant of instants) expect(formatIsoInstant(instant)).toBe(new Date(instant).toISOString());
  });
});
