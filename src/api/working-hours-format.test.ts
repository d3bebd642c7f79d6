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

  it.each<[string, Parameters<typeof toStoredRanges>[0], Array<{ weekday: number; startMinute: number; endMinute: number }>, string[]]>([
    ['00:00–24:00 is a whole day', { monday: [{ start: '00:00', end: '24:00' }] }, [{ weekday: 1, startMinute: 0, endMinute: 1440 }], ['00:00–24:00']],
    ['an end at 23:59 is the end of the day', { monday: [{ start: '00:00', end: '23:59' }] }, [{ weekday: 1, startMinute: 0, endMinute: 1440 }], ['00:00–24:00']],
    ['an evening until 23:59 ends at midnight', { monday: [{ start: '18:00', end: '23:59' }] }, [{ weekday: 1, startMinute: 1080, endMinute: 1440 }], ['18:00–24:00']],
    ['an end at 00:00 crosses to midnight', { monday: [{ start: '18:00', end: '00:00' }] }, [{ weekday: 1, startMinute: 1080, endMinute: 1440 }], ['18:00–24:00']],
    ['a night shift still crosses midnight', { monday: [{ start: '22:00', end: '06:00' }] }, [{ weekday: 1, startMinute: 1320, endMinute: 1800 }], ['22:00–06:00']],
  ])('%s', (_rule, days, stored, shown) => {
    const result = toStoredRanges(days);
    expect(result).toEqual({ ok: true, ranges: stored });
    if (!result.ok) return;
    expect(toWeeklySchedule(result.ranges).monday.map((r) => `${r.start}–${r.end}`)).toStrictEqual(shown);
  });

  it('shows an end stored as 23:59 as 24:00, as the slots read it', () => {
    expect(toWeeklySchedule([{ weekday: 2, startMinute: 600, endMinute: 1439 }]).tuesday).toStrictEqual([{ start: '10:00', end: '24:00' }]);
  });

  it.each([
    [{ monday: [{ start: '09:00', end: '13:00' }, { start: '12:00', end: '14:00' }] }, 'monday', 'overlap'],
    [{ tuesday: [{ start: '09:00', end: '09:00' }] }, 'tuesday', 'same time'],
    [{ tuesday: [{ start: '00:00', end: '00:00' }] }, 'tuesday', 'for a whole day use 00:00–24:00'],
    [{ monday: [{ start: '00:00', end: '24:00' }, { start: '23:00', end: '01:00' }] }, 'monday', 'overlap'],
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
