/**
 * Test kit for the Flows endpoint: the app with a Flows key from the fixtures, a client that
 * encrypts and signs like WhatsApp, and a channel (app + job runner + fake Graph API) with the
 * booking Flow configured. Never sleeps: waits poll the database.
 */
import { waitUntil } from '../support/wait-until';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import { createBookingService, type BookingService } from '../../src/booking';
import { PROCESS_INBOX_TASK, type ProcessInboxPayload } from '../../src/whatsapp';
import { processInbox, CONVERSATION_EVENT_TASK, deliverSystemEvent, type ConversationEventPayload } from '../../src/conversation';
import { decryptResponseLikeWhatsApp, encryptRequestLikeWhatsApp, issueFlowToken, type FlowTokenMode } from '../../src/flows';
import { migrateJobQueue, startJobRunner, type JobRunner } from '../../src/jobs';
import { createFixedClock, createLogger, loadConfig, type AppConfig } from '../../src/platform';
import { buildTaskList } from '../../src/tasks';
import { createGraphClient, signBody } from '../../src/whatsapp';
import { buildWebhook } from '../support/channel-harness';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph';
import type { TestDatabase } from '../support/test-database';

/** App secret the test apps and clients share. */
export const FLOW_TEST_SECRET = 'flows-test-secret';
/** BOOKING_FLOW_ID of the test channel. */
export const TEST_FLOW_ID = '987654321098765';

const FIXTURES = path.join(__dirname, '../fixtures/flows');
/** The fixture key pair (passphrase-protected PKCS#8, passphrase 'oracle-test'). */
export const PRIVATE_PEM = fs.readFileSync(path.join(FIXTURES, 'test-private.pem'), 'utf8');
/** Its public half: what WhatsApp encrypts the AES key with. */
export const PUBLIC_PEM = fs.readFileSync(path.join(FIXTURES, 'test-public.pem'), 'utf8');

/** Configuration of a live-mode app (signatures always checked) with the Flows key set. */
export function loadFlowConfig(db: TestDatabase, extra: Record<string, string> = {}): AppConfig {
  return loadConfig({
    DATABASE_URL: db.url,
    WHATSAPP_APP_SECRET: FLOW_TEST_SECRET,
    WHATSAPP_ACCESS_TOKEN: 'test-token',
    FLOWS_PRIVATE_KEY: PRIVATE_PEM,
    FLOWS_PRIVATE_KEY_PASSPHRASE: 'oracle-test',
    BOOKING_FLOW_ID: TEST_FLOW_ID,
    ...extra,
  });
}

