/**
 * Staff who need to call a customer known only by their WhatsApp username ask for the number
 * with WhatsApp's request_contact_info message; the card the customer shares lands on the same
 * record, and from then on every message goes to the phone.
 */
import request from 'supertest';
import { DEMO } from '../../prisma/seed';
import { createApiKey } from '../../src/api';
import { signBody, validateOutboundMessage } from '../../src/whatsapp';
import { startChannel, type ChannelHarness } from '../support/channel-harness';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** The contacts message WhatsApp posts when a username-only customer taps our button (or forwards a card). */
function sharedCard(bsuid: string, id: string, phone: string, origin: 'contact_request' | 'other'): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'waba', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '34600000001', phone_number_id: DEMO.phoneNumberId },
      contacts: [{ profile: { name: 'Rosa', username: '@rosa' }, user_id: bsuid }],
      messages: [{
        from_user_id: bsuid, id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'contacts',
        contacts: [{ origin, name: { formatted_name: 'Rosa', first_name: 'Rosa' }, phones: [{ phone: `+${phone}`, wa_id: phone, type: 'CELL' }] }],
      }],
    } }] }],
  });
}

describe('asking a username-only customer for their phone number', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let channel: ChannelHarness;
  let key: string;
  const post = (body: string) =>
    request(channel.app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody('channel-test-secret', body)).send(body);
  const api = (path: string, body?: object) => request(channel.app).post(path).set('x-api-key', key).send(body ?? {});
  const conversationOf = async (waId: string) =>
    db.prisma.conversation.findFirstOrThrow({ where: { businessId: demo.businessId, customer: { waId } }, select: { id: true, customerId: true } });

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    channel = await startChannel(db);
    key = (await createApiKey(db.prisma, { businessId: demo.businessId, role: 'front_desk', name: 'desk' })).key;
  });
  afterAll(async () => {
    await channel.stop();
    await db.drop();
  });

  it('sends request_contact_info to the BSUID; the shared card gives the same record the phone, and replies go to it', async () => {
    const bsuid = 'ES.40100000000000000401';
    const phone = '34611000401';
    await channel.send(bsuid, { type: 'text', text: { body: 'hola' } });
    const { id, customerId } = await conversationOf(bsuid);

    const before = channel.graph.messages().length;
    const asked = await api(`/v1/conversations/${id}/request-phone`);
    expect(asked.status).toBe(202);
    await channel.settle();
    const [requestBody, ...rest] = channel.graph.messages().slice(before);
    expect(rest).toStrictEqual([]);
    expect(validateOutboundMessage(requestBody!)).toStrictEqual([]);
    // In the customer's language (they wrote "hola"), to the BSUID, with WhatsApp's own button.
    expect(requestBody).toMatchObject({
      recipient: bsuid,
      type: 'interactive',
      interactive: { type: 'request_contact_info', body: { text: 'Para que nuestro equipo pueda llamarte, comparte tu número de teléfono, por favor.' }, action: { name: 'request_contact_info' } },
    });
    expect(requestBody).not.toHaveProperty('to');

    const beforeCard = channel.graph.messages().length;
    expect((await post(sharedCard(bsuid, 'wamid.card.401', phone, 'contact_request'))).status).toBe(200);
    await channel.settle();
    const record = await db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } });
    expect([record.waId, record.phoneE164, record.userId, record.username]).toStrictEqual([phone, `+${phone}`, bsuid, '@rosa']);
    const thanks = channel.graph.messages().slice(beforeCard).filter((body) => body.type !== undefined);
    expect(thanks.length).toBeGreaterThan(0);
    expect(thanks[0]).toMatchObject({ to: phone, type: 'text', text: { body: 'Gracias, hemos guardado tu número de teléfono.' } });
    for (const body of thanks) expect(body.recipient).toBeUndefined();
    expect(await db.prisma.inboxMessage.count({ where: { customerId } })).toBe(2);

    // Known now: asking again is refused with the reason.
    const again = await api(`/v1/conversations/${id}/request-phone`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('phone_already_known');
  });

  it('staff may word the request themselves', async () => {
    const bsuid = 'ES.40200000000000000402';
    await channel.send(bsuid, { type: 'text', text: { body: 'hello' } });
    const { id } = await conversationOf(bsuid);
    const before = channel.graph.messages().length;
    expect((await api(`/v1/conversations/${id}/request-phone`, { text: 'Ana here: may I call you about your results?' })).status).toBe(202);
    await channel.settle();
    expect(channel.graph.messages().slice(before)).toMatchObject([{ recipient: bsuid, interactive: { type: 'request_contact_info', body: { text: 'Ana here: may I call you about your results?' } } }]);
  });

  it('a card forwarded from the address book (origin other) is someone else’s number: the record keeps its username address', async () => {
    const bsuid = 'ES.40300000000000000403';
    await channel.send(bsuid, { type: 'text', text: { body: 'hello' } });
    expect((await post(sharedCard(bsuid, 'wamid.card.403', '34611000403', 'other'))).status).toBe(200);
    await channel.settle();
    const records = await db.prisma.customer.findMany({ where: { businessId: demo.businessId, OR: [{ waId: bsuid }, { userId: bsuid }, { waId: '34611000403' }] } });
    expect(records.map((c) => [c.waId, c.phoneE164])).toStrictEqual([[bsuid, null]]);
  });

  it('the shared phone already had a record: the two become one', async () => {
    const bsuid = 'ES.40400000000000000404';
    const phone = '34611000404';
    await channel.send(phone, { type: 'text', text: { body: 'hello' } });
    await channel.send(bsuid, { type: 'text', text: { body: 'hello again' } });
    expect((await post(sharedCard(bsuid, 'wamid.card.404', phone, 'contact_request'))).status).toBe(200);
    await channel.settle();
    const records = await db.prisma.customer.findMany({ where: { businessId: demo.businessId, OR: [{ waId: { in: [bsuid, phone] } }, { userId: bsuid }] } });
    expect(records.map((c) => [c.waId, c.userId])).toStrictEqual([[phone, bsuid]]);
    expect(await db.prisma.inboxMessage.count({ where: { customerId: records[0]!.id } })).toBe(3);
  });

  it('refuses outside the 24-hour window, and an id that is not a conversation of this business', async () => {
    const bsuid = 'ES.40500000000000000405';
    await channel.send(bsuid, { type: 'text', text: { body: 'hello' } });
    const { id, customerId } = await conversationOf(bsuid);
    await db.prisma.customer.update({ where: { id: customerId }, data: { lastInboundAt: new Date(channel.clock.now().getTime() - 25 * 3_600_000) } });
    const late = await api(`/v1/conversations/${id}/request-phone`);
    expect([late.status, late.body.error.code]).toStrictEqual([409, 'outside_customer_service_window']);
    const missing = await api('/v1/conversations/00000000-0000-4000-8000-000000000000/request-phone');
    expect(missing.status).toBe(404);
  });
});
