import { maskPhone } from './mask';

describe('maskPhone', () => {
  it.each([
    ['+34600111222', '+34*****1222'],
    ['16505551234', '16*****1234'],
    ['US.13491208655302741918', 'US*****************1918'],
    ['+1234567', '+12*4567'],
    ['123456', '******'],
    ['', ''],
    [undefined, ''],
  ])('%s → %s', (input, expected) => {
    expect(maskPhone(input)).toBe(expected);
  });

  it('never shows more than the first two and last four digits', () => {
    const masked = maskPhone('+34600111222');
    expect(masked).not.toContain('600111');
    expect(masked).toHaveLength('+34600111222'.length);
  });
});
