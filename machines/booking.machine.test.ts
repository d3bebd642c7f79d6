import { findNextStatus, isFinalStatus, type BookingLifecycleEvent, type BookingLifecycleStatus } from './booking.machine';

const STATUSES: BookingLifecycleStatus[] = ['pending', 'confirmed', 'in_progress', 'completed', 'cancelled', 'no_show'];
const EVENTS: BookingLifecycleEvent['type'][] = ['CONFIRM', 'RESCHEDULE', 'CANCEL', 'START', 'COMPLETE', 'MARK_NO_SHOW', 'RATE', 'UPDATE_DETAILS'];

// Every (status, event) pair: the expected next status, or null when forbidden.
const EXPECTED: Record<BookingLifecycleStatus, Partial<Record<BookingLifecycleEvent['type'], BookingLifecycleStatus>>> = {
  pending: { CONFIRM: 'confirmed', RESCHEDULE: 'pending', CANCEL: 'cancelled', START: 'in_progress', MARK_NO_SHOW: 'no_show', UPDATE_DETAILS: 'pending' },
  confirmed: { RESCHEDULE: 'confirmed', CANCEL: 'cancelled', START: 'in_progress', COMPLETE: 'completed', MARK_NO_SHOW: 'no_show', UPDATE_DETAILS: 'confirmed' },
  in_progress: { COMPLETE: 'completed', MARK_NO_SHOW: 'no_show', CANCEL: 'cancelled', UPDATE_DETAILS: 'in_progress' },
  completed: { RATE: 'completed', UPDATE_DETAILS: 'completed' },
  no_show: { UPDATE_DETAILS: 'no_show' },
  cancelled: {},
};

describe('booking lifecycle', () => {
  const cases = STATUSES.flatMap((status) => EVENTS.map((event) => [status, event, EXPECTED[status][event] ?? null] as const));
  it.each(cases)('%s + %s → %s', (status, event, expected) => {
    expect(findNextStatus(status, event)).toBe(expected);
  });

  it('final states allow neither reschedule nor cancel', () => {
    for (const status of ['completed', 'cancelled', 'no_show'] as const) {
      expect(isFinalStatus(status)).toBe(true);
      expect(findNextStatus(status, 'RESCHEDULE')).toBeNull();
      expect(findNextStatus(status, 'CANCEL')).toBeNull();
    }
    expect(STATUSES.filter(isFinalStatus)).toEqual(['completed', 'cancelled', 'no_show']);
  });

  it('a visit in progress cannot be rescheduled', () => {
    expect(findNextStatus('in_progress', 'RESCHEDULE')).toBeNull();
  });
});
