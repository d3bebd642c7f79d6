/**
 * The job task list: which component handles which durable job. Components export the work;
 * this file only wires it, so the runner has one place to look.
 */
import type { Task, TaskList } from 'graphile-worker';
import type { BookingService } from './booking';
import { IMPORT_EXTERNAL_CALENDARS_TASK, runImportExternalCalendarsTask, type ImportExternalCalendarsPayload } from './calendar';
import { CONVERSATION_EVENT_TASK, deliverSystemEvent, processInbox, type ConversationEventPayload } from './conversation';
import { recordHoldsExpired, type AppConfig, type Clock, type Logger, type OutboundPolicy, type PrismaClient } from './platform';
import { buildReminderTasks, notifyStaffOfHandoff } from './reminders';
import { findAccessTokenForNumber } from './api';
import {
  createGraphClient,
  describeAccessTokenProblem,
  PROCESS_INBOX_TASK,
  SEND_OUTBOX_TASK,
  sendQueuedForRecipient,
  sweepOutbox,
  SWEEP_OUTBOX_TASK,
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
  /** Outgoing calls to customer-chosen URLs (event webhooks, calendar feeds); tests only, default strict. */
  outbound?: OutboundPolicy;
}

const typed = <P>(run: (payload: P) => Promise<unknown>): Task => async (payload) => {
  await run(payload as P);
};

/** Builds the task list for the job runner. */
export function buildTaskList(deps: TaskDeps): TaskList {
  // A phone number's own access token (stored encrypted) wins over WHATSAPP_ACCESS_TOKEN.
  // Looked up at most every 30 s per number: every outbound message asks.
  const clientsByNumber = new Map<string, { client: GraphClient | undefined; until: number }>();
  const graphForNumber = async (phoneNumberId: string): Promise<GraphClient | undefined> => {
    const cached = clientsByNumber.get(phoneNumberId);
    if (cached && cached.until > Date.now()) return cached.client;
    const token = await findAccessTokenForNumber(deps.prisma, phoneNumberId, deps.config.dataEncryptionKey);
    const client = token ? createGraphClient({ baseUrl: deps.config.whatsapp.graphUrl, accessToken: token }) : undefined;
    // A token no request can carry is not kept: each send fails at once, and the fixed one is used at the next send.
    if (!token || !describeAccessTokenProblem(token)) clientsByNumber.set(phoneNumberId, { client, until: Date.now() + 30_000 });
    return client;
  };
  const sender = { graph: deps.graph, graphForNumber, ...(deps.onOutboxSettled ? { onSettled: deps.onOutboxSettled } : {}) };
  // A step sends its own messages right after its commit (no send_outbox job per turn).
  // The staff alert of a hand-off lives with the other staff notifications (reminders), injected here.
  const conversation = { prisma: deps.prisma, clock: deps.clock, logger: deps.logger, bookings: deps.bookings, flows: deps.config.flows, publicBaseUrl: deps.config.http.publicBaseUrl, sender, onHandoff: notifyStaffOfHandoff };
  return {
    [PROCESS_INBOX_TASK]: typed<ProcessInboxPayload>((payload) => processInbox(conversation, payload)),
    [CONVERSATION_EVENT_TASK]: typed<ConversationEventPayload>((payload) => deliverSystemEvent(conversation, payload)),
    [SEND_OUTBOX_TASK]: typed<SendOutboxPayload>((payload) =>
      sendQueuedForRecipient({ prisma: deps.prisma, clock: deps.clock, logger: deps.logger, ...sender }, payload),
    ),
    // Cron (every minute): messages a crashed step committed but never sent get a send job.
    [SWEEP_OUTBOX_TASK]: async () => {
      await sweepOutbox({ prisma: deps.prisma, logger: deps.logger });
    },
    // Expired holds are already invisible to availability; this only keeps the table small.
    purge_expired_holds: async () => {
      recordHoldsExpired((await deps.prisma.slotHold.deleteMany({ where: { expiresAt: { lt: deps.clock.now() } } })).count);
    },
    // Reminders, follow-ups, meeting start/end and event deliveries (src/reminders, src/events).
    ...buildReminderTasks({
      prisma: deps.prisma,
      clock: deps.clock,
      logger: deps.logger,
      bookings: deps.bookings,
      encryptionKey: deps.config.dataEncryptionKey,
      sender,
      ...(deps.outbound ? { outbound: deps.outbound } : {}),
    }),
    // Calendar import (issue 6): external busy times of staff, every 15 minutes (src/calendar).
    [IMPORT_EXTERNAL_CALENDARS_TASK]: typed<ImportExternalCalendarsPayload>((payload) =>
      runImportExternalCalendarsTask(
        {
          prisma: deps.prisma,
          clock: deps.clock,
          logger: deps.logger,
          encryptionKey: deps.config.dataEncryptionKey,
          ...deps.outbound,
        },
        payload ?? {},
      ),
    ),
    // End of calendar import.
  };
}
