/** Texts per customer language ({ es, pt } names of services, staff and places; emergency texts). */
import { z } from 'zod';

/**
 * Translations of a name for customers who write in Spanish or Portuguese (English readers get
 * `name`); an empty string removes a translation. Shown in the chat lists, the Flow and messages.
 */
export const localizedNamesSchema = z
  .object({ en: z.string().trim().max(100), es: z.string().trim().max(100), pt: z.string().trim().max(100) })
  .partial()
  .strict()
  .describe('The name per customer language, e.g. {"es": "Consulta", "pt": "Consulta"}; a language left out shows `name`.');

/** The emergency text per customer language. */
export const localizedTextsSchema = z
  .object({ en: z.string().trim().max(1000), es: z.string().trim().max(1000), pt: z.string().trim().max(1000) })
  .partial()
  .strict()
  .describe('The emergency text per customer language; a language left out gets `emergencyText` (default language) or the built-in text.');

/** A stored `names`/`emergencyTexts` column as the API shows it: only non-empty texts. */
export function toLocalizedDto(raw: unknown): Record<string, string> {
  if (!raw || typeof raw !== 'object') return {};
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== ''));
}
