/**
 * Local wall clock ↔ UTC for one IANA zone, built on date-fns-tz formatting and cached per UTC day,
 * because Intl-backed lookups cost ~10 µs each and the engine labels tens of thousands of slots.
 */
import { formatInTimeZone } from 'date-fns-tz';
import { toDomainError } from '../platform/errors';
import type { DateRange } from './types';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WALL_CLOCK_PATTERN = "yyyy-MM-dd'T'HH:mm:ss'Z'";
const LOCAL_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
// Memo tables below are bounded: one that grows past this (years of distinct days) starts over.
const MAX_MEMO_ENTRIES = 100_000;

/** Wall-clock fields of an instant in the zone. */
export interface LocalParts {
  /** 'YYYY-MM-DD' */
  localDate: string;
  /** 'HH:mm' */
  localTime: string;
}

/** Converter between UTC instants and one zone's wall clock; what it learns about the zone is memoised for the whole process. */
export interface ZoneClock {
  timeZone: string;
  /** Offset (local − UTC) in ms in force at the instant. */
  getOffset(instantMs: number): number;
  /** The UTC instant of `minute` minutes after local midnight of `localDate` (minute may exceed 1440). */
  toUtc(localDate: string, minute: number): number;
  /** Local date and time of the instant. */
  toLocal(instantMs: number): LocalParts;
}

/** Epoch ms of 'YYYY-MM-DD' read as a UTC calendar date; throws a validation error on malformed dates. */
export function parseLocalDate(localDate: string): number {
  // The engine parses the same few dates thousands of times per computation.
  const known = parsedDates.get(localDate);
  if (known !== undefined) return known;
  const match = LOCAL_DATE_PATTERN.exec(localDate);
  if (match === null) {
    throw toDomainError('validation_failed', `Invalid local date "${localDate}"; use the YYYY-MM-DD format.`);
  }
  const dayMs = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (parsedDates.size > MAX_MEMO_ENTRIES) parsedDates.clear();
  parsedDates.set(localDate, dayMs);
  return dayMs;
}

