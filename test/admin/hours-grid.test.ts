/** The weekly hours grid of the staff settings page: reading the submitted fields, and mapping the API's issues back to them. */
import { GRID_WEEKDAYS, normaliseTime, readHoursGrid, toGridField, withBlankRows, MAX_ROWS_PER_DAY } from '../../src/admin/settings/hours-grid';

describe('hours grid', () => {
  it('reads rows per weekday, skipping blank rows, into the API body; every weekday present (absent = day off)', () => {
    const grid = readHoursGrid({
      'hours.monday.0.start': '09:00',
      'hours.monday.0.end': '13:00',
      'hours.monday.1.start': '',
      'hours.monday.1.end': '',
      'hours.monday.2.start': '14:00',
      'hours.monday.2.end': '24:00',
      'hours.saturday.0.start': '22:00',
      'hours.saturday.0.end': '02:00',
      _csrf: 'x',
    });
    expect(grid.body.monday).toEqual([
      { start: '09:00', end: '13:00' },
      { start: '14:00', end: '24:00' },
    ]);
    expect(grid.body.saturday).toEqual([{ start: '22:00', end: '02:00' }]);
    expect(grid.body.tuesday).toEqual([]);
    expect(Object.keys(grid.body).sort()).toEqual([...GRID_WEEKDAYS].sort());
    expect(grid.missing).toEqual({});
    // The second API range of Monday is the grid's second shown row (the blank row was dropped).
    expect(grid.rowsOf.monday).toEqual([0, 1]);
    expect(grid.typed.monday).toEqual(grid.body.monday);
  });

  it('accepts quick typing: 9 → 09:00, 930 → 09:30, 9.30 and 9h30 → 09:30, 24 → 24:00; keeps anything else for the API to refuse', () => {
    expect(['9', '930', '0930', '9.30', '9h30', '9:5', '24', '24:00', '25:00', 'noon', ' 8:15 '].map(normaliseTime)).toEqual([
      '09:00',
      '09:30',
      '09:30',
      '09:30',
      '09:30',
      '9:5',
      '24:00',
      '24:00',
      '25:00',
      'noon',
      '08:15',
    ]);
  });

  it('a row with only a start or only an end is reported on the missing field and left out of the body', () => {
    const grid = readHoursGrid({ 'hours.friday.0.start': '09:00', 'hours.friday.1.end': '18:00', 'hours.friday.2.start': '10:00', 'hours.friday.2.end': '11:00' });
    expect(grid.missing).toEqual({ 'hours.friday.0.end': 'missing_end', 'hours.friday.1.start': 'missing_start' });
    expect(grid.body.friday).toEqual([{ start: '10:00', end: '11:00' }]);
    expect(grid.rowsOf.friday).toEqual([2]);
  });

  it('puts an API issue next to the grid field it is about, a day-wide one (overlap) on the day', () => {
    const grid = readHoursGrid({ 'hours.monday.1.start': '09:00', 'hours.monday.1.end': '25:00' });
    // The only row typed is shown as row 0 after reading; the API's index 0 maps back to it.
    expect(toGridField(grid, 'monday.0.end')).toBe('hours.monday.0.end');
    expect(toGridField(grid, 'monday')).toBe('hours.monday');
    expect(toGridField(grid, 'monday.7.start')).toBe('hours.monday');
    expect(toGridField(grid, 'notaday.0.end')).toBe('');
  });

  it('shows one blank row to add a range, never more rows than the API allows', () => {
    expect(withBlankRows([])).toEqual([{ start: '', end: '' }]);
    const full = Array.from({ length: MAX_ROWS_PER_DAY }, () => ({ start: '09:00', end: '10:00' }));
    expect(withBlankRows(full)).toHaveLength(MAX_ROWS_PER_DAY);
  });
});
