/**
 * When the team answers a hand-off: the business's opening hours (the union of its staff's weekly
 * working hours), written day by day in the reader's language ("Mon–Fri 09:00–13:00, 14:00–18:00").
 */
import type { Locale, OpeningHours } from '../../machines/conversation-types';

const DATE_LOCALES: Record<Locale, string> = { en: 'en-GB', es: 'es-ES', pt: 'pt-BR' };
// 4 January 2026 was a Sunday: weekday 0 of the working-hours table.
const A_SUNDAY_UTC = Date.UTC(2026, 0, 4);
const MINUTES_PER_DAY = 24 * 60;

/**
 * Merges weekly working ranges (any staff member) into one sorted list of ranges per weekday.
 * @example toOpeningHours([{ weekday: 1, startMinute: 540, endMinute: 780 }, { weekday: 1, startMinute: 600, endMinute: 840 }]) // [{ weekday: 1, startMinute: 540, endMinute: 840 }]
 */
export function toOpeningHours(ranges: ReadonlyArray<OpeningHours>): OpeningHours[] {
  const sorted = [...ranges].sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute);
  const merged: OpeningHours[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && last.weekday === range.weekday && range.startMinute <= last.endMinute) last.endMinute = Math.max(last.endMinute, range.endMinute);
    else merged.push({ ...range });
  }
  return merged;
}

/**
 * The hours as one line: consecutive days with the same ranges share one entry, Monday first.
 * @example formatOpeningHours(hours, 'en') // 'Mon–Fri 09:00–13:00, 14:00–18:00; Sat 10:00–14:00'
 */
export function formatOpeningHours(hours: ReadonlyArray<OpeningHours>, locale: Locale): string {
  const dayName = new Intl.DateTimeFormat(DATE_LOCALES[locale], { weekday: 'short', timeZone: 'UTC' });
  const nameOf = (weekday: number) => dayName.format(new Date(A_SUNDAY_UTC + weekday * MINUTES_PER_DAY * 60_000)).replace(/\.$/, '');
  const rangesOf = (weekday: number) =>
    hours
      .filter((h) => h.weekday === weekday)
      .map((h) => `${formatMinute(h.startMinute)}–${formatMinute(h.endMinute)}`)
      .join(', ');
  const groups: Array<{ first: number; last: number; ranges: string }> = [];
  for (const weekday of [1, 2, 3, 4, 5, 6, 0]) {
    const ranges = rangesOf(weekday);
    const group = groups.at(-1);
    if (ranges !== '' && group && group.ranges === ranges && group.last === (weekday + 6) % 7) group.last = weekday;
    else if (ranges !== '') groups.push({ first: weekday, last: weekday, ranges });
  }
  return groups.map((g) => `${g.first === g.last ? nameOf(g.first) : `${nameOf(g.first)}–${nameOf(g.last)}`} ${g.ranges}`).join('; ');
}

function formatMinute(minute: number): string {
  const inDay = minute >= MINUTES_PER_DAY ? minute - MINUTES_PER_DAY : minute;
  return `${String(Math.floor(inDay / 60)).padStart(2, '0')}:${String(inDay % 60).padStart(2, '0')}`;
}
