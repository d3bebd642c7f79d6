/**
 * The weekly hours grid of a staff member's page: per weekday, rows of start and end fields named
 * `hours.<weekday>.<row>.start|end`. Reads a submitted grid into the body of
 * PUT /v1/staff/{id}/working-hours (the API checks the ranges), and maps the API's issues back to
 * the grid's fields. Blank rows are skipped, so a row is removed by clearing it.
 */
import { MAX_RANGES_PER_DAY } from '../../api/staff-routes';
import { WEEKDAY_NAMES, type TimeRange, type WeekdayName } from '../../api/working-hours-format';
import type { FormBody } from './form-values';

/** The most ranges per weekday (the API's limit). */
export const MAX_ROWS_PER_DAY = MAX_RANGES_PER_DAY;

/** Weekdays in the order a week is shown (Monday first). */
export const GRID_WEEKDAYS: readonly WeekdayName[] = [...WEEKDAY_NAMES.slice(1), WEEKDAY_NAMES[0]];

/** The rows of a grid as typed: per weekday, start and end texts. */
export type HoursGrid = Record<WeekdayName, TimeRange[]>;

/** A read grid: the API body and where each API range came from, or the fields typed half. */
export interface ReadGrid {
  typed: HoursGrid;
  body: Partial<Record<WeekdayName, TimeRange[]>>;
  /** Per weekday, the grid row of each range in `body` (to put API issues next to the right fields). */
  rowsOf: Record<WeekdayName, number[]>;
  /** Field name → problem, for rows with only a start or only an end. */
  missing: Record<string, 'missing_end' | 'missing_start'>;
}

/** Name of one grid field. */
export function gridFieldName(weekday: WeekdayName, row: number, side: 'start' | 'end'): string {
  return `hours.${weekday}.${row}.${side}`;
}

/** '9' → '09:00', '9:30' → '09:30', '0930' → '09:30'; anything else is kept as typed for the API to refuse. */
export function normaliseTime(text: string): string {
  const value = text.trim().replace('.', ':').replace('h', ':');
  const match = /^(\d{1,2})(?::?(\d{2}))?:?$/.exec(value);
  if (!match) return value;
  return `${match[1]!.padStart(2, '0')}:${match[2] ?? '00'}`;
}

/** Reads the submitted grid. */
export function readHoursGrid(form: FormBody): ReadGrid {
  const typed = {} as HoursGrid;
  const body: ReadGrid['body'] = {};
  const rowsOf = {} as Record<WeekdayName, number[]>;
  const missing: ReadGrid['missing'] = {};
  for (const weekday of WEEKDAY_NAMES) {
    typed[weekday] = [];
    rowsOf[weekday] = [];
    const ranges: TimeRange[] = [];
    for (let row = 0; row < MAX_ROWS_PER_DAY; row += 1) {
      const startRaw = form[gridFieldName(weekday, row, 'start')];
      const endRaw = form[gridFieldName(weekday, row, 'end')];
      const start = typeof startRaw === 'string' ? normaliseTime(startRaw) : '';
      const end = typeof endRaw === 'string' ? normaliseTime(endRaw) : '';
      if (start === '' && end === '') continue;
      typed[weekday].push({ start, end });
      const gridRow = typed[weekday].length - 1;
      if (end === '') missing[gridFieldName(weekday, gridRow, 'end')] = 'missing_end';
      else if (start === '') missing[gridFieldName(weekday, gridRow, 'start')] = 'missing_start';
      else {
        ranges.push({ start, end });
        rowsOf[weekday].push(gridRow);
      }
    }
    body[weekday] = ranges;
  }
  return { typed, body, rowsOf, missing };
}

/**
 * Where an issue of the API's body belongs in the grid: `monday.1.end` → the field of that range,
 * `monday` (ranges overlap) → the day.
 */
export function toGridField(grid: Pick<ReadGrid, 'rowsOf'>, issueField: string): string {
  const [weekday, index, side] = issueField.split('.');
  if (!weekday || !(WEEKDAY_NAMES as readonly string[]).includes(weekday)) return '';
  const day = weekday as WeekdayName;
  if (index === undefined) return `hours.${day}`;
  const row = grid.rowsOf[day][Number(index)];
  if (row === undefined) return `hours.${day}`;
  return side === 'start' || side === 'end' ? gridFieldName(day, row, side) : `hours.${day}`;
}

/** The rows to show: the ranges, then blank rows to add more (at least one, up to the limit). */
export function withBlankRows(ranges: TimeRange[], blanks = 1): TimeRange[] {
  const rows = [...ranges];
  for (let added = 0; added < blanks && rows.length < MAX_ROWS_PER_DAY; added += 1) rows.push({ start: '', end: '' });
  return rows;
}
