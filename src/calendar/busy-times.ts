/**
 * Busy intervals from an external iCalendar feed (ical.js): single and recurring events,
 * RECURRENCE-ID exceptions and EXDATEs, zones from the feed's own VTIMEZONEs or IANA names,
 * all-day events in the business zone. Pure: the window and the fallback zone are handed in.
 */
import { fromZonedTime } from 'date-fns-tz';
import type * as IcalJs from 'ical.js';
import { loadEsm } from '../platform/load-esm';
import { ICS_UID_DOMAIN } from './booking-ics';

type Ical = typeof IcalJs.default;
type IcalTime = InstanceType<Ical['Time']>;
type IcalComponent = InstanceType<Ical['Component']>;
type IcalEvent = InstanceType<Ical['Event']>;
type IcalTimezone = InstanceType<Ical['Timezone']>;

/** One busy interval, half-open [start, end). */
export interface BusyInterval {
  start: Date;
  end: Date;
}

/** What a feed yields for the window. */
export interface BusyTimesResult {
  intervals: BusyInterval[];
  /** Events (not occurrences) that produced at least one interval. */
  eventCount: number;
}

// A daily event started years ago is walked from its first occurrence; the cap bounds a hostile feed.
const MAX_OCCURRENCE_STEPS_PER_EVENT = 20_000;
/** More intervals than this in one feed are cut off (a busy person has a few hundred in 60 days). */
export const MAX_INTERVALS_PER_FEED = 5_000;

function loadIcal(): Ical {
  // Node's require(esm) answers the namespace ({ default }); Jest's module registry answers the default export itself.
  const loaded = loadEsm<typeof IcalJs | Ical>('ical.js');
  return 'default' in loaded && loaded.default ? loaded.default : (loaded as Ical);
}

/**
 * The busy intervals of a feed that overlap [from, to), clipped to it, sorted and merged.
 * Throws when the text is not iCalendar.
 * @example findBusyIntervals({ icsText, from: now, to: addDays(now, 60), defaultTimeZone: 'Europe/Madrid' })
 */
export function findBusyIntervals(params: { icsText: string; from: Date; to: Date; defaultTimeZone: string }): BusyTimesResult {
  const ICAL = loadIcal();
  const root = new ICAL.Component(ICAL.parse(params.icsText));
  if (root.name !== 'vcalendar') throw new Error(`not an iCalendar feed (root component ${root.name})`);
  const masters = new Map<string, IcalEvent>();
  const exceptions: IcalComponent[] = [];
  const standalone: IcalEvent[] = [];
  for (const component of root.getAllSubcomponents('vevent')) {
    const uid = String(component.getFirstPropertyValue('uid') ?? '');
    // Our own staff feed subscribed back into the staff member's calendar would block every booking twice.
    if (uid.endsWith(`@${ICS_UID_DOMAIN}`)) continue;
    if (component.hasProperty('recurrence-id')) exceptions.push(component);
    else if (uid && !masters.has(uid)) masters.set(uid, new ICAL.Event(component));
    else standalone.push(new ICAL.Event(component));
  }
  for (const exception of exceptions) {
    const master = masters.get(String(exception.getFirstPropertyValue('uid') ?? ''));
    if (master) master.relateException(exception);
    else standalone.push(new ICAL.Event(exception));
  }

  const intervals: BusyInterval[] = [];
  let eventCount = 0;
  for (const event of [...masters.values(), ...standalone]) {
    const before = intervals.length;
    collectEventIntervals(ICAL, event, params, intervals);
    if (intervals.length > before) eventCount += 1;
    if (intervals.length >= MAX_INTERVALS_PER_FEED) break;
  }
  return { intervals: mergeIntervals(intervals).slice(0, MAX_INTERVALS_PER_FEED), eventCount };
}

