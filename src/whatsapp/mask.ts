/** Masking of customer identifiers for logs (DESIGN: logs hold no personal data). */

const KEPT_PREFIX = 2;
const KEPT_SUFFIX = 4;

/**
 * Masks a phone number (or BSUID) for logs, keeping an optional `+`, the first two characters
 * (country-code-ish) and the last four: `maskPhone('+34600111222')` → `'+34*****1222'`.
 * Values too short to keep anything private are fully starred.
 */
export function maskPhone(value: string | undefined | null): string {
  if (!value) return '';
  const plus = value.startsWith('+') ? '+' : '';
  const rest = value.slice(plus.length);
  if (rest.length <= KEPT_PREFIX + KEPT_SUFFIX) return plus + '*'.repeat(rest.length);
  const hiddenLength = rest.length - KEPT_PREFIX - KEPT_SUFFIX;
  return plus + rest.slice(0, KEPT_PREFIX) + '*'.repeat(hiddenLength) + rest.slice(-KEPT_SUFFIX);
}
