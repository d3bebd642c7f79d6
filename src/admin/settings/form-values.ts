/** Reading HTML form fields (always strings) into the typed values the API operations take. */

/** A submitted urlencoded body. */
export type FormBody = Record<string, unknown>;

/** The trimmed text of a field ('' when absent). */
export function textOf(body: FormBody, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** A text field as the API's nullable text: '' → null. */
export function nullableTextOf(body: FormBody, name: string): string | null {
  return textOf(body, name) || null;
}

/**
 * A number field: digits (with one optional decimal point or comma) become a number; anything
 * else is passed on as typed, so the operation's own schema says what is wrong with it.
 */
export function numberOf(body: FormBody, name: string): number | string {
  const text = textOf(body, name).replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

/** A checkbox: true when sent. */
export function isChecked(body: FormBody, name: string): boolean {
  return body[name] !== undefined;
}

/** The values of a repeated field (checkbox groups); urlencoded gives one string or an array. */
export function valuesOf(body: FormBody, name: string): string[] {
  const value = body[name];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** The per-language names of a form (`<prefix>.en`, `.es`, `.pt`); '' removes a translation. */
export function localizedOf(body: FormBody, prefix: string): { en: string; es: string; pt: string } {
  return { en: textOf(body, `${prefix}.en`), es: textOf(body, `${prefix}.es`), pt: textOf(body, `${prefix}.pt`) };
}

/** Splits a keyword list typed one per line or separated by commas. */
export function listOf(body: FormBody, name: string): string[] {
  return textOf(body, name)
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
