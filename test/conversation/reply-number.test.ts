/**
 * A business with several WhatsApp numbers: the bot answers from the number the customer wrote to
 * (the read receipt and the reply), and a customer who later writes to another of the business's
 * numbers is answered from that one. Staff replies (console and REST API) leave from it too, and
 * merging two records of one person keeps the number of their latest message.
 */
import request from 'supertest';
import { DEMO } from '../../prisma/seed';
import { createStaffUser } from '../../src/admin';
import { createApiKey } from '../../src/api';
import { findCustomerSendingNumber, signBody } from '../../src/whatsapp';
import { mergeCustomers } from '../../src/whatsapp/merge-customers';
import { startChannel, type ChannelHarness } from '../support/channel-harness';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const SECOND_NUMBER = '100000000000002';
let sequence = 0;

function webhookTo(phoneNumberId: string, from: string, body: string): string {
  sequence += 1;
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'waba', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '34600000002', phone_number_id: phoneNumberId },
      contacts: [{ profile: { name: 'Two Numbers' }, wa_id: from }],
      messages: [{ from, id: `wamid.number.${sequence}`, timestamp: String(Math.floor(Date.now() / 1000) + sequence), type: 'text', text: { body } }],
    } }] }],
  });
}

describe('a business with two WhatsApp numbers', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let channel: ChannelHarness;
  const post = async (phoneNumberId: string, from: string, body: string) => {
    const raw = webhookTo(phoneNumberId, from, body);
    const res = await request(channel.app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody('channel-test-secret', raw)).send(raw);
    expect(res.status).toBe(200);
    await channel.settle();
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    await db.prisma.whatsAppNumber.create({ data: { businessId: demo.businessId, phoneNumberId: SECOND_NUMBER, displayPhone: '+34600000002' } });
    channel = await startChannel(db);
  });
  afterAll(async () => {
    await channel.stop();
    await db.drop();
  });

  it('answers from the number the customer wrote to, and follows them to the other number', async () => {
    const from = '34611000401';
    let before = channel.graph.requests.length;
    await post(SECOND_NUMBER, from, 'hi');
    const first = channel.graph.requests.slice(before);
    expect(first.length).toBeGreaterThanOrEqual(2);
    expect(first.map((r) => r.phoneNumberId)).toStrictEqual(first.map(() => SECOND_NUMBER));
    expect(first.some((r) => r.body.to === from)).toBe(true);

    before = channel.graph.requests.length;
    await post(DEMO.phoneNumberId, from, 'menu');
    const second = channel.graph.requests.slice(before);
    expect(second.some((r) => r.body.to === from)).toBe(true);
    expect(second.map((r) => r.phoneNumberId)).toStrictEqual(second.map(() => DEMO.phoneNumberId));
  });

  /** The conversation of a customer who just wrote to the second number (the bot answered there). */
  const writeToSecondNumber = async (from: string) => {
    await post(SECOND_NUMBER, from, 'hi');
    return db.prisma.conversation.findFirstOrThrow({ where: { businessId: demo.businessId, customer: { waId: from } } });
  };
  /** The numbers the staff texts `text` to `to` left from (the Graph path /<phone_number_id>/messages). */
  const numbersOfText = (to: string, text: string) =>
    channel.graph.requests.filter((r) => r.body.to === to && (r.body.text as { body?: string } | undefined)?.body === text).map((r) => r.phoneNumberId);

  it('a staff reply from the console leaves from the number the customer last wrote to', async () => {
    const from = '34611000402';
    const conversation = await writeToSecondNumber(from);
    const { password } = await createStaffUser(db.prisma, { businessId: demo.businessId, email: 'desk@reply-number.test', role: 'front_desk' });
    const agent = request.agent(channel.app);
    const form = (await agent.get('/admin/sign-in')).text.match(/name="_form" value="([^"]+)"/)?.[1];
    expect((await agent.post('/admin/sign-in').type('form').send({ email: 'desk@reply-number.test', password, _form: form })).status).toBe(303);
    const page = await agent.get(`/admin/inbox?c=${conversation.id}`);
    const csrf = /X-CSRF-Token&#34;:&#34;([A-Za-z0-9_-]+)&#34;/.exec(page.text)?.[1];
    expect(csrf).toBeDefined();
    const reply = await agent.post(`/admin/inbox/${conversation.id}/reply`).type('form').send({ text: 'Front desk here, from the console.', _csrf: csrf });
    expect(reply.status).toBe(303);
    await channel.settle();
    expect(numbersOfText(from, 'Front desk here, from the console.')).toStrictEqual([SECOND_NUMBER]);
  });

  it('a staff reply through the REST API leaves from the number the customer last wrote to', async () => {
    const from = '34611000403';
    const conversation = await writeToSecondNumber(from);
    const { key } = await createApiKey(db.prisma, { businessId: demo.businessId, role: 'front_desk', name: 'reply-number test' });
    const reply = await request(channel.app).post(`/v1/conversations/${conversation.id}/reply`).set('x-api-key', key).send({ text: 'Front desk here, from the API.' });
    expect(reply.status).toBe(202);
    await channel.settle();
    expect(numbersOfText(from, 'Front desk here, from the API.')).toStrictEqual([SECOND_NUMBER]);
  });

  it('merging two records of one person keeps the number of their latest message', async () => {
    const create = (waId: string, lastInboundAt: string, lastPhoneNumberId: string) =>
      db.prisma.customer.create({ data: { businessId: demo.businessId, waId, lastInboundAt: new Date(lastInboundAt), lastPhoneNumberId } });
    // The phone record wrote to the first number; later, as a username only, to the second.
    const phone = await create('34611000404', '2026-03-01T10:00:00.000Z', DEMO.phoneNumberId);
    const username = await create('ES.merge-latest-1', '2026-03-02T10:00:00.000Z', SECOND_NUMBER);
    await mergeCustomers(db.prisma, demo.businessId, { keepId: phone.id, dropIds: [username.id] });
    expect((await db.prisma.customer.findUniqueOrThrow({ where: { id: phone.id } })).lastPhoneNumberId).toBe(SECOND_NUMBER);
    expect(await findCustomerSendingNumber(db.prisma, { businessId: demo.businessId, customerId: phone.id })).toBe(SECOND_NUMBER);

    // The other way round: the kept record's own message is the latest, so its number stays.
    const phone2 = await create('34611000405', '2026-03-02T10:00:00.000Z', SECOND_NUMBER);
    const username2 = await create('ES.merge-latest-2', '2026-03-01T10:00:00.000Z', DEMO.phoneNumberId);
    await mergeCustomers(db.prisma, demo.businessId, { keepId: phone2.id, dropIds: [username2.id] });
    expect((await db.prisma.customer.findUniqueOrThrow({ where: { id: phone2.id } })).lastPhoneNumberId).toBe(SECOND_NUMBER);
  });
});
