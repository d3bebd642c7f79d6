/**
 * Reply ids of the 1–5 rating choices of a follow-up (list rows inside the 24-hour window,
 * template quick-reply payloads outside it). Pure; produced and parsed only here.
 */

const PATTERN = /^rating:([1-5]):(.{1,64})$/;

/**
 * The reply id of rating `score` for a booking (its public uid).
 * @example toRatingReplyId('bk_abc', 5) // 'rating:5:bk_abc'
 */
export function toRatingReplyId(bookingUid: string, score: number): string {
  if (!Number.isInteger(score) || score < 1 || score > 5) throw new RangeError(`rating must be 1–5, got ${score}`);
  return `rating:${score}:${bookingUid}`;
}

/** The rating a reply id stands for, or undefined when it is not a rating reply. */
export function parseRatingReplyId(id: string): { bookingUid: string; rating: number } | undefined {
  const match = PATTERN.exec(id);
  if (!match) return undefined;
  return { rating: Number(match[1]), bookingUid: match[2]! };
}
