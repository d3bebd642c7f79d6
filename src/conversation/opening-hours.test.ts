import { formatOpeningHours, toOpeningHours } from './opening-hours';

const DEMO_HOURS = toOpeningHours([
  ...[1, 2, 3, 4, 5].flatMap((weekday) => [
    { weekday, startMinute: 540, endMinute: 780 },
    { weekday, startMinute: 840, endMinute: 1080 },
    { weekday, startMinute: 540, endMinute: 780 },
  ]),
  { weekday: 6, startMinute: 600, endMinute: 840 },
]);

describe('opening hours', () => {
  it('merges the staff ranges of each day', () => {
    expect(toOpeningHours([{ weekday: 1, startMinute: 540, endMinute: 780 }, { weekday: 1, startMinute: 600, endMinute: 840 }])).toEqual([{ weekday: 1, startMinute: 540, endMinute: 840 }]);
  });

  it.each([
    ['en', 'Mon–Fri 09:00–13:00, 14:00–18:00; Sat 10:00–14:00'],
    ['es', 'lun–vie 09:00–13:00, 14:00–18:00; sáb 10:00–14:00'],
    ['pt', 'seg–sex 09:00–13:00, 14:00–18:00; sáb 10:00–14:00'],
  ] as const)('groups equal days in %s', (locale, expected) => {
    expect(formatOpeningHours(DEMO_HOURS, locale)).toBe(expected);
  });
});
