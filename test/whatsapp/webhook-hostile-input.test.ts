/**
 * Webhooks a real (or compromised, or buggy) sender can sign: every one answers 200 (Meta retries
 * anything else for days), what can be stored is stored sanitised, what cannot is skipped alone
 * with a log line, and no bad webhook holds up the webhooks stored together with it.
 */
import request from 'supertest';
import { createApp } from '../../src/app';
import { migrateJobQueue } from '../../src/jobs';
import { createLogger, loadConfig, systemClock } from '../../src/platform';
import { signBody } from '../../src/whatsapp';
import { setupDemo } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const SECRET = 'hostile-app-secret';
const PHONE_NUMBER_ID = '100000000000001';

type Json = Record<string, unknown>;

/** A signed-webhook body around `messages`, with a contact per sender. */
function webhookOf(messages: Json[], options: { profileName?: string; statuses?: Json[] } = {}): string {
  const senders = [...new Set(messages.map((m) => m.from).filter((from): from is string => typeof from === 'string'))];
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'waba', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '34600000001', phone_number_id: PHONE_NUMBER_ID },
      contacts: senders.map((wa_id) => ({ profile: { name: options.profileName ?? 'Hostile Tester' }, wa_id })),
      messages,
      ...(options.statuses ? { statuses: options.statuses } : {}),
    } }] }],
  });
}

const text = (id: string, body = 'hello', extra: Json = {}): Json => ({ from: '34611000111', id, timestamp: '1795000000', type: 'text', text: { body }, ...extra });

