/**
 * One person, one customer record: when WhatsApp showed a person once by username (BSUID) and once
 * by phone, the first webhook naming both merges the two records; webhooks that race to introduce
 * the same new person never leave two records once the phone and BSUID have been seen together.
 */
import request from 'supertest';
import { DEMO } from '../../prisma/seed';
import { signBody } from '../../src/whatsapp';
import { startChannel, type ChannelHarness } from '../support/channel-harness';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let sequence = 0;
/** A signed-shape webhook from a person: phone and/or BSUID, as Meta sends them. */
function webhook(person: { phone?: string; bsuid?: string; name?: string; username?: string }, body: string): string {
  sequence += 1;
  const contact: Record<string, unknown> = { profile: { name: person.name ?? 'Merge Test', ...(person.username ? { username: person.username } : {}) } };
  const message: Record<string, unknown> = { id: `wamid.merge.${sequence}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body } };
  if (person.phone) {
    contact.wa_id = person.phone;
    message.from = person.phone;
  }
  if (person.bsuid) {
    contact.user_id = person.bsuid;
    message.from_user_id = person.bsuid;
  }
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'waba', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '34600000001', phone_number_id: DEMO.phoneNumberId },
      contacts: [contact],
      messages: [message],
    } }] }],
  });
}

describe('merging the records of one person seen by username and by phone', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let channel: ChannelHarness;
  const post = (body: string) =>
    request(channel.app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody('channel-test-secret', body)).send(body);
  const recordsOf = (phone: string, bsuid: string) =>
    db.prisma.customer.findMany({ where: { businessId: demo.businessId, OR: [{ waId: { in: [phone, bsuid] } }, { userId: bsuid }] }, orderBy: { createdAt: 'asc' } });

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    channel = await startChannel(db);
  });
  afterAll(async () => {
    await channel.stop();
    await db.drop();
  });

  it('a username record and a phone record become one when a message names both: bookings, messages and the newer dialogue kept', async () => {
    const phone = '34611000301';
    const bsuid = 'ES.30100000000000000301';
    expect((await post(webhook({ phone, name: 'Ana' }, 'hello'))).status).toBe(200);
    await channel.settle();
    expect((await post(webhook({ bsuid, username: '@ana.r', name: 'Ana R' }, 'hi'))).status).toBe(200);
    await channel.settle();
    const [phoneRecord, usernameRecord] = await recordsOf(phone, bsuid);
    expect([phoneRecord!.waId, usernameRecord!.waId]).toStrictEqual([phone, bsuid]);
    // A booking under each identity (made by staff, say), to see both survive the merge.
    const booking = (customerId: string, hour: number) =>
      db.prisma.booking.create({
        data: {
          uid: `merge${hour}`, businessId: demo.businessId, customerId, staffId: demo.staff.ana, serviceId: demo.services.consultation,
          status: 'confirmed', source: 'api', timeZone: 'Europe/Madrid', price: 50, currency: 'EUR',
          startsAt: new Date(Date.UTC(2031, 0, 6, hour)), endsAt: new Date(Date.UTC(2031, 0, 6, hour, 30)),
          blockedFrom: new Date(Date.UTC(2031, 0, 6, hour)), blockedUntil: new Date(Date.UTC(2031, 0, 6, hour, 30)),
        },
      });
    await booking(phoneRecord!.id, 9);
    await booking(usernameRecord!.id, 11);
    await db.prisma.customer.update({ where: { id: usernameRecord!.id }, data: { isOptedOut: true, optedOutAt: new Date() } });
    const usernameDialogue = await db.prisma.conversation.findUniqueOrThrow({ where: { customerId: usernameRecord!.id } });

    const before = channel.graph.messages().length;
    expect((await post(webhook({ phone, bsuid, username: '@ana.r', name: 'Ana' }, 'still there?'))).status).toBe(200);
    await channel.settle();

    const records = await recordsOf(phone, bsuid);
    expect(records.map((c) => [c.id, c.waId, c.userId, c.username, c.name, c.isOptedOut])).toStrictEqual([
      [phoneRecord!.id, phone, bsuid, '@ana.r', 'Ana', true],
    ]);
    expect(await db.prisma.booking.count({ where: { customerId: phoneRecord!.id } })).toBe(2);
    expect(await db.prisma.inboxMessage.count({ where: { customerId: phoneRecord!.id } })).toBe(3);
    const dialogue = await db.prisma.conversation.findUniqueOrThrow({ where: { customerId: phoneRecord!.id } });
    expect(dialogue.id).toBe(usernameDialogue.id);
    expect(await db.prisma.customer.count({ where: { id: usernameRecord!.id } })).toBe(0);
    // Replies after the merge go to the phone, never to the BSUID.
    for (const body of channel.graph.messages().slice(before)) expect(body.recipient).toBeUndefined();
  });

  it('ten webhooks racing to introduce the same new username-only person leave one record with every message', async () => {
    const bsuid = 'ES.30200000000000000302';
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => post(webhook({ bsuid }, `hi ${i}`))));
    expect(answers.map((answer) => answer.status)).toStrictEqual(Array(10).fill(200));
    await channel.settle();
    const records = await db.prisma.customer.findMany({ where: { businessId: demo.businessId, OR: [{ waId: bsuid }, { userId: bsuid }] } });
    expect(records.length).toBe(1);
    expect(await db.prisma.inboxMessage.count({ where: { customerId: records[0]!.id } })).toBe(10);
  });

  it('ten webhooks racing with the same new phone and BSUID leave one record with every message', async () => {
    const phone = '34611000303';
    const bsuid = 'ES.30300000000000000303';
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => post(webhook({ phone, bsuid }, `hi ${i}`))));
    expect(answers.map((answer) => answer.status)).toStrictEqual(Array(10).fill(200));
    await channel.settle();
    const records = await recordsOf(phone, bsuid);
    expect(records.map((c) => [c.waId, c.userId])).toStrictEqual([[phone, bsuid]]);
    expect(await db.prisma.inboxMessage.count({ where: { customerId: records[0]!.id } })).toBe(10);
  });

  it('username-only and phone+BSUID webhooks racing for a new person: one record once the phone and BSUID are seen together', async () => {
    const phone = '34611000304';
    const bsuid = 'ES.30400000000000000304';
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => post(i % 2 === 0 ? webhook({ bsuid }, `hi ${i}`) : webhook({ phone, bsuid }, `hi ${i}`))),
    );
    expect(answers.map((answer) => answer.status)).toStrictEqual(Array(10).fill(200));
    await channel.settle();
    expect((await post(webhook({ phone, bsuid }, 'one more'))).status).toBe(200);
    await channel.settle();
    const records = await recordsOf(phone, bsuid);
    expect(records.map((c) => [c.waId, c.userId])).toStrictEqual([[phone, bsuid]]);
    expect(await db.prisma.inboxMessage.count({ where: { customerId: records[0]!.id } })).toBe(11);
    expect(await db.prisma.conversation.count({ where: { customerId: records[0]!.id } })).toBe(1);
  });

  it('two merges of the same pair at once do not fail or lose anything', async () => {
    const phone = '34611000305';
    const bsuid = 'ES.30500000000000000305';
    await post(webhook({ phone }, 'a'));
    await post(webhook({ bsuid }, 'b'));
    await channel.settle();
    const answers = await Promise.all([post(webhook({ phone, bsuid }, 'c')), post(webhook({ phone, bsuid }, 'd'))]);
    expect(answers.map((answer) => answer.status)).toStrictEqual([200, 200]);
    await channel.settle();
    const records = await recordsOf(phone, bsuid);
    expect(records.length).toBe(1);
    expect(await db.prisma.inboxMessage.count({ where: { customerId: records[0]!.id } })).toBe(4);
  });
});
