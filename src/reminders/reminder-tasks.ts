/** The job tasks of reminders, meeting automation and event delivery, for src/tasks.ts. */
import type { Task, TaskList } from 'graphile-worker';
import type { BookingService } from '../booking';
import { DELIVER_EVENT_TASK, deliverEvent, type DeliverEventPayload } from '../events';
import type { Clock } from '../platform/clock';
import type { PrismaClient } from '../platform/database';
import type { Logger } from '../platform/logger';
import type { OutboundPolicy } from '../platform/safe-fetch';
import type { OutboxSenderDeps } from '../whatsapp';
import { endMeetingIfDue, startMeetingIfDue } from './meeting-automation';
import { MEETING_END_TASK, MEETING_START_TASK, SEND_REMINDER_TASK, type MeetingPayload, type SendReminderPayload } from './reminder-jobs';
import { sendReminder } from './send-reminder';

/** What the tasks need; `bookings` must be created with the listeners from createBookingListeners. */
export interface ReminderTaskDeps {
  prisma: PrismaClient;
  clock: Clock;
  logger: Logger;
  bookings: BookingService;
  /** Policy of event deliveries' outgoing calls (tests allow their loopback receivers); default strict. */
  outbound?: OutboundPolicy;
  /** Jitter source of event-delivery retries (tests pass a constant). */
  random?: () => number;
  /** DATA_ENCRYPTION_KEY, to open sealed webhook signing secrets. */
  encryptionKey?: Buffer;
  /** The outbox sender's deps: reminders are then sent by their own job (see sendReminder), not a second one. */
  sender?: Omit<OutboxSenderDeps, 'prisma' | 'clock' | 'logger'>;
}

const typed = <P>(run: (payload: P) => Promise<unknown>): Task => async (payload) => {
  await run(payload as P);
};

/** send_reminder, meeting_start, meeting_end and deliver_event. */
export function buildReminderTasks(deps: ReminderTaskDeps): TaskList {
  return {
    [SEND_REMINDER_TASK]: typed<SendReminderPayload>((payload) =>
      sendReminder({ prisma: deps.prisma, clock: deps.clock, logger: deps.logger, ...(deps.sender ? { sender: deps.sender } : {}) }, payload),
    ),
    [MEETING_START_TASK]: typed<MeetingPayload>((payload) => startMeetingIfDue(deps, payload)),
    [MEETING_END_TASK]: typed<MeetingPayload>((payload) => endMeetingIfDue(deps, payload)),
    [DELIVER_EVENT_TASK]: typed<DeliverEventPayload>((payload) =>
      deliverEvent(
        {
          prisma: deps.prisma,
          clock: deps.clock,
          logger: deps.logger,
          ...deps.outbound,
          ...(deps.random ? { random: deps.random } : {}),
          ...(deps.encryptionKey ? { encryptionKey: deps.encryptionKey } : {}),
        },
        payload,
      ),
    ),
  };
}