describe('webhook: hostile input is answered 200 and stored safely or skipped alone', () => {
  let db: TestDatabase;
  let app: ReturnType<typeof createApp>;
  const warnings: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    await setupDemo(db.prisma);
    await migrateJobQueue(db.url);
    const config = loadConfig({ DATABASE_URL: db.url, WHATSAPP_APP_SECRET: SECRET, WHATSAPP_VERIFY_TOKEN: 'verify-me' });
    const logger = createLogger('silent');
    const capture = (level: string) => (object: unknown, message?: string) => {
      if (typeof object === 'object' && object !== null) warnings.push({ level, ...(object as Json), msg: message });
    };
    // Keep the real child logger's shape, record what the webhook warns about.
    const spyLogger = Object.assign(Object.create(logger), {
      child: () => Object.assign(Object.create(logger), { warn: capture('warn'), error: capture('error'), debug: () => {}, info: () => {} }),
    });
    app = createApp({ config, prisma: db.prisma, logger: spyLogger, clock: systemClock });
  });
  afterAll(async () => db.drop());

  // Each request gives up after 15 s: a hung webhook fails the test instead of the whole run.
  const post = (raw: string) =>
    request(app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody(SECRET, raw)).timeout(15_000).send(raw);
  const inboxRow = (id: string) => db.prisma.inboxMessage.findUnique({ where: { waMessageId: id }, include: { customer: true } });

  it('one webhook with an impossible timestamp (1e15) among 30 good ones: all 31 answered 200, all stored, no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const bodies = Array.from({ length: 31 }, (_, i) =>
        webhookOf([{ ...text(`wamid.batch31.${i}`, `good ${i}`), from: `3461100${String(i).padStart(4, '0')}`, ...(i === 15 ? { timestamp: 1e15 } : {}) }]),
      );
      const before = Date.now();
      const answers = await Promise.all(bodies.map(post));
      expect(answers.map((res) => res.status)).toEqual(bodies.map(() => 200));
      const rows = await db.prisma.inboxMessage.findMany({ where: { waMessageId: { startsWith: 'wamid.batch31.' } } });
      expect(rows).toHaveLength(31);
      // The bad one is stored with the time it arrived, and the log says so without its content.
      const bad = rows.find((row) => row.waMessageId === 'wamid.batch31.15')!;
      expect(bad.sentAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(bad.sentAt.getTime()).toBeLessThanOrEqual(Date.now());
      expect(rows.filter((row) => row.waMessageId !== 'wamid.batch31.15').every((row) => row.sentAt.toISOString() === '2026-11-18T11:06:40.000Z')).toBe(true);
      expect(warnings).toContainEqual(expect.objectContaining({ part: 'message', action: 'repaired', reason: expect.stringContaining('timestamp') }));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it.each([
    ['1e15 (past JavaScript’s dates)', 1e15],
    ['-9e12 (a year PostgreSQL cannot store)', -9e12],
    ['"99999999999999999999" (a digit string)', '99999999999999999999'],
    ['1e400 (Infinity once decoded)', 'RAW:1e400'],
  ])('a message timestamp of %s is stored with the receive time', async (_name, timestamp) => {
    const id = `wamid.time.${String(timestamp).replace(/\W/g, '')}`;
    let raw = webhookOf([text(id, 'x', { timestamp: typeof timestamp === 'string' && timestamp.startsWith('RAW:') ? '__RAW__' : timestamp })]);
    if (typeof timestamp === 'string' && timestamp.startsWith('RAW:')) raw = raw.replace('"__RAW__"', timestamp.slice(4));
    const before = Date.now();
    expect((await post(raw)).status).toBe(200);
    const row = await inboxRow(id);
    expect(row?.sentAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('a status with an impossible timestamp or a non-integer error code (1.5, 1e308) answers 200 and still marks the message failed', async () => {
    const demoBusiness = await db.prisma.whatsAppNumber.findUniqueOrThrow({ where: { phoneNumberId: PHONE_NUMBER_ID } });
    const customer = await db.prisma.customer.create({ data: { businessId: demoBusiness.businessId, waId: '34611999000' } });
    for (const [i, code] of [1.5, 1e308].entries()) {
      await db.prisma.outboxMessage.create({
        data: { businessId: demoBusiness.businessId, customerId: customer.id, phoneNumberId: PHONE_NUMBER_ID, recipient: customer.waId, kind: 'reply', payload: { text: 'hi' }, status: 'accepted', providerMessageId: `wamid.out.code.${i}` },
      });
      const raw = webhookOf([], {
        statuses: [{ id: `wamid.out.code.${i}`, status: 'failed', timestamp: 1e15, recipient_id: customer.waId, errors: [{ code, title: 'Odd failure' }] }],
      });
      expect((await post(raw)).status).toBe(200);
      const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { providerMessageId: `wamid.out.code.${i}` } });
      expect([row.status, row.errorCode, row.lastError]).toEqual(['failed', null, 'Odd failure']);
    }
  });

  it('NUL bytes and `\\u0000` escapes anywhere are removed, unpaired surrogates become U+FFFD, and the message is stored', async () => {
    const raw = webhookOf([text('wamid.nul.text', 'hel\u0000lo'), { from: '34611000111', id: 'wamid.nul.button', timestamp: '1795000000', type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'b\u00001', title: 'Yes\ud800' } } }], { profileName: 'Ana\u0000 \udc00Cliente' });
    expect(raw).toContain('\\u0000');
    expect(raw).toContain('\\ud800');
    expect((await post(raw)).status).toBe(200);
    expect((await inboxRow('wamid.nul.text'))?.message).toEqual({ type: 'text', text: 'hello' });
    expect((await inboxRow('wamid.nul.button'))?.message).toEqual({ type: 'button_reply', id: 'b1', title: 'Yes\ufffd' });
    expect((await inboxRow('wamid.nul.text'))?.customer.name).toBe('Ana \ufffdCliente');
    expect(warnings).toContainEqual(expect.objectContaining({ part: 'webhook', action: 'repaired' }));
    expect(JSON.stringify(warnings)).not.toContain('hel');
  });

  it('a NUL in the message id and in `from` is removed before they become keys', async () => {
    expect((await post(webhookOf([{ ...text('wamid.nul\u0000id'), from: '3461100\u00000222' }]))).status).toBe(200);
    expect((await inboxRow('wamid.nulid'))?.customer.waId).toBe('34611000222');
  });

  it('a message whose id or `from` is longer than its column is skipped alone and logged; the others of the webhook are stored', async () => {
    const longId = `wamid.${'x'.repeat(250)}`;
    const raw = webhookOf([text(longId), { ...text('wamid.long.from'), from: '3'.repeat(129) }, text('wamid.long.neighbour')]);
    expect((await post(raw)).status).toBe(200);
    expect(await db.prisma.inboxMessage.count({ where: { waMessageId: { in: [longId.slice(0, 200), 'wamid.long.from'] } } })).toBe(0);
    expect(await inboxRow('wamid.long.neighbour')).not.toBeNull();
    expect(warnings).toContainEqual(expect.objectContaining({ part: 'message', action: 'skipped', reason: expect.stringContaining('message id longer than 200') }));
    expect(warnings).toContainEqual(expect.objectContaining({ part: 'message', action: 'skipped', reason: expect.stringContaining('longer than 128') }));
  });

  it('an unsupported message with error code 1e308 is stored without the code', async () => {
    const raw = webhookOf([{ from: '34611000111', id: 'wamid.code.msg', timestamp: '1795000000', type: 'unsupported', errors: [{ code: 1e308, title: 'Message type unknown' }] }]);
    expect((await post(raw)).status).toBe(200);
    expect((await inboxRow('wamid.code.msg'))?.message).toEqual({ type: 'unsupported', originalType: 'unsupported' });
  });

  it('a Flow completion whose response_json nests 10,000 deep is stored with its flow token and the deep part cut', async () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const responseJson = `{"flow_token":"tok-deep","name":"Ana","extra":${deep}}`;
    const raw = webhookOf([{ from: '34611000111', id: 'wamid.deep', timestamp: '1795000000', type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: responseJson } } }]);
    expect((await post(raw)).status).toBe(200);
    const message = (await inboxRow('wamid.deep'))?.message as Json;
    expect(message).toMatchObject({ type: 'flow_reply', flowToken: 'tok-deep', response: { flow_token: 'tok-deep', name: 'Ana' } });
    expect(JSON.stringify(message).length).toBeLessThan(200);
  });

  it('a webhook nested 10,000 deep where a message field belongs answers 200', async () => {
    const raw = webhookOf([text('wamid.deep.body')]).replace('{"body":"hello"}', '['.repeat(10_000) + ']'.repeat(10_000));
    expect((await post(raw)).status).toBe(200);
    expect((await inboxRow('wamid.deep.body'))?.message).toEqual({ type: 'unsupported', originalType: 'text' });
  });

  it('5,001 messages in one webhook are all stored, in one statement, and answered 200', async () => {
    const messages = Array.from({ length: 5001 }, (_, i) => ({ ...text(`wamid.many.${i}`, 'm'), from: `3462${String(i % 50).padStart(7, '0')}` }));
    const res = await post(webhookOf(messages));
    expect(res.status).toBe(200);
    expect(await db.prisma.inboxMessage.count({ where: { waMessageId: { startsWith: 'wamid.many.' } } })).toBe(5001);
  });
});
