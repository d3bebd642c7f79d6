/**
 * A customer's answer to a rating follow-up (a list row or template quick reply with a
 * `rating:<1-5>:<booking uid>` id) stored as the booking's rating through the booking core, so the
 * audit log and UPDATE_RATING follow. Meant to be called from the conversation step, in its transaction.
 */
import { findBooking, type BookingService } from '../booking';
import { isDomainError } from '../platform/errors';
import type { Prisma } from '../platform/database';
import { findLabels, toLabelLocale } from './reminder-labels';
import { parseRatingReplyId } from './rating-reply-id';

/** What happened to a rating reply. */
export type RatingReplyResult =
  | { status: 'recorded'; bookingUid: string; rating: number }
  | { status: 'not_a_rating' | 'booking_not_found' | 'not_ratable' };

/** Parses `replyId` and stores the rating when it is one for a completed booking of this customer. */
export async function recordRatingReply(
  tx: Prisma.TransactionClient,
  params: { bookings: BookingService; businessId: string; customerId: string; replyId: string; actor?: string },
): Promise<RatingReplyResult> {
  const parsed = parseRatingReplyId(params.replyId);
  if (!parsed) return { status: 'not_a_rating' };
  const booking = await findBooking(tx, params.businessId, parsed.bookingUid);
  // A forwarded or forged id must not let one customer rate another's visit.
  if (!booking || booking.customerId !== params.customerId) return { status: 'booking_not_found' };
  try {
    await params.bookings.inTransaction(tx).rate({
      businessId: params.businessId,
      bookingId: booking.id,
      rating: parsed.rating,
      actor: params.actor ?? `customer:${params.customerId}`,
    });
  } catch (error) {
    if (isDomainError(error, 'invalid_transition')) return { status: 'not_ratable' };
    throw error;
  }
  return { status: 'recorded', bookingUid: booking.uid, rating: parsed.rating };
}

/**
 * The thanks text after a recorded rating, in the customer's language.
 * @example renderRatingThanks('en', 5) // 'Thank you for your rating (5/5)!'
 */
export function renderRatingThanks(locale: string | null | undefined, rating: number): string {
  return findLabels(toLabelLocale(locale)).ratingThanks.replace('{rating}', String(rating));
}
