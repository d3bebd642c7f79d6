/**
 * A conversation step sends its own messages right after its commit, in the same job (one job per
 * sender, keyed by graphile-worker's job key, answers all their pending messages): no
 * send_outbox job per turn. Messages a step committed but could not send (the process died, or
 * the send's bookkeeping failed) are found by the outbox sweep a minute later and handed to a
 * send job, so nothing committed is ever left unsent.
 */
import { Client } from 'pg';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createBookingService } from '../../src/booking';
import { processInbox, type ConversationDeps } from '../../src/conversation';
import { migrateJobQueue } from '../../src/jobs';
import { createFixedClock, createLogger, loadConfig } from '../../src/platform';
import { createGraphClient, sendQueuedForRecipient, signBody, sweepOutbox } from '../../src/whatsapp';
import { buildWebhook, nextMondayMorning } from '../support/channel-harness';
import { setupDemo } from '../support/demo';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const SECRET = 'step-sending-secret';

describe('a step sends its messages itself', () => {
  let db: TestDatabase;
  let graph: FakeGraph;
  let app: ReturnType<typeof createApp>;
  let deps: ConversationDeps;
  let businessId: string;
  const clock = createFixedClock(nextMondayMorning());
  const logger = createLogger('silent');

  beforeAll(async () => {
    db = await createTestDatabase();
    businessId = (await setupDemo(db.prisma)).businessId;
    await migrateJobQueue(db.url);
    graph = await startFakeGraph();
    const config = loadConfig({ DATABASE_URL: db.url, WHATSAPP_APP_SECRET: SECRET, WHATSAPP_ACCESS_TOKEN: 'test-token', WHATSAPP_GRAPH_URL: graph.baseUrl });
    app = createApp({ config, prisma: db.prisma, logger, clock });
    const graphClient = createGraphClient({ baseUrl: graph.baseUrl, accessToken: 'test-token' });
    deps = { prisma: db.prisma, clock, logger, bookings: createBookingService({ prisma: db.prisma, clock }), sender: { graph: graphClient } };
  });
  afterAll(async () => {
    await graph.close();
    await db.drop();
  });

  async function post(from: string, text: string): Promise<void> {
    const body = buildWebhook(from, { type: 'text', text: { body: text } });
    const res = await request(app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody(SECRET, body)).send(body);
    expect(res.status).toBe(200);
  }

  /** The queued jobs of a task, oldest first, with their payloads. */
  async function jobs(task: string): Promise<Array<{ payload: Record<string, string> }>> {
    return db.prisma.$queryRaw`SELECT j.payload FROM graphile_worker._private_jobs j
      JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = ${task} ORDER BY j.id`;
  }

  async function clearJobs(): Promise<void> {
    await db.prisma.$executeRaw`DELETE FROM graphile_worker._private_jobs`;
  }

  it('sends the read receipt, then the reply, within the process_inbox job and adds no send job', async () => {
    await clearJobs();
    const from = '34612000001';
    const before = graph.requests.length;
    await post(from, 'hi');
    const [job] = await jobs('process_inbox');
    expect(await processInbox(deps, job!.payload as never)).toBe(1);

    const sent = graph.requests.slice(before);
    expect(sent.map((r) => (r.body.status === 'read' ? 'read' : r.body.type))).toEqual(['read', 'interactive']);
    expect(sent[1]!.body.to).toBe(from);
    expect(await jobs('send_outbox')).toEqual([]);
    const rows = await db.prisma.outboxMessage.findMany({ where: { recipient: from }, orderBy: { sequence: 'asc' } });
    expect(rows.map((row) => [row.kind, row.status])).toEqual([
      ['read_receipt', 'accepted'],
      ['reply', 'accepted'],
    ]);
  });

  it('a burst of one sender queues one job, which answers every message in one step', async () => {
    await clearJobs();
    const from = '34612000002';
    for (let i = 0; i < 3; i += 1) await post(from, 'hi');
    const queued = await jobs('process_inbox');
    expect(queued).toHaveLength(1);
    const before = graph.requests.length;
    expect(await processInbox(deps, queued[0]!.payload as never)).toBe(3);
    const sent = graph.requests.slice(before);
    // One read receipt, for the newest message: WhatsApp marks the earlier ones read with it.
    expect(sent.map((r) => (r.body.status === 'read' ? 'read' : r.body.type))).toEqual(['read', 'interactive', 'interactive', 'interactive']);
    const newest = await db.prisma.inboxMessage.findFirstOrThrow({ where: { customer: { waId: from } }, orderBy: [{ sentAt: 'desc' }, { receivedAt: 'desc' }, { id: 'desc' }] });
    expect(sent[0]!.body.message_id).toBe(newest.waMessageId);
  });

  it('one job works through a backlog longer than one step takes, in further steps', async () => {
    await clearJobs();
    const from = '34612000011';
    for (let i = 0; i < 25; i += 1) await post(from, `message ${i}`);
    const queued = await jobs('process_inbox');
    expect(queued).toHaveLength(1);
    expect(await processInbox(deps, queued[0]!.payload as never)).toBe(25);
    expect(await db.prisma.inboxMessage.count({ where: { customer: { waId: from }, processedAt: null } })).toBe(0);
  });

  it('a message that arrives while its sender’s job runs gets a job of its own, which answers it', async () => {
    await clearJobs();
    const from = '34612000010';
    await post(from, 'hi');
    const [running] = await jobs('process_inbox');
    // A worker has taken the job (and may have read the inbox already): the next message must not ride on it.
    await db.prisma.$executeRaw`UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'another-worker'`;
    expect(await processInbox(deps, running!.payload as never)).toBe(1);
    await post(from, 'hola');
    expect(await jobs('process_inbox')).toHaveLength(2);
    const before = graph.requests.length;
    const [, next] = await jobs('process_inbox');
    expect(await processInbox(deps, next!.payload as never)).toBe(1);
    const sent = graph.requests.slice(before);
    expect(sent.map((r) => (r.body.status === 'read' ? 'read' : r.body.type))).toEqual(['read', 'interactive']);
    expect(JSON.stringify(sent[1]!.body)).toMatch(/Reservar|cita/i);
  });

  it('a job whose messages another step answered sends nothing and saves nothing', async () => {
    await clearJobs();
    const from = '34612000009';
    await post(from, 'hi');
    const [job] = await jobs('process_inbox');
    expect(await processInbox(deps, job!.payload as never)).toBe(1);
    const saved = await db.prisma.conversation.findFirstOrThrow({ where: { customer: { waId: from } } });
    const before = graph.requests.length;
    expect(await processInbox(deps, job!.payload as never)).toBe(0);
    expect(graph.requests.length).toBe(before);
    expect((await db.prisma.conversation.findFirstOrThrow({ where: { id: saved.id } })).version).toBe(saved.version);
  });

  it('a step that waited for the lock of a step that handled its message handles nothing again', async () => {
    await clearJobs();
    const from = '34612000005';
    await post(from, 'hi');
    const [first] = await jobs('process_inbox');
    await processInbox(deps, first!.payload as never);
    await clearJobs();
    await post(from, 'hi');
    const [second] = await jobs('process_inbox');
    const customer = await db.prisma.customer.findFirstOrThrow({ where: { waId: from } });

    // Another worker's step: it holds the conversation lock, handles the message, bumps the version.
    const other = new Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT id FROM conversations WHERE customer_id = $1 FOR UPDATE', [customer.id]);
      await other.query(`UPDATE inbox_messages SET processed_at = now(), outcome = 'processed' WHERE customer_id = $1 AND processed_at IS NULL`, [customer.id]);
      await other.query('UPDATE conversations SET version = version + 1 WHERE customer_id = $1', [customer.id]);
      // The payload's inbox id is still pending when our step starts: it opens, and waits for the lock.
      const before = graph.requests.length;
      const handled = processInbox(deps, second!.payload as never);
      await waitForLockWaiter();
      await other.query('COMMIT');
      expect(await handled).toBe(0);
      expect(graph.requests.length).toBe(before);
    } finally {
      await other.end();
    }
  });

  it('a step waits for another step of its sender to commit, then answers once', async () => {
    await clearJobs();
    const from = '34612000006';
    await post(from, 'hi');
    const [first] = await jobs('process_inbox');
    await processInbox(deps, first!.payload as never);
    await clearJobs();
    await post(from, 'hi');
    const [second] = await jobs('process_inbox');
    const customer = await db.prisma.customer.findFirstOrThrow({ where: { waId: from } });
    const outboxBefore = await db.prisma.outboxMessage.count({ where: { recipient: from } });

    // Another step of this sender (a timer, staff releasing a hand-off) holds the row and commits a
    // new version without touching the inbox: this step waits for it and answers on what it committed.
    const other = new Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('UPDATE conversations SET version = version + 1 WHERE customer_id = $1', [customer.id]);
      const before = graph.requests.length;
      const handled = processInbox(deps, second!.payload as never);
      await waitForLockWaiter();
      await other.query('COMMIT');
      expect(await handled).toBe(1);
      // Exactly one read receipt and one menu.
      expect(graph.requests.slice(before).map((r) => (r.body.status === 'read' ? 'read' : r.body.type))).toEqual(['read', 'interactive']);
      expect(await db.prisma.outboxMessage.count({ where: { recipient: from } })).toBe(outboxBefore + 2);
      const inbox = await db.prisma.inboxMessage.findMany({ where: { customerId: customer.id }, select: { processedAt: true } });
      expect(inbox.every((row) => row.processedAt !== null)).toBe(true);
    } finally {
      await other.end();
    }
  });

  it('first contacts handled by two workers at once are answered once each', async () => {
    await clearJobs();
    const senders = Array.from({ length: 6 }, (_, i) => `3461200010${i}`);
    for (const from of senders) await post(from, 'hi');
    const queued = await jobs('process_inbox');
    expect(queued).toHaveLength(senders.length);
    const before = graph.requests.length;
    // Every job twice, all at once: a worker that died after starting one, and its retry elsewhere.
    const handled = await Promise.all([...queued, ...queued].map((job) => processInbox(deps, job.payload as never)));
    expect(handled.reduce((sum, count) => sum + count, 0)).toBe(senders.length);
    const sent = graph.requests.slice(before);
    for (const from of senders) {
      const inbox = await db.prisma.inboxMessage.findFirstOrThrow({ where: { customer: { waId: from } } });
      const toSender = sent.filter((r) => r.body.to === from || r.body.message_id === inbox.waMessageId);
      expect(toSender.map((r) => (r.body.status === 'read' ? 'read' : r.body.type))).toEqual(['read', 'interactive']);
      const conversation = await db.prisma.conversation.findFirstOrThrow({ where: { customer: { waId: from } } });
      expect(conversation.version).toBe(1);
    }
  });

  /** Resolves once some session of this database waits for a row lock. */
  async function waitForLockWaiter(): Promise<void> {
    for (;;) {
      const [row] = await db.prisma.$queryRaw<Array<{ waiting: number }>>`
        SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
      if (row!.waiting > 0) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it('messages committed but not sent are handed to a send job by the sweep, once they are a minute old', async () => {
    await clearJobs();
    const from = '34612000003';
    await post(from, 'hi');
    const [job] = await jobs('process_inbox');
    const before = graph.requests.length;
    // The send after the commit fails with an error of our own (not Meta's answer): the job fails,
    // but the step is committed and its rows stay queued, with no job to send them.
    const broken: ConversationDeps = {
      ...deps,
      sender: {
        graph: deps.sender!.graph,
        graphForNumber: () => Promise.reject(new Error('lost the connection to our token store')),
      },
    };
    await expect(processInbox(broken, job!.payload as never)).rejects.toThrow('lost the connection');
    expect(graph.requests.length).toBe(before);
    expect(await db.prisma.inboxMessage.count({ where: { customer: { waId: from }, processedAt: null } })).toBe(0);
    expect(await db.prisma.outboxMessage.count({ where: { recipient: from, status: 'queued' } })).toBe(2);
    expect(await jobs('send_outbox')).toEqual([]);

    // A sender may still be working on rows this fresh: the sweep leaves them alone.
    expect(await sweepOutbox({ prisma: db.prisma, logger })).toBe(0);
    await db.prisma.$executeRaw`UPDATE outbox_messages SET updated_at = now() - interval '2 minutes' WHERE recipient = ${from}`;
    expect(await sweepOutbox({ prisma: db.prisma, logger })).toBe(1);
    const [sendJob] = await jobs('send_outbox');
    expect(sendJob!.payload).toEqual({ businessId, recipient: from });

    await sendQueuedForRecipient({ prisma: db.prisma, clock, logger, graph: deps.sender!.graph }, sendJob!.payload as never);
    const sent = graph.requests.slice(before);
    expect(sent.map((r) => (r.body.status === 'read' ? 'read' : r.body.type))).toEqual(['read', 'interactive']);
    expect(await db.prisma.outboxMessage.count({ where: { recipient: from, status: 'accepted' } })).toBe(2);
    expect(await sweepOutbox({ prisma: db.prisma, logger })).toBe(0);
  });

  it('the sweep leaves rows that wait for a scheduled retry', async () => {
    await clearJobs();
    const from = '34612000004';
    await db.prisma.outboxMessage.create({
      data: { businessId, phoneNumberId: 'any', recipient: from, kind: 'reply', payload: { messaging_product: 'whatsapp', to: from, type: 'text', text: { body: 'later' } } },
    });
    await db.prisma.$executeRaw`UPDATE outbox_messages SET updated_at = now() - interval '10 minutes', next_attempt_at = now() + interval '5 minutes' WHERE recipient = ${from}`;
    expect(await sweepOutbox({ prisma: db.prisma, logger })).toBe(0);
    await db.prisma.$executeRaw`UPDATE outbox_messages SET next_attempt_at = now() - interval '5 minutes' WHERE recipient = ${from}`;
    expect(await sweepOutbox({ prisma: db.prisma, logger })).toBe(1);
  });
});
