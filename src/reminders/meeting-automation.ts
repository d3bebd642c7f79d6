/**
 * Start and end of a meeting: at the start time a pending/confirmed booking becomes in_progress
 * (MEETING_STARTED); at the end time it becomes completed (MEETING_ENDED, BOOKING_COMPLETED),
 * unless staff already marked it otherwise (cancelled, no-show, completed early). The change goes
 * through the booking core, so the audit log, follow-ups and events follow as for any change.
 */
import { findBooking, runSerializable, type BookingService } from '../booking';
import { addJobInTransaction } from '../jobs';
import type { Clock } from '../platform/clock';
import type { PrismaClient } from '../platform/database';
import { MEETING_END_TASK, MEETING_START_TASK, meetingEndJobKey, meetingStartJobKey, type MeetingPayload } from './reminder-jobs';

/** What the meeting tasks need; `bookings` must carry the listeners (events, follow-ups). */
export interface MeetingAutomationDeps {
  prisma: PrismaClient;
  clock: Clock;
  bookings: BookingService;
}

/** How a meeting job ended. */
export type MeetingOutcome = 'started' | 'completed' | 'unchanged' | 'not_due' | 'booking_gone';

/** The actor written to the audit log for automatic changes. */
export const AUTOMATION_ACTOR = 'system:automation';

/** The meeting_start job. */
export async function startMeetingIfDue(deps: MeetingAutomationDeps, job: MeetingPayload): Promise<MeetingOutcome> {
  return runSerializable(deps.prisma, async (tx) => {
    const booking = await findBooking(tx, job.businessId, job.bookingId);
    if (!booking) return 'booking_gone';
    if (booking.status !== 'pending' && booking.status !== 'confirmed') return 'unchanged';
    if (booking.startsAt.getTime() > deps.clock.now().getTime()) {
      await addJobInTransaction(tx, MEETING_START_TASK, job, { jobKey: meetingStartJobKey(booking.id), runAt: booking.startsAt, maxAttempts: 10 });
      return 'not_due';
    }
    await deps.bookings.inTransaction(tx).applyLifecycle({ businessId: job.businessId, bookingId: booking.id, event: 'START', actor: AUTOMATION_ACTOR });
    return 'started';
  });
}

/** The meeting_end job; a booking whose start job never ran is started first, so MEETING_STARTED is never missing. */
export async function endMeetingIfDue(deps: MeetingAutomationDeps, job: MeetingPayload): Promise<MeetingOutcome> {
  return runSerializable(deps.prisma, async (tx) => {
    const booking = await findBooking(tx, job.businessId, job.bookingId);
    if (!booking) return 'booking_gone';
    if (booking.status !== 'pending' && booking.status !== 'confirmed' && booking.status !== 'in_progress') return 'unchanged';
    if (booking.endsAt.getTime() > deps.clock.now().getTime()) {
      await addJobInTransaction(tx, MEETING_END_TASK, job, { jobKey: meetingEndJobKey(booking.id), runAt: booking.endsAt, maxAttempts: 10 });
      return 'not_due';
    }
    const bookings = deps.bookings.inTransaction(tx);
    if (booking.status !== 'in_progress') {
      await bookings.applyLifecycle({ businessId: job.businessId, bookingId: booking.id, event: 'START', actor: AUTOMATION_ACTOR });
    }
    await bookings.applyLifecycle({ businessId: job.businessId, bookingId: booking.id, event: 'COMPLETE', actor: AUTOMATION_ACTOR });
    return 'completed';
  });
}
