/**
 * A business with several WhatsApp numbers: the bot answers from the number the customer wrote to
 * (the read receipt and the reply), and a customer who later writes to another of the business's
 * numbers is answered from that one.
 */
import request from 'supertest';
import { DEMO } from '../../prisma/seed';
import { signBody } from '../../src/whatsapp';
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
});
