/**
 * The customer's language before they have said anything: their saved choice, else a guess from
 * the country code of their WhatsApp number, else the business default. WhatsApp's webhooks carry
 * no user locale, and the number's country is the best signal the platform gives.
 */
import type { Locale } from '../../machines/conversation-types';

// Calling codes of countries whose main language the bot speaks. Longest prefixes first, so that
// +351 (Portugal) is not read as +35x.
const PREFIXES: Array<[string, Locale]> = [
  ['351', 'pt'], ['244', 'pt'], ['258', 'pt'], ['238', 'pt'], ['245', 'pt'], ['239', 'pt'], ['670', 'pt'],
  ['502', 'es'], ['503', 'es'], ['504', 'es'], ['505', 'es'], ['506', 'es'], ['507', 'es'], ['591', 'es'],
  ['593', 'es'], ['595', 'es'], ['598', 'es'], ['240', 'es'],
  ['34', 'es'], ['52', 'es'], ['53', 'es'], ['54', 'es'], ['56', 'es'], ['57', 'es'], ['58', 'es'], ['51', 'es'],
  ['55', 'pt'],
  ['1', 'en'], ['44', 'en'], ['61', 'en'], ['64', 'en'], ['353', 'en'],
];

/** Guesses the language from a wa_id / E.164 number's country code; undefined when unknown. */
export function guessLocaleFromPhone(phone: string | null | undefined): Locale | undefined {
  // Business-scoped user ids ("US.1349…") are not phone numbers: their digits say nothing.
  if (!/^\+?[\d\s().-]+$/.test(phone ?? '')) return undefined;
  const digits = (phone ?? '').replace(/\D/g, '');
  if (digits.length < 8) return undefined;
  const match = PREFIXES.filter(([prefix]) => digits.startsWith(prefix)).sort((a, b) => b[0].length - a[0].length)[0];
  return match?.[1];
}

/** The language to answer in: saved choice, else the phone's country, else the business default. */
export function chooseLocale(params: { saved: string | null | undefined; phone: string | null | undefined; businessDefault: string }): Locale {
  const candidate = (params.saved ?? guessLocaleFromPhone(params.phone) ?? params.businessDefault).slice(0, 2).toLowerCase();
  return candidate === 'es' || candidate === 'pt' ? candidate : 'en';
}
