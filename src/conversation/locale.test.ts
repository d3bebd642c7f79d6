import { chooseLocale } from './locale';

describe('the language to answer in', () => {
  it.each([
    [{ saved: 'pt', businessDefault: 'en' }, 'pt'],
    [{ saved: 'es-MX', businessDefault: 'en' }, 'es'],
    [{ saved: null, businessDefault: 'es' }, 'es'],
    [{ saved: undefined, businessDefault: 'de' }, 'en'],
    [{ saved: 'fr', businessDefault: 'pt' }, 'en'],
  ])('%j → %s', (input, locale) => {
    expect(chooseLocale(input)).toBe(locale);
  });
});
