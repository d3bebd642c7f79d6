import { ApiError } from './api-error';
import { formatWithOffset, fromLocalDateTime, toLocalDateTime } from './zoned-time';

describe('zoned time', () => {
  it.each([
    ['2026-03-31T07:00:00.000Z', 'Europe/Madrid', '2026-03-31T09:00:00+02:00'],
    ['2026-03-27T08:00:00.000Z', 'Europe/Madrid', '2026-03-27T09:00:00+01:00'],
    ['2026-01-15T09:00:00.000Z', 'Europe/Lisbon', '2026-01-15T09:00:00+00:00'],
    ['2026-03-31T07:00:00.000Z', 'America/New_York', '2026-03-31T03:00:00-04:00'],
  ])('%s in %s → %s', (iso, zone, expected) => {
    expect(formatWithOffset(new Date(iso), zone)).toBe(expected);
  });

  it.each([
    ['2026-03-31', '09:00', 'Europe/Madrid', '2026-03-31T07:00:00.000Z'],
    ['2026-03-28', '09:00', 'Europe/Madrid', '2026-03-28T08:00:00.000Z'],
    ['2026-10-25', '02:30', 'Europe/Madrid', '2026-10-25T00:30:00.000Z'],
  ])('%s %s in %s → %s', (date, time, timeZone, expected) => {
    expect(fromLocalDateTime({ date, time, timeZone }).toISOString()).toBe(expected);
    expect(toLocalDateTime(new Date(expected), timeZone)).toEqual({ date, time });
  });

  it('refuses a wall time skipped by the spring-forward change', () => {
    expect(() => fromLocalDateTime({ date: '2026-03-29', time: '02:30', timeZone: 'Europe/Madrid' })).toThrow(ApiError);
  });
});
