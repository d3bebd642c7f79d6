/**
 * The language to answer in before the customer has shown theirs. WhatsApp's webhooks carry no
 * user locale, so: the customer's saved choice (set when they switch or write Spanish or
 * Portuguese), else the business's default language.
 */
import type { Locale } from '../../machines/conversation-types';

/** The language to answer in: saved choice, else the business default; anything unsupported → English. */
export function chooseLocale(params: { saved: string | null | undefined; businessDefault: string }): Locale {
  const candidate = (params.saved ?? params.businessDefault).slice(0, 2).toLowerCase();
  return candidate === 'es' || candidate === 'pt' ? candidate : 'en';
}
