import { measureText, truncateText } from './text-length';

describe('truncateText', () => {
  it.each([
    ['text within the limit is unchanged', 'Haircut', 7, 'Haircut'],
    ['an empty string stays empty', '', 5, ''],
    ['over-long text ends in an ellipsis and fits', 'Haircut and beard trim', 10, 'Haircut a…'],
    ['trailing spaces before the ellipsis are dropped', 'Cut and colour', 5, 'Cut…'],
    ['a limit of 1 keeps only the ellipsis', 'abc', 1, '…'],
    ['a limit of 0 gives an empty string', 'abc', 0, ''],
    // '💇' is one code point but two UTF-16 units: never split, and counted as 2.
    ['an emoji is never split in half', 'ab💇💇💇', 4, 'ab…'],
    ['emoji that fit are kept whole', '💇💇💇💇', 5, '💇💇…'],
    // 👩‍👩‍👧 is one grapheme of 8 UTF-16 units (ZWJ sequence).
    ['a ZWJ family emoji is kept or dropped as a whole', 'a👩‍👩‍👧b', 8, 'a…'],
    ['a flag (two regional indicators) is not split', 'x🇪🇸🇪🇸', 6, 'x🇪🇸…'],
    ['accented letters written with combining marks stay whole', 'Cafe\u0301 Cafe\u0301', 6, 'Cafe\u0301…'],
  ])('%s', (_rule, text, max, expected) => {
    const result = truncateText(text, max);
    expect(result).toBe(expected);
    expect(measureText(result)).toBeLessThanOrEqual(max);
    expect(result).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('never leaves a lone surrogate at any limit', () => {
    const text = '🗓️ Tu cita: 💇‍♀️ corte + 💅 manicura 🇪🇸 mañana a las 10:30 ✅';
    for (let max = 0; max <= measureText(text) + 1; max += 1) {
      const result = truncateText(text, max);
      expect(measureText(result)).toBeLessThanOrEqual(max);
      expect(result).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });
});
