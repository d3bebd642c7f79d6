import { toStoredRanges, toTimeText, toWeeklySchedule } from './working-hours-format';

describe('working hours format', () => {
  it('stores HH:mm ranges as minutes, with an end before the start crossing midnight', () => {
    const result = toStoredRanges({ monday: [{ start: '14:00', end: '18:00' }, { start: '09:00', end: '13:00' }], friday: [{ start: '22:00', end: '02:00' }], sunday: [{ start: '10:00', end: '24:00' }] });
    expect(result).toEqual({
      ok: true,
      ranges: [
        { weekday: 0, startMinute: 600, endMinute: 1440 },
        { weekday: 1, startMinute: 540, endMinute: 780 },
        { weekday: 1, startMinute: 840, endMinute: 1080 },
        { weekday: 5, startMinute: 1320, endMinute: 1560 },
      ],
    });
    if (!result.ok) return;
    expect(toWeeklySchedule(result.ranges)).toMatchObject({
      sunday: [{ start: '10:00', end: '24:00' }],
      monday: [{ start: '09:00', end: '13:00' }, { start: '14:00', end: '18:00' }],
      tuesday: [],
      friday: [{ start: '22:00', end: '02:00' }],
    });
  });

  it.each([
    [{ monday: [{ start: '09:00', end: '13:00' }, { start: '12:00', end: '14:00' }] }, 'monday', 'overlap'],
    [{ tuesday: [{ start: '09:00', end: '09:00' }] }, 'tuesday', 'same time'],
  ])('refuses %j', (days, field, message) => {
    const result = toStoredRanges(days);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.field).toBe(field);
    expect(result.message).toContain(message);
  });

  it.each([
    [0, '00:00'],
    [545, '09:05'],
    [1440, '24:00'],
    [1500, '01:00'],
  ])('%i minutes → %s', (minutes, text) => {
    expect(toTimeText(minutes)).toBe(text);
  });
});
