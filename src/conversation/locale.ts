/**
 * The language to answer in before the customer has shown theirs. WhatsApp's webhooks carry no
 * user locale, so: the customer's saved choice (set when they switch or write Spanish or
 * Portuguese), else the business's default language.
 */
import { normalizeLocale, type Locale } from '../texts';

/** The language to answer in: saved choice, else the business default; anything unsupported → English. */
export function chooseLocale(params: { saved: string | null | undefined; businessDefault: string }): Locale {
  return normalizeLocale(params.saved ?? params.businessDefault);
}
