/**
 * Busy intervals from external feeds (src/calendar/busy-times.ts), on hand-written feeds shaped
 * like Google's and Outlook's exports: zones from VTIMEZONE or IANA names, UTC, all-day, free
 * (TRANSPARENT) and cancelled events, weekly recurrences with EXDATE and a moved occurrence.
 */
import { findBusyIntervals, mergeIntervals } from '../../src/calendar';

const FROM = new Date('2026-03-30T00:00:00Z');
const TO = new Date('2026-04-20T00:00:00Z');

function feed(...events: string[]): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
    'BEGIN:VTIMEZONE',
    'TZID:W. Europe Standard Time',
    'BEGIN:STANDARD',
    'DTSTART:16010101T030000',
    'TZOFFSETFROM:+0200',
    'TZOFFSETTO:+0100',
    'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10',
    'END:STANDARD',
    'BEGIN:DAYLIGHT',
    'DTSTART:16010101T020000',
    'TZOFFSETFROM:+0100',
    'TZOFFSETTO:+0200',
    'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3',
    'END:DAYLIGHT',
    'END:VTIMEZONE',
    ...events.flatMap((event) => ['BEGIN:VEVENT', 'DTSTAMP:20260301T000000Z', ...event.trim().split('\n'), 'END:VEVENT']),
    'END:VCALENDAR',
  ].join('\r\n');
}

const run = (text: string) =>
  findBusyIntervals({ icsText: text, from: FROM, to: TO, defaultTimeZone: 'Europe/Madrid' }).intervals.map((i) => [i.start.toISOString(), i.end.toISOString()]);

describe('findBusyIntervals', () => {
  it.each([
    ['UTC times', 'UID:a\nDTSTART:20260331T080000Z\nDTEND:20260331T090000Z', [['2026-03-31T08:00:00.000Z', '2026-03-31T09:00:00.000Z']]],
    [
      'a zone defined in the feed (Outlook names)',
      'UID:b\nDTSTART;TZID=W. Europe Standard Time:20260331T100000\nDTEND;TZID=W. Europe Standard Time:20260331T113000',
      [['2026-03-31T08:00:00.000Z', '2026-03-31T09:30:00.000Z']],
    ],
    ['an IANA zone the feed did not define', 'UID:c\nDTSTART;TZID=America/New_York:20260331T090000\nDURATION:PT45M', [['2026-03-31T13:00:00.000Z', '2026-03-31T13:45:00.000Z']]],
    ['floating time = business zone', 'UID:d\nDTSTART:20260331T120000\nDTEND:20260331T130000', [['2026-03-31T10:00:00.000Z', '2026-03-31T11:00:00.000Z']]],
    ['an all-day event = the local day', 'UID:e\nDTSTART;VALUE=DATE:20260402\nDTEND;VALUE=DATE:20260403', [['2026-04-01T22:00:00.000Z', '2026-04-02T22:00:00.000Z']]],
    ['an all-day event without end = one day', 'UID:f\nDTSTART;VALUE=DATE:20260402', [['2026-04-01T22:00:00.000Z', '2026-04-02T22:00:00.000Z']]],
    ['a free (TRANSPARENT) event blocks nothing', 'UID:g\nDTSTART:20260331T080000Z\nDTEND:20260331T090000Z\nTRANSP:TRANSPARENT', []],
    ['a cancelled event blocks nothing', 'UID:h\nDTSTART:20260331T080000Z\nDTEND:20260331T090000Z\nSTATUS:CANCELLED', []],
    ['a zero-length event blocks nothing', 'UID:i\nDTSTART:20260331T080000Z', []],
    ['Tapbook’s own events (re-imported feed) are skipped', 'UID:abc123@tapbook\nDTSTART:20260331T080000Z\nDTEND:20260331T090000Z', []],
    ['an event before the window is ignored', 'UID:j\nDTSTART:20260301T080000Z\nDTEND:20260301T090000Z', []],
    ['an event across the window start is clipped', 'UID:k\nDTSTART:20260329T220000Z\nDTEND:20260330T020000Z', [['2026-03-30T00:00:00.000Z', '2026-03-30T02:00:00.000Z']]],
  ])('%s', (_name, event, expected) => {
    expect(run(feed(event))).toEqual(expected);
  });

  it('expands a weekly event with an EXDATE and a moved occurrence, across the window', () => {
    const text = feed(
      'UID:weekly\nDTSTART;TZID=Europe/Madrid:20260302T090000\nDTEND;TZID=Europe/Madrid:20260302T100000\nRRULE:FREQ=WEEKLY;BYDAY=MO\nEXDATE;TZID=Europe/Madrid:20260406T090000',
      'UID:weekly\nRECURRENCE-ID;TZID=Europe/Madrid:20260413T090000\nDTSTART;TZID=Europe/Madrid:20260414T150000\nDTEND;TZID=Europe/Madrid:20260414T160000',
    );
    expect(run(text)).toEqual([
      ['2026-03-30T07:00:00.000Z', '2026-03-30T08:00:00.000Z'],
      ['2026-04-14T13:00:00.000Z', '2026-04-14T14:00:00.000Z'],
    ]);
  });

  it('stops a daily event that started years ago at the window end', () => {
    const text = feed('UID:daily\nDTSTART:20200101T120000Z\nDTEND:20200101T121500Z\nRRULE:FREQ=DAILY');
    const intervals = run(text);
    expect(intervals).toHaveLength(21);
    expect(intervals[0]).toEqual(['2026-03-30T12:00:00.000Z', '2026-03-30T12:15:00.000Z']);
  });

  it('counts events, not occurrences', () => {
    const result = findBusyIntervals({ icsText: feed('UID:w\nDTSTART:20260330T080000Z\nDTEND:20260330T090000Z\nRRULE:FREQ=DAILY;COUNT=3'), from: FROM, to: TO, defaultTimeZone: 'UTC' });
    expect(result.eventCount).toBe(1);
    expect(result.intervals).toHaveLength(3);
  });

  it('throws on text that is not iCalendar', () => {
    expect(() => findBusyIntervals({ icsText: '<html>login</html>', from: FROM, to: TO, defaultTimeZone: 'UTC' })).toThrow();
  });
});

describe('mergeIntervals', () => {
  it('merges overlapping and touching intervals, keeps gaps', () => {
    const d = (iso: string) => new Date(`2026-03-30T${iso}:00Z`);
    const merged = mergeIntervals([
      { start: d('10:00'), end: d('11:00') },
      { start: d('08:00'), end: d('09:00') },
      { start: d('09:00'), end: d('09:30') },
      { start: d('10:30'), end: d('10:45') },
    ]);
    expect(merged.map((i) => [i.start.toISOString().slice(11, 16), i.end.toISOString().slice(11, 16)])).toEqual([
      ['08:00', '09:30'],
      ['10:00', '11:00'],
    ]);
  });
});
