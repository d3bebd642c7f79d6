/**
 * Turns booking changes into outgoing events, inside the booking's transaction.
 * REMINDER_SENDING and FOLLOWUP_SENDING come from the reminder sender, not from here.
 */
import type { BookingChange, BookingChangeListener } from '../booking';
import type { Clock } from '../platform/clock';
import { recordEvent } from './event-outbox';
import { toEventBookingView, type EventType } from './event-types';

/**
 * The event types one booking change announces, in order.
 * MEETING_ENDED means a visit that was in progress ended; a booking completed without ever starting gets only BOOKING_COMPLETED.
 */
export function findEventTypesOfChange(change: Pick<BookingChange, 'kind' | 'before'>): EventType[] {
  switch (change.kind) {
    case 'created':
      return ['BOOKING_CREATED'];
    case 'confirmed':
      return ['BOOKING_CONFIRMED'];
    case 'rescheduled':
      return ['BOOKING_RESCHEDULED'];
    case 'cancelled':
      return ['BOOKING_CANCELLED'];
    case 'started':
      return ['MEETING_STARTED'];
    case 'completed':
      return change.before?.status === 'in_progress' ? ['MEETING_ENDED', 'BOOKING_COMPLETED'] : ['BOOKING_COMPLETED'];
    case 'no_show':
      return ['BOOKING_NO_SHOW'];
    case 'rated':
      return ['UPDATE_RATING'];
    case 'details_updated':
      return [];
  }
}

/** A booking-change listener that writes the matching events to the event outbox. */
export function createEventListener(deps: { clock: Clock }): BookingChangeListener {
  return async (tx, change) => {
    const now = deps.clock.now();
    for (const type of findEventTypesOfChange(change)) {
      const previous = change.before
        ? { status: change.before.status, startsAt: change.before.startsAt.toISOString(), endsAt: change.before.endsAt.toISOString(), rating: change.before.rating }
        : null;
      await recordEvent(tx, {
        businessId: change.booking.businessId,
        type,
        bookingId: change.booking.id,
        data: { booking: toEventBookingView(change.booking), previous, actor: change.actor },
        now,
      });
    }
  };
}
