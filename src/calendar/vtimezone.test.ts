import { buildVTimezone, findOffsetTransitions } from './vtimezone';

describe('findOffsetTransitions', () => {
  it.each([
    ['Europe/Madrid', [['2026-03-29T01:00:00.000Z', 60, 120], ['2026-10-25T01:00:00.000Z', 120, 60]]],
    ['America/New_York', [['2026-03-08T07:00:00.000Z', -300, -240], ['2026-11-01T06:00:00.000Z', -240, -300]]],
    ['Asia/Kolkata', []],
  ] as const)('%s in 2026', (zone, expected) => {
    const transitions = findOffsetTransitions(zone, new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'));
    expect(transitions.map((t) => [t.at.toISOString(), t.fromOffsetMinutes, t.toOffsetMinutes])).toEqual(expected);
  });
});

describe('buildVTimezone', () => {
  it('lists each change with the local wall time it happens at', () => {
    const text = buildVTimezone('Europe/Madrid', 2026, 2026);
    expect(text.split('\r\n')).toEqual([
      'BEGIN:VTIMEZONE',
      'TZID:Europe/Madrid',
      'BEGIN:STANDARD',
      'DTSTART:20260101T010000',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0100',
      'END:STANDARD',
      'BEGIN:DAYLIGHT',
      'DTSTART:20260329T020000',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0200',
      'END:DAYLIGHT',
      'BEGIN:STANDARD',
      'DTSTART:20261025T030000',
      'TZOFFSETFROM:+0200',
      'TZOFFSETTO:+0100',
      'END:STANDARD',
      'END:VTIMEZONE',
    ]);
  });
});
