import { formatDateTime, formatDayLabel, formatDayTimeLabel, formatTimeLabel, formatZoneLabel } from './format-time';

describe('format-time', () => {
  it.each([
    ['2026-03-30', 'en', 'Mon 30 Mar'],
    ['2026-03-30', 'es', 'lun 30 mar'],
    ['2026-03-30', 'pt', 'seg 30 mar'],
    ['2026-09-06', 'es', 'dom 6 sep'],
    ['2026-12-31', 'pt', 'qui 31 dez'],
  ] as const)('day %s in %s → %s', (date, locale, label) => {
    expect(formatDayLabel(date, locale)).toBe(label);
  });

  it('rejects a day that is not YYYY-MM-DD', () => {
    expect(() => formatDayLabel('30/03/2026', 'en')).toThrow(/2026-03-30/);
  });

  it.each([
    ['2026-03-30T07:30:00.000Z', 'Europe/Madrid', '09:30'],
    ['2026-03-28T08:30:00.000Z', 'Europe/Madrid', '09:30'],
    ['2026-03-30T12:30:00.000Z', 'America/Sao_Paulo', '09:30'],
    ['2026-03-30T23:15:00.000Z', 'America/New_York', '19:15'],
  ] as const)('time %s in %s → %s (DST-aware)', (iso, zone, label) => {
    expect(formatTimeLabel(iso, zone, 'en')).toBe(label);
  });

  it.each([
    ['Europe/Madrid', 'en', 'Mon 30 Mar, 09:30 (Madrid time, CEST)'],
    ['Europe/Madrid', 'es', 'lun 30 mar, 09:30 (hora de Madrid, CEST)'],
    ['Europe/Madrid', 'pt', 'seg 30 mar, 09:30 (horário de Madrid, CEST)'],
  ] as const)('full date in %s / %s', (zone, locale, label) => {
    expect(formatDateTime('2026-03-30T07:30:00.000Z', zone, locale)).toBe(label);
  });

  it('names the zone with the abbreviation in force, or the offset where there is none', () => {
    expect(formatZoneLabel('2026-01-15T10:00:00.000Z', 'Europe/Madrid', 'en')).toBe('Madrid time, CET');
    expect(formatZoneLabel('2026-07-15T10:00:00.000Z', 'Europe/London', 'en')).toBe('London time, BST');
    expect(formatZoneLabel('2026-07-15T10:00:00.000Z', 'America/New_York', 'es')).toBe('hora de New York, EDT');
    expect(formatZoneLabel('2026-07-15T10:00:00.000Z', 'America/Sao_Paulo', 'pt')).toBe('horário de Sao Paulo, GMT-3');
    expect(formatZoneLabel('2026-07-15T10:00:00.000Z', 'America/Argentina/Buenos_Aires', 'es')).toBe('hora de Buenos Aires, GMT-3');
    expect(formatZoneLabel('2026-07-15T10:00:00.000Z', 'UTC', 'en')).toBe('UTC');
  });

  it('list rows of other days carry the day with the time', () => {
    expect(formatDayTimeLabel('2026-03-31T16:30:00.000Z', 'Europe/Madrid', 'es')).toBe('mar 31 mar, 18:30');
  });
});
