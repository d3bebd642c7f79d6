/**
 * The outgoing event catalogue and the JSON body subscribers receive. Pure: ids and instants are
 * handed in, so a body can be rebuilt byte for byte in tests.
 */
import type { BookingRow } from '../booking';

/** Every event type a subscriber can receive. */
export const EVENT_TYPES = [
  'BOOKING_CREATED',
  'BOOKING_CONFIRMED',
  'REMINDER_SENDING',
  'MEETING_STARTED',
  'MEETING_ENDED',
  'BOOKING_COMPLETED',
  'BOOKING_NO_SHOW',
  'FOLLOWUP_SENDING',
  'UPDATE_RATING',
  'BOOKING_RESCHEDULED',
  'BOOKING_CANCELLED',
] as const;

/** One outgoing event type. */
export type EventType = (typeof EVENT_TYPES)[number];

/** The booking as subscribers see it (ids, times in UTC ISO, status; no personal data). */
export interface EventBookingView {
  id: string;
  uid: string;
  status: string;
  serviceId: string;
  staffId: string;
  customerId: string;
  locationId: string | null;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  source: string;
  rating: number | null;
  rescheduleCount: number;
  cancellationReason: string | null;
}

/** The JSON body of one event (what is signed and posted). */
export interface EventBody {
  id: string;
  type: EventType;
  createdAt: string;
  businessId: string;
  data: Record<string, unknown>;
}

/** True when `value` names an event type. */
export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** The booking fields an event shows. */
export type EventBookingFields = Pick<
  BookingRow,
  'id' | 'uid' | 'status' | 'serviceId' | 'staffId' | 'customerId' | 'locationId' | 'startsAt' | 'endsAt' | 'timeZone' | 'source' | 'rating' | 'rescheduleCount' | 'cancellationReason'
>;

/** The subscriber-facing view of a booking row. */
export function toEventBookingView(booking: EventBookingFields): EventBookingView {
  return {
    id: booking.id,
    uid: booking.uid,
    status: booking.status,
    serviceId: booking.serviceId,
    staffId: booking.staffId,
    customerId: booking.customerId,
    locationId: booking.locationId,
    startsAt: booking.startsAt.toISOString(),
    endsAt: booking.endsAt.toISOString(),
    timeZone: booking.timeZone,
    source: booking.source,
    rating: booking.rating,
    rescheduleCount: booking.rescheduleCount,
    cancellationReason: booking.cancellationReason,
  };
}

/** Builds the body of one event. */
export function buildEventBody(input: { id: string; type: EventType; createdAt: Date; businessId: string; data: Record<string, unknown> }): EventBody {
  return { id: input.id, type: input.type, createdAt: input.createdAt.toISOString(), businessId: input.businessId, data: input.data };
}
