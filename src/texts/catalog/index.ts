/**
 * The bot's message catalog: one object per language with identical keys and placeholders.
 * Machine descriptors carry only keys; texts are looked up here at render time.
 */
import type { Locale } from '../locale';
import { en, type Catalog, type CatalogKey } from './en';
import { es } from './es';
import { pt } from './pt';

export type { Catalog, CatalogKey };

/** Every language's catalog. */
export const CATALOGS: Readonly<Record<Locale, Catalog>> = { en, es, pt };

/** True when `key` is a text of the catalog. */
export function isCatalogKey(key: string): key is CatalogKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/** The raw text of `key` in `locale` (placeholders not filled); throws for a key the catalog lacks. */
export function findCatalogText(locale: Locale, key: string): string {
  if (!isCatalogKey(key)) throw new RangeError(`message catalog has no key ${JSON.stringify(key)}; add it to en.ts, es.ts and pt.ts`);
  return CATALOGS[locale][key];
}

/** The `{placeholder}` names used by a catalog text, sorted. */
export function listPlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? ''))].sort();
}
