/** Console texts per language and the translate function pages use. */
import type { ConsoleLocale } from '../auth/staff-user-repository';
import { en, type ConsoleTextKey } from './en';
import { es } from './es';
import { pt } from './pt';

export type { ConsoleTextKey } from './en';

const CATALOGS: Record<ConsoleLocale, Record<ConsoleTextKey, string>> = { en, es, pt };

/** Translates a key, filling {name} placeholders. */
export type Translate = (key: ConsoleTextKey, params?: Record<string, string | number>) => string;

/** The translate function of a language. */
export function createTranslate(locale: ConsoleLocale): Translate {
  const catalog = CATALOGS[locale];
  return (key, params) => catalog[key].replace(/\{(\w+)\}/g, (whole, name: string) => (params?.[name] !== undefined ? String(params[name]) : whole));
}
