/**
 * Localized day, time and time-zone labels for customer messages. A time without its zone is
 * ambiguous for a customer who travels or lives near a border, so full dates always name the zone.
 */
import { format } from 'date-fns';
import { enGB, enUS, es, pt, type Locale as DateFnsLocale } from 'date-fns/locale';
import { formatInTimeZone } from 'date-fns-tz';
import type { Locale } from './locale';

// en-GB writes "Mon 30 Mar" (day before month) like most of the bot's markets; `pt` (not ptBR) abbreviates weekdays ("seg").
const DATE_FNS_LOCALES: Record<Locale, DateFnsLocale> = { en: enGB, es, pt };

const ZONE_PATTERNS: Record<Locale, (city: string) => string> = {
  en: (city) => `${city} time`,
  es: (city) => `hora de ${city}`,
  pt: (city) => `horário de ${city}`,
};

const DAY_PATTERN = 'EEE d MMM';
const TIME_PATTERN = 'HH:mm';
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A business-local calendar day ('YYYY-MM-DD') as a short label.
 * @example formatDayLabel('2026-03-30', 'es') // 'lun 30 mar'
 */
export function formatDayLabel(date: string, locale: Locale): string {
  const match = CALENDAR_DATE.exec(date);
  if (!match) throw new RangeError(`formatDayLabel: expected a date like 2026-03-30, got ${JSON.stringify(date)}`);
  // A calendar day has no zone: build it at local noon so no offset or DST gap can move it to another day.
  const day = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 12);
  return stripAbbreviationDots(format(day, DAY_PATTERN, { locale: DATE_FNS_LOCALES[locale] }));
}

/**
 * The wall-clock time of an instant in a zone, 24-hour.
 * @example formatTimeLabel('2026-03-30T07:30:00Z', 'Europe/Madrid', 'en') // '09:30'
 */
export function formatTimeLabel(iso: string, timeZone: string, locale: Locale): string {
  return formatInTimeZone(iso, timeZone, TIME_PATTERN, { locale: DATE_FNS_LOCALES[locale] });
}

/**
 * Day and time of an instant in a zone (list rows, where the zone is named in the message body).
 * @example formatDayTimeLabel('2026-03-30T07:30:00Z', 'Europe/Madrid', 'en') // 'Mon 30 Mar, 09:30'
 */
export function formatDayTimeLabel(iso: string, timeZone: string, locale: Locale): string {
  const day = stripAbbreviationDots(formatInTimeZone(iso, timeZone, DAY_PATTERN, { locale: DATE_FNS_LOCALES[locale] }));
  return `${day}, ${formatTimeLabel(iso, timeZone, locale)}`;
}

/**
 * The zone as a reader understands it at that instant: IANA city plus abbreviation or offset.
 * @example formatZoneLabel('2026-03-30T07:30:00Z', 'Europe/Madrid', 'es') // 'hora de Madrid, CEST'
 */
export function formatZoneLabel(iso: string, timeZone: string, locale: Locale): string {
  const abbreviation = findZoneAbbreviation(iso, timeZone);
  if (/^(Etc\/)?(UTC|GMT|UCT|Universal|Zulu)$/i.test(timeZone)) return abbreviation;
  return `${ZONE_PATTERNS[locale](findZoneCity(timeZone))}, ${abbreviation}`;
}

/**
 * Day, time and zone of an instant, for summaries and confirmations.
 * @example formatDateTime('2026-03-30T07:30:00Z', 'Europe/Madrid', 'en') // 'Mon 30 Mar, 09:30 (Madrid time, CEST)'
 */
export function formatDateTime(iso: string, timeZone: string, locale: Locale): string {
  return `${formatDayTimeLabel(iso, timeZone, locale)} (${formatZoneLabel(iso, timeZone, locale)})`;
}

/** "America/Argentina/Buenos_Aires" → "Buenos Aires". */
function findZoneCity(timeZone: string): string {
  return (timeZone.split('/').pop() ?? timeZone).replace(/_/g, ' ');
}

/**
 * en-US knows North American abbreviations (EDT), en-GB the European ones (CEST, BST); elsewhere
 * both fall back to an offset such as "GMT-3", which is still unambiguous.
 */
function findZoneAbbreviation(iso: string, timeZone: string): string {
  const candidates = [enUS, enGB].map((locale) => formatInTimeZone(iso, timeZone, 'zzz', { locale }));
  return candidates.find((name) => !/^GMT[+-]/.test(name)) ?? candidates[0] ?? timeZone;
}

// Spanish and Portuguese abbreviations may end in a dot ("sept."); a dot mid-label reads badly in a 24-character row.
function stripAbbreviationDots(label: string): string {
  return label.replace(/\./g, '');
}
