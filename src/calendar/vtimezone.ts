/**
 * VTIMEZONE blocks (RFC 5545 §3.6.5) built from the runtime's zone data: every UTC-offset change
 * in the years around the events becomes one STANDARD/DAYLIGHT component. Listing transitions
 * (instead of RRULEs) stays correct for zones whose rules changed over the years.
 */
import { formatInTimeZone } from 'date-fns-tz';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** One change of a zone's UTC offset. */
export interface OffsetTransition {
  at: Date;
  fromOffsetMinutes: number;
  toOffsetMinutes: number;
}

// Offsets are read from the wall clock the zone shows at the instant (see scheduling/time-zone.ts for why not getTimezoneOffset).
function readOffsetMinutes(instantMs: number, timeZone: string): number {
  const wholeMinute = instantMs - (((instantMs % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
  return Math.round((Date.parse(formatInTimeZone(new Date(wholeMinute), timeZone, "yyyy-MM-dd'T'HH:mm:ss'Z'")) - wholeMinute) / MINUTE_MS);
}

/** The offset changes of a zone in [from, to), found day by day and narrowed to the minute. */
export function findOffsetTransitions(timeZone: string, from: Date, to: Date): OffsetTransition[] {
  const transitions: OffsetTransition[] = [];
  let previousMs = from.getTime();
  let previousOffset = readOffsetMinutes(previousMs, timeZone);
  for (let dayMs = previousMs + DAY_MS; dayMs <= to.getTime(); dayMs += DAY_MS) {
    const offset = readOffsetMinutes(dayMs, timeZone);
    if (offset !== previousOffset) {
      let low = previousMs;
      let high = dayMs;
      while (high - low > MINUTE_MS) {
        const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
        if (readOffsetMinutes(middle, timeZone) === previousOffset) low = middle;
        else high = middle;
      }
      transitions.push({ at: new Date(high), fromOffsetMinutes: previousOffset, toOffsetMinutes: offset });
    }
    previousMs = dayMs;
    previousOffset = offset;
  }
  return transitions;
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}${String(absolute % 60).padStart(2, '0')}`;
}

function formatLocal(instantMs: number): string {
  return new Date(instantMs).toISOString().replace(/[-:]/g, '').slice(0, 15);
}

/**
 * The VTIMEZONE text of a zone covering the years from `fromYear` to `toYear` (inclusive), with
 * CRLF line ends. Example: buildVTimezone('Europe/Madrid', 2025, 2027).
 */
export function buildVTimezone(timeZone: string, fromYear: number, toYear: number): string {
  const from = new Date(Date.UTC(fromYear, 0, 1));
  const to = new Date(Date.UTC(toYear + 1, 0, 1));
  const initial = readOffsetMinutes(from.getTime(), timeZone);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${timeZone}`];
  const component = (kind: 'STANDARD' | 'DAYLIGHT', localStartMs: number, fromOffset: number, toOffset: number) =>
    lines.push(`BEGIN:${kind}`, `DTSTART:${formatLocal(localStartMs)}`, `TZOFFSETFROM:${formatOffset(fromOffset)}`, `TZOFFSETTO:${formatOffset(toOffset)}`, `END:${kind}`);
  component('STANDARD', from.getTime() + initial * MINUTE_MS, initial, initial);
  for (const transition of findOffsetTransitions(timeZone, from, to)) {
    // DTSTART is the wall time at which the change happens, read in the offset before it.
    const localStart = transition.at.getTime() + transition.fromOffsetMinutes * MINUTE_MS;
    component(transition.toOffsetMinutes > transition.fromOffsetMinutes ? 'DAYLIGHT' : 'STANDARD', localStart, transition.fromOffsetMinutes, transition.toOffsetMinutes);
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}
