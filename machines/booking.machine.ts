/**
 * The booking lifecycle as a pure XState v5 machine: the single source of which status changes
 * are allowed. The booking core asks it before writing; nothing here performs I/O.
 *
 * pending → confirmed → in_progress → completed, plus cancelled and no_show.
 * completed, cancelled and no_show are final: no reschedule, no cancel.
 */
import { setup, transition, type SnapshotFrom } from 'xstate';

/** Statuses a booking can be in (same spelling as the database enum). */
export type BookingLifecycleStatus = 'pending' | 'confirmed' | 'in_progress' | 'completed' | 'cancelled' | 'no_show';

/** Things that can happen to a booking. */
export type BookingLifecycleEvent =
  | { type: 'CONFIRM' }
  | { type: 'RESCHEDULE' }
  | { type: 'CANCEL' }
  | { type: 'START' }
  | { type: 'COMPLETE' }
  | { type: 'MARK_NO_SHOW' }
  | { type: 'RATE' }
  | { type: 'UPDATE_DETAILS' };

/** The lifecycle machine; states are the booking statuses. */
export const bookingMachine = setup({
  types: {} as { events: BookingLifecycleEvent },
}).createMachine({
  id: 'booking',
  initial: 'pending',
  // Self-targets (not empty `{}`) so that `snapshot.can()` reports the change as allowed.
  states: {
    pending: {
      on: {
        CONFIRM: 'confirmed',
        RESCHEDULE: 'pending',
        CANCEL: 'cancelled',
        START: 'in_progress',
        MARK_NO_SHOW: 'no_show',
        UPDATE_DETAILS: 'pending',
      },
    },
    confirmed: {
      on: {
        RESCHEDULE: 'confirmed',
        CANCEL: 'cancelled',
        START: 'in_progress',
        COMPLETE: 'completed',
        MARK_NO_SHOW: 'no_show',
        UPDATE_DETAILS: 'confirmed',
      },
    },
    in_progress: {
      // Rescheduling a visit that has begun makes no sense; it can still end or be called off.
      on: { COMPLETE: 'completed', MARK_NO_SHOW: 'no_show', CANCEL: 'cancelled', UPDATE_DETAILS: 'in_progress' },
    },
    // Final for the lifecycle, but a completed visit can still be rated and annotated.
    completed: { tags: ['final'], on: { RATE: 'completed', UPDATE_DETAILS: 'completed' } },
    no_show: { tags: ['final'], on: { UPDATE_DETAILS: 'no_show' } },
    cancelled: { tags: ['final'] },
  },
});

type BookingSnapshot = SnapshotFrom<typeof bookingMachine>;

function snapshotAt(status: BookingLifecycleStatus): BookingSnapshot {
  return bookingMachine.resolveState({ value: status });
}

/** The status after `event`, or null when the lifecycle forbids it from `status`. */
export function findNextStatus(status: BookingLifecycleStatus, eventType: BookingLifecycleEvent['type']): BookingLifecycleStatus | null {
  const snapshot = snapshotAt(status);
  const event = { type: eventType } as BookingLifecycleEvent;
  if (!snapshot.can(event)) return null;
  const [next] = transition(bookingMachine, snapshot, event);
  return next.value as BookingLifecycleStatus;
}

/** True for statuses nothing can move out of (completed, cancelled, no_show). */
export function isFinalStatus(status: BookingLifecycleStatus): boolean {
  return snapshotAt(status).hasTag('final');
}

/** Statuses that occupy the staff member's time (the exclusion constraint uses the same list). */
export const ACTIVE_BOOKING_STATUSES: readonly BookingLifecycleStatus[] = ['pending', 'confirmed', 'in_progress'];
