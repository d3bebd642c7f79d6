/**
 * A customer known only by a business-scoped user id (a WhatsApp username, no phone number) over
 * the real pipeline: signed webhook → inbox → conversation → outbox → loopback Graph API. Every
 * body we send must reach them through `recipient`, never `to`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { DEMO } from '../../prisma/seed';
import { signBody, validateOutboundMessage } from '../../src/whatsapp';
import { startChannel, type ChannelHarness } from '../support/channel-harness';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitUntil } from '../support/wait-until';

type Msg = Record<string, any>;
const text = (body: string) => ({ type: 'text', text: { body } });
const button = (id: string, title = 'x') => ({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id, title } } });
const row = (id: string, title = 'x') => ({ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id, title } } });
const buttonsOf = (m: Msg) => (m.interactive?.action?.buttons ?? []).map((b: Msg) => b.reply.id as string);
const rowsOf = (m: Msg) => (m.interactive?.action?.sections ?? []).flatMap((s: Msg) => s.rows.map((r: Msg) => r.id as string));
const last = <T>(items: T[]) => items[items.length - 1]!;
const FIXTURES = path.join(__dirname, '../fixtures/webhooks/bsuid');
const fixture = (name: string, replacements: Record<string, string>) =>
  Object.entries(replacements).reduce((body, [key, value]) => body.replaceAll(key, value), readFileSync(path.join(FIXTURES, name), 'utf8'));

describe('a username-only customer (business-scoped user id) end to end', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let channel: ChannelHarness;
  const post = (body: string) =>
    request(channel.app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody('channel-test-secret', body)).send(body);

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    channel = await startChannel(db);
  });
  afterAll(async () => {
    await channel.stop();
    await db.drop();
  });

  it('books through the whole dialogue; every message goes to `recipient` with no `to`, read receipts included', async () => {
    const from = 'ES.8812345678000001';
    const before = channel.graph.requests.length;
    const menu = last(await channel.send(from, text('hello')));
    const services = last(await channel.send(from, button(buttonsOf(menu)[0]!)));
    const consultation = rowsOf(services).find((id: string) => id.includes(demo.services.consultation))!;
    const staffList = last(await channel.send(from, row(consultation)));
    const days = last(await channel.send(from, row(rowsOf(staffList)[0]!)));
    const times = last(await channel.send(from, row(rowsOf(days)[0]!)));
    const summary = last(await channel.send(from, row(rowsOf(times)[0]!)));
    const confirmation = await channel.send(from, button(buttonsOf(summary)[0]!));
    expect(JSON.stringify(confirmation)).toMatch(/Consultation/);

    const sent = channel.graph.requests.slice(before).map((r) => r.body);
    const messages = sent.filter((body) => body.status !== 'read');
    expect(messages.length).toBeGreaterThanOrEqual(7);
    for (const body of messages) {
      expect(body.recipient).toBe(from);
      expect(body).not.toHaveProperty('to');
      expect(validateOutboundMessage(body)).toStrictEqual([]);
    }
    const receipts = sent.filter((body) => body.status === 'read');
    expect(receipts.length).toBeGreaterThan(0);
    for (const body of receipts) expect(body).not.toHaveProperty('to');

    const customer = await db.prisma.customer.findUniqueOrThrow({ where: { businessId_waId: { businessId: demo.businessId, waId: from } } });
    expect([customer.userId, customer.phoneE164]).toStrictEqual([from, null]);
    const bookings = await db.prisma.booking.findMany({ where: { customerId: customer.id } });
    expect(bookings.map((booking) => booking.status)).toStrictEqual(['confirmed']);
  });

  it('Meta fixtures: a username-only message, a status by recipient_user_id, then a message with phone and BSUID keep one customer', async () => {
    const BSUID = 'US.13491208655302741918';
    const ids = { PHONE_NUMBER_ID: DEMO.phoneNumberId };
    expect((await post(fixture('message-username-only.json', ids))).status).toBe(200);
    await channel.settle();
    const first = await db.prisma.customer.findMany({ where: { businessId: demo.businessId, OR: [{ waId: BSUID }, { userId: BSUID }] } });
    expect(first.map((c) => [c.waId, c.userId, c.parentUserId, c.username, c.name])).toStrictEqual([
      [BSUID, BSUID, 'US.ENT.11815799212886844830', '@sheena.nelson', 'Sheena Nelson'],
    ]);
    const reply = await db.prisma.outboxMessage.findFirstOrThrow({ where: { customerId: first[0]!.id, kind: { not: 'read_receipt' }, status: 'accepted' }, orderBy: { sequence: 'desc' } });
    expect(reply.payload).toMatchObject({ recipient: BSUID });
    expect(reply.payload).not.toHaveProperty('to');

    // The status names only the BSUID: it still finds the row by its message id.
    expect((await post(fixture('status-recipient-user-id.json', { ...ids, MESSAGE_ID: reply.providerMessageId! }))).status).toBe(200);
    await waitUntil(async () => (await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: reply.id } })).status === 'delivered', 'the status to reach the row');

    // Later Meta knows the phone too: the same record takes it, and replies use `to`.
    const before = channel.graph.messages().length;
    expect((await post(fixture('message-phone-and-user-id.json', ids))).status).toBe(200);
    await channel.settle();
    const after = await db.prisma.customer.findMany({ where: { businessId: demo.businessId, OR: [{ waId: { in: [BSUID, '16505551234'] } }, { userId: BSUID }] } });
    expect(after.map((c) => [c.id, c.waId, c.phoneE164, c.userId, c.username])).toStrictEqual([[first[0]!.id, '16505551234', '+16505551234', BSUID, '@sheena.nelson']]);
    const replies = channel.graph.messages().slice(before);
    expect(replies.length).toBeGreaterThan(0);
    for (const body of replies) expect([body.to, body.recipient]).toStrictEqual(['16505551234', undefined]);
  });

  it('a later username-only message from a customer first known by phone lands on the phone record', async () => {
    const phone = '34611000077';
    const BSUID = 'ES.77000000000000000077';
    const both = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: 'waba', changes: [{ field: 'messages', value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '34600000001', phone_number_id: DEMO.phoneNumberId },
        contacts: [{ profile: { name: 'Lola' }, wa_id: phone, user_id: BSUID }],
        messages: [{ from: phone, from_user_id: BSUID, id: 'wamid.bsuid.both.1', timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'hi' } }],
      } }] }],
    });
    expect((await post(both)).status).toBe(200);
    await channel.settle();
    const before = channel.graph.messages().length;
    await channel.send(BSUID, text('hi again'));
    const replies = channel.graph.messages().slice(before);
    expect(replies.length).toBeGreaterThan(0);
    for (const body of replies) expect([body.to, body.recipient]).toStrictEqual([phone, undefined]);
    const records = await db.prisma.customer.findMany({ where: { businessId: demo.businessId, OR: [{ waId: { in: [phone, BSUID] } }, { userId: BSUID }] } });
    expect(records.map((c) => [c.waId, c.userId])).toStrictEqual([[phone, BSUID]]);
    expect(await db.prisma.inboxMessage.count({ where: { customerId: records[0]!.id } })).toBe(2);
    expect(channel.graph.messages().filter((body) => body.recipient === BSUID)).toStrictEqual([]);
  });

  it('131062 from Meta fails the reply at once with a clear reason and is never posted again', async () => {
    const from = 'ES.8812345678000062';
    channel.graph.failNextMessages(1, 400, { code: 131062, message: 'Business-scoped user ID recipients not supported for this message' });
    await channel.send(from, text('hi'));
    const rows = await db.prisma.outboxMessage.findMany({ where: { recipient: from, kind: { not: 'read_receipt' } }, orderBy: { sequence: 'asc' } });
    expect(rows[0]!).toMatchObject({ status: 'failed', errorCode: 131062, attempts: 1 });
    expect(rows[0]!.lastError).toMatch(/known only by their WhatsApp username/);
    expect(channel.graph.messages().filter((body) => body.recipient === from).length).toBe(rows.length);
  });

  it('stores the BSUID Meta names in its answer to a send, so a later username-only message finds the phone record', async () => {
    const phone = '34611000088';
    const BSUID = 'ES.88000000000000000088';
    channel.graph.userIds.set(phone, BSUID);
    await channel.send(phone, text('hi'));
    const customer = await db.prisma.customer.findUniqueOrThrow({ where: { businessId_waId: { businessId: demo.businessId, waId: phone } } });
    expect(customer.userId).toBe(BSUID);
    const before = channel.graph.messages().length;
    await channel.send(BSUID, text('hi again'));
    expect(await db.prisma.customer.count({ where: { businessId: demo.businessId, OR: [{ waId: BSUID }, { userId: BSUID }] } })).toBe(1);
    const replies = channel.graph.messages().slice(before);
    expect(replies.length).toBeGreaterThan(0);
    for (const body of replies) expect([body.to, body.recipient]).toStrictEqual([phone, undefined]);
  });

  it('links by the parent BSUID: a later message with a phone and another BSUID of the same parent keeps the record', async () => {
    const parent = 'US.ENT.99000000000000000099';
    const message = (id: string, extra: Record<string, unknown>, contact: Record<string, unknown>) =>
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: 'waba', changes: [{ field: 'messages', value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '34600000001', phone_number_id: DEMO.phoneNumberId },
          contacts: [{ profile: { name: 'Pia' }, parent_user_id: parent, ...contact }],
          messages: [{ id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'hi' }, from_parent_user_id: parent, ...extra }],
        } }] }],
      });
    expect((await post(message('wamid.parent.1', { from_user_id: 'US.99000000000000000001' }, { user_id: 'US.99000000000000000001' }))).status).toBe(200);
    await channel.settle();
    expect((await post(message('wamid.parent.2', { from: '14155550199', from_user_id: 'US.99000000000000000002' }, { wa_id: '14155550199', user_id: 'US.99000000000000000002' }))).status).toBe(200);
    await channel.settle();
    const records = await db.prisma.customer.findMany({ where: { businessId: demo.businessId, parentUserId: parent } });
    expect(records.map((c) => [c.waId, c.userId])).toStrictEqual([['14155550199', 'US.99000000000000000002']]);
    expect(await db.prisma.inboxMessage.count({ where: { customerId: records[0]!.id } })).toBe(2);
  });
});
