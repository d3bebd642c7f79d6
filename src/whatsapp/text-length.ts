/**
 * Measuring and shortening user-visible text against Meta's limits.
 * Meta does not say whether it counts UTF-16 units or code points; UTF-16 units are never fewer,
 * so measuring in them keeps every message within the limit whichever way Meta counts.
 */

const ELLIPSIS = '…';
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Length of `text` as checked against WHATSAPP_LIMITS (UTF-16 code units, i.e. `text.length`). */
export function measureText(text: string): number {
  return text.length;
}

/**
 * Shortens `text` to at most `max` (measureText) ending in '…'; text within the limit is returned
 * unchanged. Cuts only between grapheme clusters, so no surrogate pair or emoji sequence is split.
 * @example truncateText('Haircut and beard trim', 10) // 'Haircut a…'
 */
export function truncateText(text: string, max: number): string {
  if (measureText(text) <= max) return text;
  if (max < 1) return '';
  const budget = max - measureText(ELLIPSIS);
  let kept = '';
  for (const { segment } of graphemes.segment(text)) {
    if (measureText(kept) + measureText(segment) > budget) break;
    kept += segment;
  }
  return kept.trimEnd() + ELLIPSIS;
}
