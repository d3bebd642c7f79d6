import { createSanitizeReport, findUnsafeInput, isPlausibleInstant, sanitizeInput } from './input-safety';

describe('findUnsafeInput', () => {
  it.each([
    [{ title: 'ok 😀', list: ['a', { b: 'c' }] }, undefined],
    [{ title: 'a\u0000' }, { path: 'title', problem: 'nul' }],
    [{ a: [{ b: 'x\ud800' }] }, { path: 'a.0.b', problem: 'lone_surrogate' }],
    [{ a: { 'k\u0000': 1 } }, { path: 'a."k\\u0000"', problem: 'nul' }],
    [['\udc00'], { path: '0', problem: 'lone_surrogate' }],
    ['\u0000', { path: '', problem: 'nul' }],
  ])('%j → %j', (value, expected) => {
    const found = findUnsafeInput(value);
    expect(found && { path: found.path, problem: found.problem }).toEqual(expected);
  });

  it('refuses nesting deeper than the limit and names where, briefly', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i += 1) deep = [deep];
    const found = findUnsafeInput({ data: deep });
    expect(found?.problem).toBe('too_deep');
    expect(found?.message).toMatch(/^data(\.0)+…? nests deeper than 32 levels; flatten it$/);
    expect(findUnsafeInput({ data: deep }, { maxDepth: 200 })).toBeUndefined();
  });
});

describe('sanitizeInput', () => {
  it('returns a safe value itself, untouched', () => {
    const value = { a: ['b', { c: 1 }] };
    const report = createSanitizeReport();
    expect(sanitizeInput(value, report)).toBe(value);
    expect(report).toEqual({ repairedStrings: 0, droppedTooDeep: 0 });
  });

  it('removes NUL, replaces unpaired surrogates with U+FFFD, cuts what is too deep, keeps "__proto__" an own key, and counts', () => {
    const input = JSON.parse('{"t":"a\\u0000b","s":"x\\ud800y","ok":"\\ud83d\\ude00","__proto__":{"k\\u0000":"v"},"deep":[[[["z"]]]]}');
    const report = createSanitizeReport();
    const output = sanitizeInput(input, report, { maxDepth: 3 }) as Record<string, unknown>;
    expect(output).toEqual(JSON.parse('{"t":"ab","s":"x\\ufffdy","ok":"😀","__proto__":{"k":"v"},"deep":[[null]]}'));
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
    expect(report).toEqual({ repairedStrings: 3, droppedTooDeep: 1 });
    expect(input.t).toBe('a\u0000b');
  });
});

describe('isPlausibleInstant', () => {
  it.each([
    ['1900-01-01T00:00:00.000Z', true],
    ['2199-12-31T23:59:59.999Z', true],
    ['1899-12-31T23:59:59.999Z', false],
    ['2200-01-01T00:00:00.000Z', false],
  ])('%s → %s', (iso, expected) => expect(isPlausibleInstant(new Date(iso))).toBe(expected));

  it('is false for an invalid Date', () => expect(isPlausibleInstant(new Date(Number.NaN))).toBe(false));
});
