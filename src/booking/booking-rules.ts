/** The rules every booking change checks: lifecycle transitions, the change lock, and new booking ids. */
import { randomBytes } from 'node:crypto';
import { findNextStatus, isFinalStatus, type BookingLifecycleEvent, type BookingLifecycleStatus } from '../../machines/booking.machine';
import { toDomainError } from '../platform/errors';
import type { BookingRow, BusinessSettings } from './booking-repository';

/** The lifecycle status `event` leads to; refuses (invalid_transition) what the booking's status does not allow. */
export function ensureTransition(booking: BookingRow, event: BookingLifecycleEvent['type']): BookingLifecycleStatus {
  const next = findNextStatus(booking.status, event);
  if (next === null) {
    const why = isFinalStatus(booking.status) ? `it is ${booking.status}, which is final` : `it is ${booking.status}`;
    throw toDomainError('invalid_transition', `Booking ${booking.uid} cannot ${event.toLowerCase().replace(/_/g, ' ')}: ${why}.`, {
      status: booking.status,
      action: event,
    });
  }
  return next;
}

/** Refuses (change_locked) a customer's change inside the business's change lock before the start. */
export function ensureNotChangeLocked(booking: BookingRow, business: BusinessSettings, now: Date): void {
  if (booking.startsAt.getTime() - now.getTime() < business.changeLockMinutes * 60_000) {
    throw toDomainError(
      'change_locked',
      `Booking ${booking.uid} starts within ${business.changeLockMinutes} minutes and can no longer be changed here. Contact the business.`,
      { changeLockMinutes: business.changeLockMinutes },
    );
  }
}

/** A new public booking id: `bk_` and 16 base32 characters. */
export function newBookingUid(): string {
  // 16 chars of Crockford-like base32 (80 bits): short enough to read out, unguessable.
  const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
  const bytes = randomBytes(16);
  return `bk_${Array.from(bytes, (b) => alphabet[b % 32]).join('')}`;
}
