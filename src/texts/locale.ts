/**
 * The customer's language. The one definition lives with the machines (they import nothing from
 * src/, and their events carry a locale); every text and format of this component is keyed by it.
 */
import type { Locale } from '../../machines/conversation-types';

export { LOCALES, type Locale } from '../../machines/conversation-types';

/** The language of a stored customer or business locale ('es-MX' → 'es', 'pt_BR' → 'pt'); unknown or missing → English. */
export function normalizeLocale(locale: string | null | undefined): Locale {
  const language = (locale ?? '').slice(0, 2).toLowerCase();
  return language === 'es' || language === 'pt' ? language : 'en';
}
