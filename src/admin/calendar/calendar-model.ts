/**
 * Turns calendar rows into grid placements: one column per staff member (per day in the week
 * view), rows of 5 minutes, open hours on a shaded (closed) background, bookings and "now".
 */
import { formatInTimeZone } from 'date-fns-tz';
import { addLocalDays, groupOverridesByDate, localDayRange, resolveDayHours, toLocalDate, type DateOverride } from '../../scheduling';
import type { CalendarBooking, CalendarRows } from './calendar-repository';

const ROW_MINUTES = 5;
/** Rows the column heads take (the stylesheet's CALENDAR_HEADER_ROWS). */
export const HEADER_ROWS = 6;

/** A column of the grid. */
export interface CalendarColumn {
  index: number;
  date: string;
  staffId: string;
  staffName: string;
  open: Array<{ row: number; span: number }>;
}

/** A booking placed on the grid. */
export interface PlacedBooking extends CalendarBooking {
  column: number;
  row: number;
  span: number;
  timeLabel: string;
}

/** The whole grid of one view. */
export interface CalendarGrid {
  view: 'day' | 'week';
  dates: string[];
  timeZone: string;
  firstMinute: number;
  lastMinute: number;
  rowCount: number;
  columns: CalendarColumn[];
  bookings: PlacedBooking[];
  /** External-calendar busy time, shaded like closed time. */
  busy: Array<{ column: number; row: number; span: number; label: string }>;
  hours: Array<{ label: string; row: number }>;
  now: { row: number; label: string; column: number; width: number } | null;
}

/** The local dates a view shows: the day, or Monday..Sunday of its week. */
export function listViewDates(view: 'day' | 'week', date: string): string[] {
  if (view === 'day') return [date];
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  const monday = addLocalDays(date, -((weekday + 6) % 7));
  return Array.from({ length: 7 }, (_, index) => addLocalDays(monday, index));
}

/** The UTC range of the view's dates. */
export function findViewRange(dates: string[], timeZone: string): { from: Date; to: Date } {
  return { from: localDayRange(dates[0]!, timeZone).start, to: localDayRange(dates[dates.length - 1]!, timeZone).end };
}

function toOverrides(rows: CalendarRows['overrides']): DateOverride[] {
  const byKey = new Map<string, DateOverride>();
  for (const row of rows) {
    const key = row.date;
    const existing = byKey.get(key) ?? { date: row.date, isClosed: false, ranges: [] };
    if (row.isClosed) existing.isClosed = true;
    else if (row.startMinute !== null && row.endMinute !== null) existing.ranges.push({ startMinute: row.startMinute, endMinute: row.endMinute });
    byKey.set(key, existing);
  }
  return [...byKey.values()];
}

function minuteOfDay(instant: Date, timeZone: string): number {
  const [hours, minutes] = formatInTimeZone(instant, timeZone, 'HH:mm').split(':').map(Number);
  return hours! * 60 + minutes!;
}

