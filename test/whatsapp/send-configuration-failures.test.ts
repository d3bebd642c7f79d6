/**
 * A number whose access token cannot work: the API refuses such a token (422 with the reason), and
 * one stored anyway (saved before the check, or unreadable with the current key, or refused by Meta)
 * fails each message at once — no retry loop, logged at error, shown on the number's status in
 * GET /v1/whatsapp-numbers — until staff save a good token, after which messages go out again.
 */
import { createBookingService } from '../../src/booking';
import { migrateJobQueue } from '../../src/jobs';
import { createLogger, loadConfig } from '../../src/platform';
import { sealSecret } from '../../src/platform/secret-box';
import request from 'supertest';
import { buildTaskList } from '../../src/tasks';
import { buildTextMessage, enqueueOutbound, SEND_OUTBOX_TASK, sendJobKey } from '../../src/whatsapp';
import { createApiTestContext, TEST_ENCRYPTION_KEY_TEXT, type ApiTestContext } from '../api/api-test-kit';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph';

describe('access tokens that cannot work', () => {
  let ctx: ApiTestContext;
  let graph: FakeGraph;
  const logLines: Array<{ level: number; msg: string; code?: string }> = [];
  let sendTask: (recipient: string) => Promise<void>;

  beforeAll(async () => {
    ctx = await createApiTestContext();
    await migrateJobQueue(ctx.db.url);
    graph = await startFakeGraph();
    // The production task list, so the per-number token lookup and its cache are the real ones.
    const config = loadConfig({ DATABASE_URL: ctx.db.url, DATA_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY_TEXT, WHATSAPP_GRAPH_URL: graph.baseUrl });
    const logger = createLogger('info', { write: (line: string) => void logLines.push(JSON.parse(line) as { level: number; msg: string }) });
    const tasks = buildTaskList({
      prisma: ctx.db.prisma,
      logger,
      clock: ctx.clock,
      config,
      bookings: createBookingService({ prisma: ctx.db.prisma, clock: ctx.clock }),
      graph: undefined,
    });
    sendTask = async (recipient) => {
      // As a worker takes the queued send_outbox job: whatever job remains afterwards is a retry.
      await ctx.db.prisma.$queryRaw`SELECT graphile_worker.remove_job(${sendJobKey(ctx.demo.businessId, recipient)})`;
      await (tasks[SEND_OUTBOX_TASK] as (payload: unknown, helpers: unknown) => Promise<void>)({ businessId: ctx.demo.businessId, recipient }, {});
    };
  });
  afterAll(async () => {
    await graph.close();
    await ctx.db.drop();
  });

  const queueReply = (phoneNumberId: string, recipient: string, text: string) =>
    ctx.db.prisma.$transaction((tx) =>
      enqueueOutbound(tx, { businessId: ctx.demo.businessId, customerId: null, phoneNumberId, recipient, kind: 'reply', payload: buildTextMessage({ to: recipient, text }) }),
    );
  const statusOf = async (phoneNumberId: string) => {
    const listed = await ctx.secureApi('get', '/v1/whatsapp-numbers');
    expect(listed.status).toBe(200);
    return (listed.body as Array<{ phoneNumberId: string; status: unknown }>).find((number) => number.phoneNumberId === phoneNumberId)!.status;
  };
  /** send_outbox jobs of the recipient left after its send ran: a retry (the one that ran was taken off first). */
  const retryJobs = async (recipient: string) =>
    Number((await ctx.db.prisma.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM graphile_worker.jobs WHERE key = ${sendJobKey(ctx.demo.businessId, recipient)}`)[0]!.n);
  /** A number of the demo business with this token stored as it is (sealed, bypassing the API's check). */
  const numberWithStoredToken = (phoneNumberId: string, sealed: string) =>
    ctx.db.prisma.whatsAppNumber.create({ data: { businessId: ctx.demo.businessId, phoneNumberId, accessTokenEncrypted: sealed } });

  describe('the API', () => {
    it.each([
      ['an accented letter', 'EAAG-system-user-tokén-0123456789', 'U+00E9 at position 21'],
      ['a zero-width space pasted with it', 'EAAG-system-user-token-\u200b0123456789', 'U+200B at position 24'],
      ['a typographic quote', '\u2019EAAG-system-user-token-0123456789', 'U+2019 at position 1'],
    ])('refuses a token with %s: 422 naming the character and what a Graph token may contain, nothing stored', async (_name, token, where) => {
      const created = await ctx.secureApi('post', '/v1/whatsapp-numbers').send({ phoneNumberId: '300000000001', accessToken: token });
      expect(created.status).toBe(422);
      expect(created.body.error.code).toBe('invalid_access_token');
      expect(created.body.error.message).toContain(where);
      expect(created.body.error.message).toContain('printable ASCII');
      expect(JSON.stringify(created.body)).not.toContain(token);
      expect(await ctx.db.prisma.whatsAppNumber.count({ where: { phoneNumberId: '300000000001' } })).toBe(0);

      const number = await ctx.secureApi('post', '/v1/whatsapp-numbers').send({ phoneNumberId: '300000000002', accessToken: 'EAAG-a-good-token-0123456789' });
      const patched = await ctx.secureApi('patch', `/v1/whatsapp-numbers/${number.body.id}`).send({ accessToken: token });
      expect(patched.status).toBe(422);
      expect(patched.body.error.code).toBe('invalid_access_token');
      await ctx.secureApi('delete', `/v1/whatsapp-numbers/${number.body.id}`);
    });

    it('shows each number\'s send status, described in the OpenAPI document', async () => {
      const created = await ctx.secureApi('post', '/v1/whatsapp-numbers').send({ phoneNumberId: '300000000003', accessToken: 'EAAG-a-good-token-0123456789' });
      expect(created.status).toBe(201);
      expect(created.body.status).toEqual({ tokenSet: true, lastSuccessfulSendAt: null, lastError: null });
      const document = (await request(ctx.app).get('/v1/openapi.json')).body as { paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: unknown }> }> } }> };
      const listSchema = JSON.stringify(document.paths['/v1/whatsapp-numbers']!.get.responses['200']!.content['application/json']!.schema);
      for (const field of ['tokenSet', 'lastSuccessfulSendAt', 'lastError', 'count']) expect(listSchema).toContain(`"${field}"`);
    });
  });

  describe('sending with a stored token that cannot work', () => {
    it('fails each message at once (nothing posted, no retry), logs it at error and shows it on the number until a good token is saved', async () => {
      const phoneNumberId = '300000000010';
      const recipient = '34666000010';
      // Saved before the API checked tokens: the token has a typographic quote in it.
      await numberWithStoredToken(phoneNumberId, sealSecret(ctx.encryptionKey, 'EAAG-system-user-token-0123456789\u2019'));
      await queueReply(phoneNumberId, recipient, 'Booked! Tue 10:00');
      await queueReply(phoneNumberId, recipient, 'Reply CANCEL to cancel');
      const postsBefore = graph.requests.length;

      await sendTask(recipient);

      expect(graph.requests.length).toBe(postsBefore);
      const rows = await ctx.db.prisma.outboxMessage.findMany({ where: { recipient }, orderBy: { sequence: 'asc' } });
      expect(rows.map((row) => row.status)).toEqual(['failed', 'failed']);
      expect(rows[0]!.lastError).toContain('access_token_invalid');
      expect(await retryJobs(recipient)).toBe(0);
      const errors = logLines.filter((line) => line.level === 50 && (line as { code?: string }).code === 'access_token_invalid');
      expect(errors).toHaveLength(2);
      expect(JSON.stringify(errors)).not.toContain(recipient);
      expect(await statusOf(phoneNumberId)).toEqual({
        tokenSet: true,
        lastSuccessfulSendAt: null,
        lastError: { code: 'access_token_invalid', message: expect.stringContaining('U+2019'), at: ctx.clock.now().toISOString(), count: 2 },
      });

      // Staff save a good token: the error is cleared and the next message goes out.
      const number = await ctx.db.prisma.whatsAppNumber.findUniqueOrThrow({ where: { phoneNumberId } });
      const fixed = await ctx.secureApi('patch', `/v1/whatsapp-numbers/${number.id}`).send({ accessToken: 'EAAG-system-user-token-0123456789' });
      expect(fixed.status).toBe(200);
      expect(fixed.body.status).toEqual({ tokenSet: true, lastSuccessfulSendAt: null, lastError: null });
      await queueReply(phoneNumberId, recipient, 'Booked! Wed 11:00');
      await sendTask(recipient);
      expect(graph.requests.slice(postsBefore).map((r) => [r.phoneNumberId, r.authorization])).toEqual([[phoneNumberId, 'Bearer EAAG-system-user-token-0123456789']]);
      expect(await statusOf(phoneNumberId)).toEqual({ tokenSet: true, lastSuccessfulSendAt: ctx.clock.now().toISOString(), lastError: null });
    });

    it('fails a message at once when the stored token cannot be decrypted with DATA_ENCRYPTION_KEY', async () => {
      const phoneNumberId = '300000000011';
      const recipient = '34666000011';
      await numberWithStoredToken(phoneNumberId, sealSecret(Buffer.alloc(32, 7), 'EAAG-sealed-with-another-key-0123456789'));
      await queueReply(phoneNumberId, recipient, 'Booked! Tue 10:00');
      const postsBefore = graph.requests.length;

      await sendTask(recipient);

      expect(graph.requests.length).toBe(postsBefore);
      expect((await ctx.db.prisma.outboxMessage.findFirstOrThrow({ where: { recipient } })).status).toBe('failed');
      expect(await retryJobs(recipient)).toBe(0);
      expect(await statusOf(phoneNumberId)).toMatchObject({ tokenSet: true, lastError: { code: 'access_token_unreadable', message: expect.stringContaining('DATA_ENCRYPTION_KEY'), count: 1 } });
    });

    it('records Meta refusing the token (code 190) on the number, without retrying', async () => {
      const phoneNumberId = '300000000012';
      const recipient = '34666000012';
      await numberWithStoredToken(phoneNumberId, sealSecret(ctx.encryptionKey, 'EAAG-expired-token-0123456789'));
      await queueReply(phoneNumberId, recipient, 'Booked! Tue 10:00');
      graph.failNextMessages(1, 401, { code: 190, message: 'Error validating access token: Session has expired' });

      await sendTask(recipient);

      expect((await ctx.db.prisma.outboxMessage.findFirstOrThrow({ where: { recipient } })).status).toBe('failed');
      expect(await retryJobs(recipient)).toBe(0);
      expect(logLines.some((line) => line.level === 50 && (line as { code?: string }).code === 'access_token_rejected')).toBe(true);
      expect(await statusOf(phoneNumberId)).toMatchObject({ lastError: { code: 'access_token_rejected', message: expect.stringContaining('Session has expired'), count: 1 } });
    });
  });
});
