/**
 * The job task list: which component handles which durable job. Components export the work;
 * this file only wires it, so the runner has one place to look.
 */
import type { Task, TaskList } from 'graphile-worker';
import type { BookingService } from './booking';
import { CONVERSATION_EVENT_TASK, deliverSystemEvent, processInbox, type ConversationEventPayload } from './conversation';
import type { AppConfig, Clock, Logger, PrismaClient } from './platform';
import { buildReminderTasks } from './reminders';
import {
  PROCESS_INBOX_TASK,
  SEND_OUTBOX_TASK,
  sendQueuedForRecipient,
  type GraphClient,
  type ProcessInboxPayload,
  type SendOutboxPayload,
} from './whatsapp';

/** What the tasks are given. */
export interface TaskDeps {
  prisma: PrismaClient;
  logger: Logger;
  clock: Clock;
  config: AppConfig;
  bookings: BookingService;
  /** undefined → sandbox mode: outbound messages are stored, not posted. */
  graph: GraphClient | undefined;
  onOutboxSettled?: (row: { id: string; status: string }) => void;
}

const typed = <P>(run: (payload: P) => Promise<unknown>): Task => async (payload) => {
  await run(payload as P);
};

/** Builds the task list for the job runner. */
export function buildTaskList(deps: TaskDeps): TaskList {
  const conversation = { prisma: deps.prisma, clock: deps.clock, logger: deps.logger, bookings: deps.bookings, flows: deps.config.flows };
  return {
    [PROCESS_INBOX_TASK]: typed<ProcessInboxPayload>((payload) => processInbox(conversation, payload)),
    [CONVERSATION_EVENT_TASK]: typed<ConversationEventPayload>((payload) => deliverSystemEvent(conversation, payload)),
    [SEND_OUTBOX_TASK]: typed<SendOutboxPayload>((payload) =>
      sendQueuedForRecipient({ prisma: deps.prisma, clock: deps.clock, logger: deps.logger, graph: deps.graph, onSettled: deps.onOutboxSettled }, payload),
    ),
    // Expired holds are already invisible to availability; this only keeps the table small.
    purge_expired_holds: async () => {
      await deps.prisma.slotHold.deleteMany({ where: { expiresAt: { lt: deps.clock.now() } } });
    },
    // Reminders, follow-ups, meeting start/end and event deliveries (src/reminders, src/events).
    ...buildReminderTasks({ prisma: deps.prisma, clock: deps.clock, logger: deps.logger, bookings: deps.bookings }),
  };
}