/** Builds the grid of a view. */
export function buildCalendarGrid(params: { view: 'day' | 'week'; dates: string[]; timeZone: string; rows: CalendarRows; now: Date }): CalendarGrid {
  const { rows, timeZone, dates } = params;
  const businessOverrides = groupOverridesByDate(toOverrides(rows.overrides.filter((row) => row.staffId === null)));
  const hoursByStaff = rows.staff.map((member) => {
    const staffOverrides = groupOverridesByDate(toOverrides(rows.overrides.filter((row) => row.staffId === member.id)));
    const weeklyHours = rows.weeklyHours.filter((row) => row.staffId === member.id);
    return { member, byDate: new Map(dates.map((date) => [date, resolveDayHours({ localDate: date, weeklyHours, staffOverrides, businessOverrides }).filter((r) => r.endMinute > r.startMinute)])) };
  });

  // The visible hours: every open range and booking of the view, whole hours, 08:00–19:00 at least when empty.
  let first = Infinity;
  let last = -Infinity;
  for (const { byDate } of hoursByStaff) for (const ranges of byDate.values()) for (const r of ranges) { first = Math.min(first, r.startMinute); last = Math.max(last, Math.min(r.endMinute, 1440)); }
  for (const booking of rows.bookings) {
    first = Math.min(first, minuteOfDay(booking.startsAt, timeZone));
    const endMinute = minuteOfDay(booking.endsAt, timeZone);
    last = Math.max(last, endMinute === 0 ? 1440 : endMinute);
  }
  if (!Number.isFinite(first)) { first = 8 * 60; last = 19 * 60; }
  const firstMinute = Math.floor(first / 60) * 60;
  const lastMinute = Math.min(1440, Math.max(firstMinute + 60, Math.ceil(last / 60) * 60));
  const rowOf = (minute: number) => HEADER_ROWS + 1 + Math.floor((Math.max(firstMinute, Math.min(lastMinute, minute)) - firstMinute) / ROW_MINUTES);
  const rowCount = (lastMinute - firstMinute) / ROW_MINUTES;

  const columns: CalendarColumn[] = [];
  let index = 2;
  for (const date of dates) {
    for (const { member, byDate } of hoursByStaff) {
      const open = (byDate.get(date) ?? []).map((r) => ({ row: rowOf(r.startMinute), span: Math.max(1, rowOf(Math.min(r.endMinute, 1440)) - rowOf(r.startMinute)) }));
      columns.push({ index, date, staffId: member.id, staffName: member.name, open });
      index += 1;
    }
  }

  const bookings: PlacedBooking[] = [];
  for (const booking of rows.bookings) {
    const date = toLocalDate(booking.startsAt, timeZone);
    const column = columns.find((c) => c.date === date && c.staffId === booking.staffId);
    if (!column) continue;
    const startMinute = minuteOfDay(booking.startsAt, timeZone);
    const endDate = toLocalDate(booking.endsAt, timeZone);
    const endMinute = endDate === date ? minuteOfDay(booking.endsAt, timeZone) : 1440;
    const row = rowOf(startMinute);
    bookings.push({ ...booking, column: column.index, row, span: Math.max(3, rowOf(endMinute) - row), timeLabel: `${formatInTimeZone(booking.startsAt, timeZone, 'HH:mm')}–${formatInTimeZone(booking.endsAt, timeZone, 'HH:mm')}` });
  }

  const busy: CalendarGrid['busy'] = [];
  for (const block of rows.busy ?? []) {
    // A block may run over several days: clip it to each shown day of its staff member.
    for (const column of columns.filter((c) => c.staffId === block.staffId)) {
      const day = localDayRange(column.date, timeZone);
      const start = Math.max(block.startsAt.getTime(), day.start.getTime());
      const end = Math.min(block.endsAt.getTime(), day.end.getTime());
      if (end <= start) continue;
      const startMinute = minuteOfDay(new Date(start), timeZone);
      const endMinute = end === day.end.getTime() ? 1440 : minuteOfDay(new Date(end), timeZone);
      const row = rowOf(startMinute);
      const span = rowOf(endMinute) - row;
      if (span > 0) busy.push({ column: column.index, row, span, label: `${formatInTimeZone(new Date(start), timeZone, 'HH:mm')}–${formatInTimeZone(new Date(end), timeZone, 'HH:mm')}` });
    }
  }

  const hours = [];
  for (let minute = firstMinute; minute < lastMinute; minute += 60) hours.push({ label: `${String(minute / 60).padStart(2, '0')}:00`, row: rowOf(minute) });

  const today = toLocalDate(params.now, timeZone);
  const nowMinute = minuteOfDay(params.now, timeZone);
  const todayColumns = columns.filter((c) => c.date === today);
  const now =
    todayColumns.length > 0 && nowMinute >= firstMinute && nowMinute < lastMinute
      ? { row: rowOf(nowMinute), label: formatInTimeZone(params.now, timeZone, 'HH:mm'), column: todayColumns[0]!.index, width: todayColumns.length }
      : null;
  return { view: params.view, dates, timeZone, firstMinute, lastMinute, rowCount, columns, bookings, busy, hours, now };
}