/** A decrypted endpoint answer. */
export interface FlowAnswer {
  status: number;
  /** The decrypted JSON for 200/427, the plain JSON error otherwise. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Posts one request to the endpoint exactly as WhatsApp does (encrypted, signed) and decrypts the answer. */
export async function postFlow(
  app: Express,
  payload: unknown,
  options: { secret?: string | null; tamper?: (body: Record<string, string>) => void; path?: string } = {},
): Promise<FlowAnswer> {
  const { body, aesKey, iv } = encryptRequestLikeWhatsApp({ payload, publicKey: PUBLIC_PEM });
  const envelope = { ...body } as Record<string, string>;
  options.tamper?.(envelope);
  const raw = JSON.stringify(envelope);
  let call = request(app).post(options.path ?? '/flows/endpoint').set('content-type', 'application/json');
  const secret = options.secret === undefined ? FLOW_TEST_SECRET : options.secret;
  if (secret !== null) call = call.set('x-hub-signature-256', signBody(secret, raw));
  const res = await call.send(raw);
  if ((res.status === 200 || res.status === 427) && res.type === 'text/plain') {
    return { status: res.status, body: decryptResponseLikeWhatsApp({ responseBody: res.text, aesKey, iv }) };
  }
  return { status: res.status, body: res.body };
}

/** A data_exchange request body for one screen's Footer. */
export function exchange(token: string, screen: string, data: Record<string, unknown>) {
  return { version: '3.0', action: 'data_exchange', screen, data, flow_token: token };
}

/** An INIT request. */
export function init(token: string) {
  return { version: '3.0', action: 'INIT', flow_token: token };
}

/** Issues a token straight in the database (what the conversation does when it sends the Flow). */
export async function issueToken(
  db: TestDatabase,
  params: { businessId: string; customerId: string; now: Date; mode?: FlowTokenMode; bookingId?: string; locale?: string; ttlMinutes?: number },
): Promise<string> {
  return issueFlowToken(db.prisma, {
    businessId: params.businessId,
    customerId: params.customerId,
    mode: params.mode ?? 'book',
    ...(params.bookingId ? { bookingId: params.bookingId } : {}),
    locale: params.locale ?? 'en',
    ttlMinutes: params.ttlMinutes ?? 60,
    now: params.now,
  });
}

/** The app, booking core and clock for endpoint tests. */
export function startFlowApp(db: TestDatabase, now: Date, extra: Record<string, string> = {}) {
  const clock = createFixedClock(now);
  const config = loadFlowConfig(db, extra);
  const app = createApp({ config, prisma: db.prisma, logger: createLogger('silent'), clock });
  const bookings: BookingService = createBookingService({ prisma: db.prisma, clock });
  return { app, clock, config, bookings };
}

/** The whole channel with the booking Flow configured. */
export interface FlowChannel {
  app: Express;
  graph: FakeGraph;
  clock: ReturnType<typeof createFixedClock>;
  runner: JobRunner;
  /** Posts one webhook message (signed) and waits until everything is processed and sent. */
  send(from: string, message: Record<string, unknown>, options?: { name?: string }): Promise<Array<Record<string, any>>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Posts many webhooks at once, then waits. */
  sendAll(messages: Array<{ from: string; message: Record<string, unknown> }>): Promise<void>;
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * App + job runner + fake Graph API with BOOKING_FLOW_ID set. The inbox task gets `config.flows`
 * here, as src/tasks.ts is to pass it (see the Flows issue's report).
 */
export async function startFlowChannel(db: TestDatabase, now: Date, extra: Record<string, string> = {}): Promise<FlowChannel> {
  const graph = await startFakeGraph();
  const clock = createFixedClock(now);
  const config = loadFlowConfig(db, { WHATSAPP_GRAPH_URL: graph.baseUrl, ...extra });
  const logger = createLogger('silent');
  await migrateJobQueue(db.url);
  const bookings = createBookingService({ prisma: db.prisma, clock });
  const base = buildTaskList({ prisma: db.prisma, logger, clock, config, bookings, graph: createGraphClient({ baseUrl: config.whatsapp.graphUrl, accessToken: 'test-token' }) });
  const conversation = { prisma: db.prisma, clock, logger, bookings, flows: config.flows };
  const runner = await startJobRunner({
    connectionString: db.url,
    concurrency: 4,
    logger,
    pollIntervalMs: 100,
    tasks: {
      ...base,
      [PROCESS_INBOX_TASK]: async (payload) => {
        await processInbox(conversation, payload as ProcessInboxPayload);
      },
      [CONVERSATION_EVENT_TASK]: async (payload) => {
        await deliverSystemEvent(conversation, payload as ConversationEventPayload);
      },
    },
  });
  const app = createApp({ config, prisma: db.prisma, logger, clock });

  const settle = async () => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [jobs] = await db.prisma.$queryRaw<Array<{ n: bigint }>>`
        SELECT count(*) AS n FROM graphile_worker.jobs WHERE (run_at <= now() AND attempts < max_attempts) OR locked_at IS NOT NULL`;
      const waiting = await db.prisma.outboxMessage.count({ where: { status: { in: ['queued', 'sending'] }, nextAttemptAt: null } });
      const unprocessed = await db.prisma.inboxMessage.count({ where: { processedAt: null } });
      if (Number(jobs!.n) === 0 && waiting === 0 && unprocessed === 0) return;
      if (Date.now() > deadline) throw new Error(`flow channel did not settle: ${jobs!.n} jobs, ${waiting} outbox rows, ${unprocessed} inbox rows`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const post = async (from: string, message: Record<string, unknown>, name?: string) => {
    const body = buildWebhook(from, message, name);
    const res = await request(app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody(FLOW_TEST_SECRET, body)).send(body);
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${JSON.stringify(res.body)}`);
  };
  return {
    app,
    graph,
    clock,
    runner,
    settle,
    async send(from, message, options = {}) {
      const before = graph.messages().length;
      await post(from, message, options.name);
      await settle();
      return graph.messages().slice(before).filter((m) => (m.to ?? m.recipient) === from);
    },
    async sendAll(messages) {
      await Promise.all(messages.map(({ from, message }) => post(from, message)));
      await settle();
    },
    async stop() {
      await runner.stop();
      await graph.close();
    },
  };
}

/** The webhook message of a completed booking Flow (interactive nfm_reply; response_json is a string). */
export function flowCompletion(token: string, answer: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'interactive',
    interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: JSON.stringify({ ...answer, flow_token: token }) } },
  };
}

export { waitUntil };
