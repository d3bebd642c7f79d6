/**
 * Dates, times, zones, durations and prices as the Flow screens show them, in the customer's
 * language. A time in a form is always read next to its zone: the customer may not be where the
 * business is.
 */
import { enGB, enUS, es, pt, type Locale as DateFnsLocale } from 'date-fns/locale';
import { formatInTimeZone } from 'date-fns-tz';
import type { Locale } from './locale';

const DATE_FNS_LOCALES: Record<Locale, DateFnsLocale> = { en: enGB, es, pt };
const NUMBER_LOCALES: Record<Locale, string> = { en: 'en-GB', es: 'es-ES', pt: 'pt-PT' };
const DAY_PATTERNS: Record<Locale, { short: string; long: string }> = {
  en: { short: 'EEEE, d MMMM', long: 'EEEE, d MMMM yyyy' },
  es: { short: "EEEE, d 'de' MMMM", long: "EEEE, d 'de' MMMM 'de' yyyy" },
  pt: { short: "EEEE, d 'de' MMMM", long: "EEEE, d 'de' MMMM 'de' yyyy" },
};
// Intl formatters cost a few hundred microseconds to build; every TIME answer needs a day and a zone label.
const MEMO_LIMIT = 2_000;
const memo = new Map<string, string>();

function remember(key: string, compute: () => string): string {
  const known = memo.get(key);
  if (known !== undefined) return known;
  if (memo.size >= MEMO_LIMIT) memo.clear();
  const value = compute();
  memo.set(key, value);
  return value;
}

const ZONE_PATTERNS: Record<Locale, (city: string) => string> = {
  en: (city) => `${city} time`,
  es: (city) => `hora de ${city}`,
  pt: (city) => `horário de ${city}`,
};

/**
 * A business-local calendar day as a heading.
 * @example formatFlowDay('2026-07-01', 'en') // 'Wednesday, 1 July'
 */
export function formatFlowDay(date: string, locale: Locale, options: { withYear?: boolean } = {}): string {
  const pattern = options.withYear ? DAY_PATTERNS[locale].long : DAY_PATTERNS[locale].short;
  return remember(`day|${date}|${locale}|${pattern}`, () => {
    // Noon UTC of the calendar date, printed in UTC: no offset can move it to another day.
    const noon = new Date(`${date}T12:00:00.000Z`);
    return capitalize(formatInTimeZone(noon, 'UTC', pattern, { locale: DATE_FNS_LOCALES[locale] }));
  });
}

/** Wall-clock "HH:mm" of an instant in the zone. */
export function formatFlowTime(at: Date, timeZone: string): string {
  return formatInTimeZone(at, timeZone, 'HH:mm');
}

/**
 * The zone as a reader understands it at that instant.
 * @example formatFlowZone(new Date('2026-07-01T08:30:00Z'), 'Europe/Madrid', 'es') // 'hora de Madrid, CEST'
 */
export function formatFlowZone(at: Date, timeZone: string, locale: Locale): string {
  // Zone transitions fall on quarter hours, so one label per zone, locale and UTC quarter hour is exact.
  return remember(`zone|${timeZone}|${locale}|${Math.floor(at.getTime() / 900_000)}`, () => computeZoneLabel(at, timeZone, locale));
}

function computeZoneLabel(at: Date, timeZone: string, locale: Locale): string {
  // en-US knows North American abbreviations, en-GB European ones; elsewhere an offset ("GMT-3").
  const candidates = [enUS, enGB].map((dateLocale) => formatInTimeZone(at, timeZone, 'zzz', { locale: dateLocale }));
  const abbreviation = candidates.find((name) => !/^GMT[+-]/.test(name)) ?? candidates[0] ?? timeZone;
  if (/^(Etc\/)?(UTC|GMT|UCT|Universal|Zulu)$/i.test(timeZone)) return abbreviation;
  const city = (timeZone.split('/').pop() ?? timeZone).replace(/_/g, ' ');
  return `${ZONE_PATTERNS[locale](city)}, ${abbreviation}`;
}

/**
 * Price in the customer's number format; zero is "free" only to the business, so it prints as money too.
 * @example formatFlowPrice('25.00', 'EUR', 'es') // '25,00 €'
 */
export function formatFlowPrice(amount: string, currency: string, locale: Locale): string {
  const value = Number(amount);
  if (!Number.isFinite(value)) return amount;
  try {
    return new Intl.NumberFormat(NUMBER_LOCALES[locale], { style: 'currency', currency }).format(value);
  } catch {
    return `${amount} ${currency}`;
  }
}

/**
 * A duration in minutes, short.
 * @example formatFlowDuration(90) // '1 h 30 min'
 */
export function formatFlowDuration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** Shortens a text to `max` characters with an ellipsis (option titles are limited to 30). */
export function shortenText(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

function capitalize(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}
