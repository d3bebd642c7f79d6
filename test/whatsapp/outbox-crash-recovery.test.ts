/**
 * A sender killed after Meta accepted its post but before it stored the message id (SIGKILL while
 * the fake Graph API holds the post). Meta has no idempotency key, so recovery decides from the
 * status webhooks: a status for that post → its id is adopted and nothing is posted again; no
 * status → the row waits out the grace period, then is posted again (the documented duplicate).
 * A post that timed out waiting for Meta's answer is recovered the same way.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { DEMO } from '../../prisma/seed';
import { createApp } from '../../src/app';
import { migrateJobQueue } from '../../src/jobs';
import { createLogger, loadConfig, systemClock } from '../../src/platform';
import { poolOf } from '../../src/platform/database';
import { buildTextMessage, createGraphClient, enqueueOutbound, sendJobKey, sendQueuedForRecipient, signBody, tryLockRecipient, unlockRecipient } from '../../src/whatsapp';
import { RESEND_GRACE_MS } from '../../src/whatsapp/outbox-recovery';
import { setupDemo } from '../support/demo';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitUntil } from '../support/wait-until';

const ROOT = path.resolve(__dirname, '../..');
const SECRET = 'test-app-secret';

describe('outbox recovery after a sender killed between the post and the save', () => {
  let db: TestDatabase;
  let graph: FakeGraph;
  let businessId: string;
  let app: ReturnType<typeof createApp>;
  /** What the fake does with the next message post before answering it (kill its sender, hold the answer). */
  let onNextPost: (() => Promise<void>) | undefined;
  const children: ChildProcessWithoutNullStreams[] = [];
  const logLines: Array<{ level: number; msg: string }> = [];
  const logger = createLogger('info', { write: (line: string) => void logLines.push(JSON.parse(line) as { level: number; msg: string }) });

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 4 });
    businessId = (await setupDemo(db.prisma)).businessId;
    await migrateJobQueue(db.url);
    app = createApp({ config: loadConfig({ DATABASE_URL: db.url, WHATSAPP_APP_SECRET: SECRET }), prisma: db.prisma, logger: createLogger('silent'), clock: systemClock });
    graph = await startFakeGraph({
      beforeAnswer: async () => {
        const hook = onNextPost;
        onNextPost = undefined;
        await hook?.();
      },
    });
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await graph.close();
    await db.drop();
  });

  const deps = () => ({ prisma: db.prisma, clock: systemClock, logger, graph: createGraphClient({ baseUrl: graph.baseUrl, accessToken: 'test-token' }) });
  const postsTo = (recipient: string) => graph.messages().filter((message) => message.to === recipient);
  const rowOf = async (recipient: string) => db.prisma.outboxMessage.findFirstOrThrow({ where: { recipient } });

  /** Queues one confirmation for `recipient`, runs a sender process for it and kills it while Meta holds its post. */
  async function sendAndCrash(recipient: string): Promise<void> {
    await db.prisma.$transaction((tx) =>
      enqueueOutbound(tx, { businessId, customerId: null, phoneNumberId: DEMO.phoneNumberId, recipient, kind: 'reply', payload: buildTextMessage({ to: recipient, text: 'Booked! Tue 10:00' }) }),
    );
    const child = spawn(path.join(ROOT, 'node_modules/.bin/node'), ['--import', 'tsx', 'test/whatsapp/support/crashing-sender.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url, GRAPH_URL: graph.baseUrl, BUSINESS_ID: businessId, RECIPIENT: recipient, NODE_OPTIONS: '' },
    });
    children.push(child);
    onNextPost = async () => {
      // Meta has accepted the message; the sender dies before it hears so.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    };
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    expect({ ...exit, output }).toEqual({ code: null, signal: 'SIGKILL', output: '' });
    // PostgreSQL ends the dead process's session (and its send lock on the recipient) on its own, a moment later.
    await waitUntil(() => isRecipientLockFree(recipient), 'the dead sender\'s lock on the recipient to be released', 20_000);
  }

  async function isRecipientLockFree(recipient: string): Promise<boolean> {
    const client = await poolOf(db.prisma).connect();
    try {
      const isFree = await tryLockRecipient(client, { businessId, recipient });
      if (isFree) await unlockRecipient(client, { businessId, recipient });
      return isFree;
    } finally {
      client.release();
    }
  }

  /** Meta's status webhook for a message we sent, signed as Meta signs it, through the real route. */
  async function postStatus(messageId: string, recipient: string, status: 'sent' | 'delivered'): Promise<void> {
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: 'waba', changes: [{ field: 'messages', value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '34600000001', phone_number_id: DEMO.phoneNumberId },
        statuses: [{ id: messageId, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: recipient }],
      } }] }],
    });
    const res = await request(app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody(SECRET, body)).send(body);
    expect(res.status).toBe(200);
  }

  it('leaves the row marked as attempted, without an id, when the sender dies after Meta accepted the post', async () => {
    const recipient = '34655000001';
    await sendAndCrash(recipient);
    expect(postsTo(recipient)).toHaveLength(1);
    const row = await rowOf(recipient);
    expect(row).toMatchObject({ status: 'sending', attempts: 1, providerMessageId: null });
    expect(row.attemptedAt).toBeInstanceOf(Date);
  });

  it('does not post again when Meta\'s status for that post arrived: the id is adopted with its status', async () => {
    const recipient = '34655000002';
    await sendAndCrash(recipient);
    const acceptedId = `wamid.fake.${graph.messages().length}`;
    await postStatus(acceptedId, recipient, 'sent');
    await postStatus(acceptedId, recipient, 'delivered');

    await sendQueuedForRecipient(deps(), { businessId, recipient });

    expect(postsTo(recipient)).toHaveLength(1);
    expect(await rowOf(recipient)).toMatchObject({ status: 'delivered', providerMessageId: acceptedId, attempts: 1 });
    expect(await db.prisma.unmatchedStatus.count({ where: { messageId: acceptedId } })).toBe(0);
    expect(logLines.some((line) => line.level === 40 && /adopted, not sent again/.test(line.msg))).toBe(true);
  });

  it('without a status, waits out the grace period (nothing posted, a job at its end), then posts again once', async () => {
    const recipient = '34655000003';
    await sendAndCrash(recipient);

    // Recovery right after the crash: Meta's status may still be on its way.
    await sendQueuedForRecipient(deps(), { businessId, recipient });
    expect(postsTo(recipient)).toHaveLength(1);
    expect(await rowOf(recipient)).toMatchObject({ status: 'sending', providerMessageId: null });
    const [job] = await db.prisma.$queryRaw<Array<{ wait_ms: number }>>`
      SELECT extract(epoch FROM (j.run_at - o.attempted_at))::float8 * 1000 AS wait_ms
        FROM graphile_worker.jobs j, outbox_messages o WHERE j.key = ${sendJobKey(businessId, recipient)} AND o.recipient = ${recipient}`;
    // The job runs when the grace period ends (the statement's own time and rounding aside).
    expect(job!.wait_ms).toBeGreaterThan(RESEND_GRACE_MS - 5_000);
    expect(job!.wait_ms).toBeLessThan(RESEND_GRACE_MS + 5_000);

    // The grace period passes with no status (time moved on in the database, not waited for).
    await db.prisma.$executeRaw`UPDATE outbox_messages SET attempted_at = attempted_at - make_interval(secs => ${RESEND_GRACE_MS / 1000 + 1}) WHERE recipient = ${recipient}`;
    await sendQueuedForRecipient(deps(), { businessId, recipient });

    expect(postsTo(recipient)).toHaveLength(2);
    const row = await rowOf(recipient);
    expect(row).toMatchObject({ status: 'accepted', attempts: 2 });
    expect(row.providerMessageId).toBe(`wamid.fake.${graph.messages().length}`);
    expect(logLines.some((line) => line.level === 40 && /sending again, a duplicate is possible/.test(line.msg))).toBe(true);
  });

  it('never adopts a status from before the attempt (a late status of an earlier message to the same customer)', async () => {
    const recipient = '34655000004';
    // An earlier message's status that no row has (say it was sent again after a crash): Meta's time is minutes old.
    const staleAt = new Date(Date.now() - 10 * 60_000);
    await sendAndCrash(recipient);
    await db.prisma.unmatchedStatus.create({ data: { businessId, phoneNumberId: DEMO.phoneNumberId, messageId: 'wamid.earlier-message', recipient, sentAt: staleAt } });
    await db.prisma.$executeRaw`UPDATE outbox_messages SET attempted_at = attempted_at - make_interval(secs => ${RESEND_GRACE_MS / 1000 + 1}) WHERE recipient = ${recipient}`;

    await sendQueuedForRecipient(deps(), { businessId, recipient });

    expect(postsTo(recipient)).toHaveLength(2);
    expect((await rowOf(recipient)).providerMessageId).not.toBe('wamid.earlier-message');
  });

  it('a status that overtakes the save of its message id is applied once the id is stored', async () => {
    const recipient = '34655000005';
    const nextId = `wamid.fake.${graph.messages().length + 1}`;
    await postStatus(nextId, recipient, 'delivered');
    await db.prisma.$transaction((tx) =>
      enqueueOutbound(tx, { businessId, customerId: null, phoneNumberId: DEMO.phoneNumberId, recipient, kind: 'reply', payload: buildTextMessage({ to: recipient, text: 'See you' }) }),
    );
    await sendQueuedForRecipient(deps(), { businessId, recipient });
    expect(await rowOf(recipient)).toMatchObject({ status: 'delivered', providerMessageId: nextId });
    expect(await db.prisma.unmatchedStatus.count({ where: { messageId: nextId } })).toBe(0);
  });

  it('a post that timed out waiting for Meta\'s answer is not posted again when Meta\'s status for it arrives', async () => {
    const recipient = '34655000006';
    await db.prisma.$transaction((tx) =>
      enqueueOutbound(tx, { businessId, customerId: null, phoneNumberId: DEMO.phoneNumberId, recipient, kind: 'reply', payload: buildTextMessage({ to: recipient, text: 'Booked! Thu 9:00' }) }),
    );
    // Meta accepts the post but its answer never comes back within the client's timeout.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    onNextPost = () => held;
    const impatient = { ...deps(), graph: createGraphClient({ baseUrl: graph.baseUrl, accessToken: 'test-token', timeoutMs: 1_000 }), random: () => 0 };
    try {
      await sendQueuedForRecipient(impatient, { businessId, recipient });
    } finally {
      release();
    }
    const acceptedId = `wamid.fake.${graph.messages().length}`;
    const row = await rowOf(recipient);
    expect(row).toMatchObject({ status: 'sending', providerMessageId: null, attempts: 1 });
    expect(row.lastError).toContain('timed out after 1000 ms');

    await postStatus(acceptedId, recipient, 'sent');
    await sendQueuedForRecipient(deps(), { businessId, recipient });

    expect(postsTo(recipient)).toHaveLength(1);
    expect(await rowOf(recipient)).toMatchObject({ status: 'sent', providerMessageId: acceptedId });
  });

  it('acknowledges a status for an unknown id longer than any Meta sends, without keeping it', async () => {
    const longId = `wamid.${'x'.repeat(300)}`;
    await postStatus(longId, '34655000007', 'sent');
    expect(await db.prisma.unmatchedStatus.count({ where: { recipient: '34655000007' } })).toBe(0);
  });
});