function collectEventIntervals(ICAL: Ical, event: IcalEvent, window: { from: Date; to: Date; defaultTimeZone: string }, out: BusyInterval[]): void {
  if (!event.startDate) return;
  if (!event.isRecurring()) {
    pushIfBusy(event.component, event.startDate, event.endDate, window, out);
    return;
  }
  const iterator = event.iterator();
  for (let step = 0; step < MAX_OCCURRENCE_STEPS_PER_EVENT; step += 1) {
    const next = iterator.next();
    if (!next) return;
    const details = event.getOccurrenceDetails(next);
    const start = toInstant(ICAL, details.startDate, details.item.component, 'dtstart', window.defaultTimeZone);
    if (start.getTime() >= window.to.getTime()) return;
    pushIfBusy(details.item.component, details.startDate, details.endDate, window, out);
  }
}

function pushIfBusy(component: IcalComponent, startTime: IcalTime, endTime: IcalTime | undefined, window: { from: Date; to: Date; defaultTimeZone: string }, out: BusyInterval[]): void {
  const ICAL = loadIcal();
  if (String(component.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED') return;
  // TRANSPARENT is "show me as free" (Google's default for all-day reminders and birthdays).
  if (String(component.getFirstPropertyValue('transp') ?? '').toUpperCase() === 'TRANSPARENT') return;
  const start = toInstant(ICAL, startTime, component, 'dtstart', window.defaultTimeZone);
  let end = endTime ? toInstant(ICAL, endTime, component, 'dtend', window.defaultTimeZone) : start;
  if (end.getTime() <= start.getTime()) {
    // RFC 5545 §3.6.1: a DATE start without an end lasts one day; a DATE-TIME one lasts no time at all.
    if (!startTime.isDate) return;
    const nextDay = startTime.clone();
    nextDay.adjust(1, 0, 0, 0);
    end = toInstant(ICAL, nextDay, component, 'dtstart', window.defaultTimeZone);
  }
  const clippedStart = Math.max(start.getTime(), window.from.getTime());
  const clippedEnd = Math.min(end.getTime(), window.to.getTime());
  if (clippedEnd > clippedStart) out.push({ start: new Date(clippedStart), end: new Date(clippedEnd) });
}

/**
 * The instant of an ical.js time. UTC and zones defined in the feed resolve in ical.js; floating
 * times, DATE values and TZIDs the feed did not define are wall times of that IANA zone (when the
 * runtime knows it) or else of the business.
 */
function toInstant(ICAL: Ical, time: IcalTime, component: IcalComponent, property: string, defaultTimeZone: string): Date {
  if (time.zone === ICAL.Timezone.utcTimezone) return new Date(time.toUnixTime() * 1000);
  const zone = time.zone as (IcalTimezone & { component?: unknown }) | undefined;
  if (!time.isDate && zone && zone !== ICAL.Timezone.localTimezone && zone.component) return new Date(time.toUnixTime() * 1000);
  // An end computed from DURATION has no DTEND property: it is in the start's zone.
  const tzid = (component.getFirstProperty(property) ?? component.getFirstProperty('dtstart'))?.getParameter('tzid');
  const wallZone = !time.isDate && typeof tzid === 'string' && isKnownTimeZone(tzid) ? tzid : defaultTimeZone;
  const wall = `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}T${pad(time.isDate ? 0 : time.hour)}:${pad(time.isDate ? 0 : time.minute)}:${pad(time.isDate ? 0 : time.second)}`;
  return fromZonedTime(wall, wallZone);
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Sorts and merges overlapping or touching intervals (sort-and-sweep). */
export function mergeIntervals(intervals: BusyInterval[]): BusyInterval[] {
  const sorted = [...intervals].sort((a, b) => a.start.getTime() - b.start.getTime());
  const merged: BusyInterval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.start.getTime() <= last.end.getTime()) {
      if (interval.end.getTime() > last.end.getTime()) last.end = interval.end;
    } else merged.push({ start: interval.start, end: interval.end });
  }
  return merged;
}
