import { WHATSAPP_LIMITS } from '../../whatsapp';
import { LOCALES } from '../locale';
import { CATALOGS, findCatalogText, isCatalogKey, listPlaceholders } from '.';

// Labels Meta would shorten: button titles and the list button (20), list row titles (24).
const BUTTON_KEYS = [
  'menu.book', 'menu.appointments', 'menu.talk', 'book.servicesButton', 'book.staffButton', 'book.daysButton', 'book.timesButton',
  'book.confirmButton', 'book.changeButton', 'manage.bookingsButton', 'manage.rescheduleButton', 'manage.cancelButton', 'manage.backButton',
  'manage.cancelYes', 'manage.cancelKeep',
] as const;
const ROW_KEYS = ['book.anyStaff', 'book.laterTimes', 'book.laterDates', 'book.earlierDates'] as const;

describe('message catalog', () => {
  it('en, es and pt have identical key sets', () => {
    const enKeys = Object.keys(CATALOGS.en).sort();
    expect(Object.keys(CATALOGS.es).sort()).toEqual(enKeys);
    expect(Object.keys(CATALOGS.pt).sort()).toEqual(enKeys);
  });

  it.each(Object.keys(CATALOGS.en))('%s has the same {placeholders} in every language', (key) => {
    const expected = listPlaceholders(findCatalogText('en', key));
    for (const locale of LOCALES) expect([locale, listPlaceholders(findCatalogText(locale, key))]).toEqual([locale, expected]);
  });

  it('no text is empty or left untranslated by accident', () => {
    for (const locale of LOCALES) for (const text of Object.values(CATALOGS[locale])) expect(text.trim()).not.toBe('');
    const sameInAllThree = Object.keys(CATALOGS.en).filter((key) => isCatalogKey(key) && CATALOGS.es[key] === CATALOGS.en[key] && CATALOGS.pt[key] === CATALOGS.en[key]);
    expect(sameInAllThree).toEqual(['book.serviceDescription', 'manage.bookingRow', 'emergency.custom']);
  });

  it.each(LOCALES)('%s button and row labels fit without being shortened', (locale) => {
    for (const key of BUTTON_KEYS) expect([key, CATALOGS[locale][key].length <= WHATSAPP_LIMITS.buttonTitle]).toEqual([key, true]);
    for (const key of ROW_KEYS) expect([key, CATALOGS[locale][key].length <= WHATSAPP_LIMITS.listRowTitle]).toEqual([key, true]);
  });

  it('menu button titles are unique within each language (Meta wants unique titles)', () => {
    for (const locale of LOCALES) expect(new Set(['menu.book', 'menu.appointments', 'menu.talk'].map((k) => findCatalogText(locale, k))).size).toBe(3);
  });

  it('an unknown key is a clear error', () => {
    expect(() => findCatalogText('en', 'nope.missing')).toThrow(/en\.ts, es\.ts and pt\.ts/);
  });
});
