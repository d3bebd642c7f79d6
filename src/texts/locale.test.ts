import { normalizeLocale } from './locale';

describe('normalizeLocale', () => {
  it.each([
    ['es-ES', 'es'],
    ['es-MX', 'es'],
    ['pt_BR', 'pt'],
    ['PT', 'pt'],
    ['en', 'en'],
    ['de', 'en'],
    ['', 'en'],
    [null, 'en'],
    [undefined, 'en'],
  ])('reads locale %s as %s', (stored, expected) => {
    expect(normalizeLocale(stored)).toBe(expected);
  });
});
