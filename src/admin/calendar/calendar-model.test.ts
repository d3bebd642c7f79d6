import { buildCalendarGrid, HEADER_ROWS, listViewDates } from './calendar-model';
import type { CalendarRows } from './calendar-repository';

const ZONE = 'Europe/Madrid';
const rows = (overrides: Partial<CalendarRows> = {}): CalendarRows => ({
  staff: [
    { id: 'ana', name: 'Ana' },
    { id: 'ben', name: 'Ben' },
  ],
  weeklyHours: [
    { staffId: 'ana', weekday: 1, startMinute: 9 * 60, endMinute: 13 * 60 },
    { staffId: 'ana', weekday: 1, startMinute: 14 * 60, endMinute: 18 * 60 },
    { staffId: 'ben', weekday: 1, startMinute: 10 * 60, endMinute: 14 * 60 },
  ],
  overrides: [],
  bookings: [],
  busy: [],
  ...overrides,
});
// Row of a local minute in a grid that starts at 09:00 (5-minute rows after the head rows).
const rowAt = (minute: number) => HEADER_ROWS + 1 + (minute - 9 * 60) / 5;

describe('calendar grid', () => {
  it('a week runs Monday to Sunday around any of its days', () => {
    expect(listViewDates('week', '2026-03-25')).toEqual(['2026-03-23', '2026-03-24', '2026-03-25', '2026-03-26', '2026-03-27', '2026-03-28', '2026-03-29']);
    expect(listViewDates('day', '2026-03-25')).toEqual(['2026-03-25']);
  });

  it('shows each staff member’s open hours on the closed background, from the first opening to the last closing', () => {
    const grid = buildCalendarGrid({ view: 'day', dates: ['2026-03-30'], timeZone: ZONE, rows: rows(), now: new Date('2026-03-29T12:00:00Z') });
    expect(grid.firstMinute).toBe(9 * 60);
    expect(grid.lastMinute).toBe(18 * 60);
    expect(grid.columns.map((c) => [c.staffName, c.open])).toStrictEqual([
      ['Ana', [{ row: rowAt(540), span: 48 }, { row: rowAt(840), span: 48 }]],
      ['Ben', [{ row: rowAt(600), span: 48 }]],
    ]);
    expect(grid.now).toBeNull();
  });

  it('a business closure shades the whole day for everyone', () => {
    const grid = buildCalendarGrid({
      view: 'day',
      dates: ['2026-03-30'],
      timeZone: ZONE,
      rows: rows({ overrides: [{ staffId: null, date: '2026-03-30', isClosed: true, startMinute: null, endMinute: null }] }),
      now: new Date('2026-03-29T12:00:00Z'),
    });
    expect(grid.columns.every((c) => c.open.length === 0)).toBe(true);
  });

  it('places bookings in local time (summer time: UTC+2) in their staff column, and marks now on today', () => {
    const grid = buildCalendarGrid({
      view: 'day',
      dates: ['2026-03-30'],
      timeZone: ZONE,
      rows: rows({
        bookings: [{ uid: 'bk_1', status: 'confirmed', staffId: 'ben', startsAt: new Date('2026-03-30T08:30:00Z'), endsAt: new Date('2026-03-30T09:15:00Z'), customerName: 'Maria', serviceName: 'Physio' }],
      }),
      now: new Date('2026-03-30T09:02:00Z'),
    });
    expect(grid.bookings).toStrictEqual([
      expect.objectContaining({ uid: 'bk_1', column: 3, row: rowAt(630), span: 9, timeLabel: '10:30–11:15' }),
    ]);
    expect(grid.now).toStrictEqual({ row: rowAt(11 * 60), label: '11:02', column: 2, width: 2 });
  });

  it('the week view has one column per staff member per day, and now spans only today’s columns', () => {
    const dates = listViewDates('week', '2026-03-30');
    const grid = buildCalendarGrid({ view: 'week', dates, timeZone: ZONE, rows: rows(), now: new Date('2026-04-01T10:00:00Z') });
    expect(grid.columns).toHaveLength(14);
    expect(grid.columns[4]).toMatchObject({ date: '2026-04-01', staffName: 'Ana', index: 6 });
    expect(grid.now).toMatchObject({ column: 6, width: 2, label: '12:00' });
  });

  it('shades external-calendar busy time in its staff member’s column, clipped to the day', () => {
    const grid = buildCalendarGrid({
      view: 'day',
      dates: ['2026-03-30'],
      timeZone: ZONE,
      rows: rows({ busy: [{ staffId: 'ana', startsAt: new Date('2026-03-30T09:00:00Z'), endsAt: new Date('2026-03-30T10:00:00Z') }, { staffId: 'ben', startsAt: new Date('2026-03-29T20:00:00Z'), endsAt: new Date('2026-03-30T08:30:00Z') }] }),
      now: new Date('2026-03-29T12:00:00Z'),
    });
    expect(grid.busy).toStrictEqual([
      { column: 2, row: rowAt(11 * 60), span: 12, label: '11:00–12:00' },
      { column: 3, row: rowAt(9 * 60), span: 18, label: '00:00–10:30' },
    ]);
  });
});
