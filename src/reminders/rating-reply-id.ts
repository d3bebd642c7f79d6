/**
 * Reply ids of the 1–5 rating choices of a follow-up (list rows inside the 24-hour window,
 * template quick-reply payloads outside it). The conversation's reply-id format is their one
 * definition: a tap comes back to the conversation as a RATING_GIVEN event.
 */
import { parseReplyId, toReplyId } from '../../machines/conversation-events';

/**
 * The reply id of rating `score` for a booking (its public uid).
 * @example toRatingReplyId('bk_abc', 5) // 'rating:5:bk_abc'
 */
export function toRatingReplyId(bookingUid: string, score: number): string {
  if (!Number.isInteger(score) || score < 1 || score > 5) throw new RangeError(`rating must be 1–5, got ${score}`);
  return toReplyId({ type: 'RATING_GIVEN', bookingUid, rating: score });
}

/** The rating a reply id stands for, or undefined when it is not a rating reply. */
export function parseRatingReplyId(id: string): { bookingUid: string; rating: number } | undefined {
  const event = parseReplyId(id);
  return event?.type === 'RATING_GIVEN' ? { rating: event.rating, bookingUid: event.bookingUid } : undefined;
}
