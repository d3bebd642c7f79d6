import { chooseLocale, guessLocaleFromPhone } from './locale';

describe('the customer language before they say anything', () => {
  it.each([
    ['34600111222', 'es'],
    ['+52 55 1234 5678', 'es'],
    ['5511987654321', 'pt'],
    ['351912345678', 'pt'],
    ['14155550100', 'en'],
    ['447700900123', 'en'],
    ['4915112345678', undefined],
    ['US.13491208655302741918', undefined],
    ['', undefined],
  ])('%s → %s', (phone, locale) => {
    expect(guessLocaleFromPhone(phone)).toBe(locale);
  });

  it('prefers the saved choice, then the phone, then the business default', () => {
    expect(chooseLocale({ saved: 'pt', phone: '34600111222', businessDefault: 'en' })).toBe('pt');
    expect(chooseLocale({ saved: null, phone: '34600111222', businessDefault: 'en' })).toBe('es');
    expect(chooseLocale({ saved: null, phone: '4915112345678', businessDefault: 'es' })).toBe('es');
    expect(chooseLocale({ saved: null, phone: null, businessDefault: 'de' })).toBe('en');
  });
});
