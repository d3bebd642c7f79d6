/**
 * What a KPI report covers: local dates `from`–`to` (both included) of the business's time zone,
 * cut into days, ISO weeks (Monday first) or calendar months. Pure: parsing and period arithmetic.
 */
import { z } from 'zod';
import { addLocalDays, getLocalWeekday, localDayRange, toLocalDate } from '../scheduling';

/** How a report cuts its range. */
export type KpiGranularity = 'day' | 'week' | 'month';

/** The longest range one report may cover, per granularity (a bound on rows and on work). */
export const MAX_RANGE_DAYS: Record<KpiGranularity, number> = { day: 366, week: 731, month: 1830 };

/** A report's range and cut, validated. */
export interface KpiQuery {
  from: string;
  to: string;
  granularity: KpiGranularity;
}

/** One period of a report: `key` is its calendar start (what the database groups by); start/end are clipped to the range. */
export interface KpiPeriodRange {
  key: string;
  start: string;
  end: string;
}

const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value && value >= '2000-01-01' && value <= '2199-12-31';
  }, 'must be a real calendar date between 2000-01-01 and 2199-12-31');

/** The query string of a KPI report (defaults: the last 30 days, by day). */
export const kpiQuerySchema = z
  .object({
    from: localDate.optional().describe('First local date of the report (YYYY-MM-DD, business time zone); defaults to 29 days before `to`.'),
    to: localDate.optional().describe('Last local date of the report, included (YYYY-MM-DD); defaults to today.'),
    granularity: z.enum(['day', 'week', 'month'], { error: 'must be day, week or month' }).default('day').describe('How the range is cut: day, week (ISO, Monday first) or month.'),
  })
  .strict();

/** Days from `from` to `to`, both included. */
export function countDays(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/**
 * Fills the defaults and checks the range; returns a message saying what to change when it is unusable.
 * @example resolveKpiQuery({ to: '2026-12-07' }, now, 'Europe/Madrid') // { from: '2026-11-08', to: '2026-12-07', granularity: 'day' }
 */
export function resolveKpiQuery(input: { from?: string | undefined; to?: string | undefined; granularity: KpiGranularity }, now: Date, timeZone: string): { ok: true; query: KpiQuery } | { ok: false; message: string } {
  const to = input.to ?? toLocalDate(now, timeZone);
  const from = input.from ?? addLocalDays(to, -29);
  if (from > to) return { ok: false, message: `from (${from}) is after to (${to}); give the earlier date as from.` };
  const days = countDays(from, to);
  const limit = MAX_RANGE_DAYS[input.granularity];
  if (days > limit) return { ok: false, message: `the range has ${days} days; a report by ${input.granularity} covers at most ${limit}. Narrow from/to or choose a coarser granularity.` };
  return { ok: true, query: { from, to, granularity: input.granularity } };
}

/** The calendar start of the period `date` falls in. */
export function periodKeyOf(date: string, granularity: KpiGranularity): string {
  if (granularity === 'day') return date;
  if (granularity === 'month') return `${date.slice(0, 8)}01`;
  // getLocalWeekday: 0 = Sunday; ISO weeks start on Monday.
  return addLocalDays(date, -((getLocalWeekday(date) + 6) % 7));
}

function nextPeriodKey(key: string, granularity: KpiGranularity): string {
  if (granularity === 'day') return addLocalDays(key, 1);
  if (granularity === 'week') return addLocalDays(key, 7);
  const [year, month] = key.split('-').map(Number) as [number, number];
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

/** The periods of a query, oldest first, the first and last clipped to the range. */
export function listPeriods(query: KpiQuery): KpiPeriodRange[] {
  const periods: KpiPeriodRange[] = [];
  for (let key = periodKeyOf(query.from, query.granularity); key <= query.to; ) {
    const next = nextPeriodKey(key, query.granularity);
    const last = addLocalDays(next, -1);
    periods.push({ key, start: key < query.from ? query.from : key, end: last > query.to ? query.to : last });
    key = next;
  }
  return periods;
}

/** The instants a query covers: `[from 00:00, the day after to 00:00)` in the business's zone. */
export function toInstantRange(query: KpiQuery, timeZone: string): { start: Date; end: Date } {
  return { start: localDayRange(query.from, timeZone).start, end: localDayRange(query.to, timeZone).end };
}