const parsedDates = new Map<string, number>();
const formattedDates = new Map<number, string>();
// 'HH:mm' of every minute of a day, so labelling a slot builds no Date and no ISO string.
const CLOCK_LABELS = Array.from({ length: 1440 }, (_, minute) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`);

/** 'YYYY-MM-DD' of a UTC calendar-day epoch value. */
function formatCalendarDate(dayMs: number): string {
  let text = formattedDates.get(dayMs);
  if (text === undefined) {
    text = new Date(dayMs).toISOString().slice(0, 10);
    if (formattedDates.size > MAX_MEMO_ENTRIES) formattedDates.clear();
    formattedDates.set(dayMs, text);
  }
  return text;
}

// Years 0000–9999: the ISO form with four year digits.
const MIN_FOUR_DIGIT_YEAR_MS = Date.parse('0000-01-01T00:00:00.000Z');
const MAX_FOUR_DIGIT_YEAR_MS = Date.parse('+010000-01-01T00:00:00.000Z');

/**
 * Date.prototype.toISOString of an epoch-ms instant, built from memoised day and minute labels:
 * V8's own costs ~1.2 µs a call, and a Flow TIME screen names every free start of a day by it.
 * @example formatIsoInstant(Date.UTC(2026, 6, 1, 7, 30)) // '2026-07-01T07:30:00.000Z'
 */
export function formatIsoInstant(instantMs: number): string {
  // Outside years 0000–9999 the ISO form gains a sign and six year digits: leave those to V8.
  if (!(instantMs >= MIN_FOUR_DIGIT_YEAR_MS && instantMs < MAX_FOUR_DIGIT_YEAR_MS)) return new Date(instantMs).toISOString();
  const dayMs = Math.floor(instantMs / DAY_MS) * DAY_MS;
  const inDay = instantMs - dayMs;
  const minute = Math.floor(inDay / MINUTE_MS);
  const millis = inDay - minute * MINUTE_MS;
  const tail = millis === 0 ? ':00.000Z' : `:${String(Math.floor(millis / 1000)).padStart(2, '0')}.${String(millis % 1000).padStart(3, '0')}Z`;
  return `${formatCalendarDate(dayMs)}T${CLOCK_LABELS[minute]!}${tail}`;
}

/** The calendar date `days` after `localDate` (pure calendar arithmetic, no zone involved). */
export function addLocalDays(localDate: string, days: number): string {
  return formatCalendarDate(parseLocalDate(localDate) + days * DAY_MS);
}

/** Day of week of a calendar date: 0=Sunday..6=Saturday. */
export function getLocalWeekday(localDate: string): number {
  return new Date(parseLocalDate(localDate)).getUTCDay();
}

// One clock per zone, kept for the process: a zone's rules do not change while it runs, so what a
// clock learns (its memos below) serves every later caller, and building a clock (closures and memo tables)
// showed in Flows request profiles, where one request asks for a zone's clock several times.
const zoneClocks = new Map<string, ZoneClock>();
const MAX_ZONE_CLOCKS = 2_000;

/** The memoised ZoneClock of a zone; throws a validation error for an unknown zone name. */
export function createZoneClock(timeZone: string): ZoneClock {
  let clock = zoneClocks.get(timeZone);
  if (clock === undefined) {
    clock = buildZoneClock(timeZone);
    // Zone names are few (IANA has ~600; Intl also takes other spellings); an unknown one has thrown in buildZoneClock.
    if (zoneClocks.size >= MAX_ZONE_CLOCKS) zoneClocks.clear();
    zoneClocks.set(timeZone, clock);
  }
  return clock;
}

function buildZoneClock(timeZone: string): ZoneClock {
  try {
    if (Number.isNaN(readOffset(timeZone, 0))) throw new RangeError(timeZone);
  } catch {
    throw toDomainError('validation_failed', `Unknown time zone "${timeZone}"; use an IANA name such as Europe/Madrid.`);
  }
  const getOffset = createOffsetLookup(timeZone);
  const utcByWall = new Map<number, number>();
  return {
    timeZone,
    getOffset,
    toUtc(localDate, minute) {
      const wall = parseLocalDate(localDate) + minute * MINUTE_MS;
      let instant = utcByWall.get(wall);
      if (instant === undefined) {
        instant = resolveWall(wall, getOffset);
        if (utcByWall.size > MAX_MEMO_ENTRIES) utcByWall.clear();
        utcByWall.set(wall, instant);
      }
      return instant;
    },
    toLocal(instantMs) {
      const wall = instantMs + getOffset(instantMs);
      const dayMs = Math.floor(wall / DAY_MS) * DAY_MS;
      return { localDate: formatCalendarDate(dayMs), localTime: CLOCK_LABELS[Math.floor((wall - dayMs) / MINUTE_MS)]! };
    },
  };
}

// date-fns-tz's getTimezoneOffset reads its Date as a wall-clock time and is off by the DST jump during the
// transition hour, so the offset of an instant is derived from the wall clock formatInTimeZone prints for it.
function readOffset(timeZone: string, ms: number): number {
  const wholeSecond = ms - (((ms % 1000) + 1000) % 1000);
  return Date.parse(formatInTimeZone(new Date(ms), timeZone, WALL_CLOCK_PATTERN)) - wholeSecond;
}

/** The zone's offset at an instant, memoised per UTC day (instants of a transition day are read one by one). */
function createOffsetLookup(timeZone: string): (ms: number) => number {
  // NaN marks a UTC day containing a transition, where every instant is looked up individually.
  const dayOffsets = new Map<number, number>();
  return (ms: number): number => {
    const day = Math.floor(ms / DAY_MS);
    let offset = dayOffsets.get(day);
    if (offset === undefined) {
      const atStart = readOffset(timeZone, day * DAY_MS);
      const atEnd = readOffset(timeZone, day * DAY_MS + DAY_MS - 1);
      offset = atStart === atEnd ? atStart : Number.NaN;
      if (dayOffsets.size > MAX_MEMO_ENTRIES) dayOffsets.clear();
      dayOffsets.set(day, offset);
    }
    return Number.isNaN(offset) ? readOffset(timeZone, ms) : offset;
  };
}

/** The UTC instant at which the zone's wall clock shows `wall` (wall-clock ms read as UTC). */
function resolveWall(wall: number, getOffset: (ms: number) => number): number {
  // Offsets never exceed ±14 h, so the offsets a day either side bracket any transition near `wall`.
  const offsetBefore = getOffset(wall - DAY_MS);
  const offsetAfter = getOffset(wall + DAY_MS);
  const candidates = offsetBefore === offsetAfter ? [wall - offsetBefore] : [wall - offsetBefore, wall - offsetAfter];
  const exact = candidates.filter((instant) => getOffset(instant) === wall - instant);
  // Fall-back hour: the wall time happens twice; a range opening or closing then uses the first occurrence.
  if (exact.length > 0) return Math.min(...exact);
  // Spring-forward gap: the wall time never happens; the first instant after the gap is when the clock passes it.
  let low = Math.min(...candidates);
  let high = Math.max(...candidates);
  const offsetLow = getOffset(low);
  while (high - low > MINUTE_MS) {
    const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
    if (getOffset(middle) === offsetLow) low = middle;
    else high = middle;
  }
  return high;
}

/** The local date of an instant in the zone, 'YYYY-MM-DD'. */
export function toLocalDate(instant: Date, timeZone: string): string {
  return createZoneClock(timeZone).toLocal(instant.getTime()).localDate;
}

/**
 * The UTC range of one local calendar day `[local 00:00, next local 00:00)`; 23 or 25 hours long on
 * DST change days. Example: localDayRange('2026-03-29', 'Europe/Madrid') → 2026-03-28T23:00Z..2026-03-29T22:00Z.
 */
export function localDayRange(localDate: string, timeZone: string): DateRange {
  const clock = createZoneClock(timeZone);
  return { start: new Date(clock.toUtc(localDate, 0)), end: new Date(clock.toUtc(addLocalDays(localDate, 1), 0)) };
}

/** `days` consecutive local dates starting with today's local date in the zone. Example: ['2026-03-30', '2026-03-31']. */
export function listLocalDates(params: { now: Date; timeZone: string; days: number }): string[] {
  const today = toLocalDate(params.now, params.timeZone);
  return Array.from({ length: Math.max(0, params.days) }, (_, index) => addLocalDays(today, index));
}

/** Human label of an instant in the zone (date-fns pattern, English). Example: 'Mon 30 Mar, 09:00'. */
export function formatLocalLabel(params: { at: Date; timeZone: string; pattern?: string }): string {
  return formatInTimeZone(params.at, params.timeZone, params.pattern ?? 'EEE d MMM, HH:mm');
}
