/**
 * A customer talking to the demo clinic over the real pipeline: signed webhook → inbox → job →
 * conversation step → outbox → loopback Graph API. Asserts what the customer would see.
 */
import request from 'supertest';
import { buildWebhook, startChannel, type ChannelHarness } from '../support/channel-harness';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { signBody, validateOutboundMessage } from '../../src/whatsapp';

type Msg = Record<string, any>;
const text = (body: string) => ({ type: 'text', text: { body } });
const button = (id: string, title = 'x') => ({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id, title } } });
const row = (id: string, title = 'x') => ({ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id, title } } });
const buttonsOf = (m: Msg) => (m.interactive?.action?.buttons ?? []).map((b: Msg) => b.reply.id as string);
const rowsOf = (m: Msg) => (m.interactive?.action?.sections ?? []).flatMap((s: Msg) => s.rows.map((r: Msg) => r.id as string));
const last = <T>(items: T[]) => items[items.length - 1]!;

describe('WhatsApp channel end to end', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let channel: ChannelHarness;

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    channel = await startChannel(db);
  });
  afterAll(async () => {
    await channel.stop();
    await db.drop();
  });

  it('answers "hi" with the menu buttons, marks the message read, and every message is valid for Meta', async () => {
    const replies = await channel.send('34611000001', text('hi'));
    expect(replies.length).toBeGreaterThan(0);
    expect(buttonsOf(last(replies))).toHaveLength(3);
    for (const reply of replies) expect(validateOutboundMessage(reply)).toEqual([]);
    expect(channel.graph.requests.some((r) => r.body.status === 'read')).toBe(true);
  });

  it('books through lists and buttons, then the booking exists with the chosen slot', async () => {
    const from = '34611000002';
    const menu = last(await channel.send(from, text('hello')));
    const services = last(await channel.send(from, button(buttonsOf(menu)[0]!)));
    const consultation = rowsOf(services).find((id: string) => id.includes(demo.services.consultation))!;
    expect(consultation).toBeDefined();
    const staffList = last(await channel.send(from, row(consultation)));
    const anyStaff = rowsOf(staffList)[0]!;
    const days = last(await channel.send(from, row(anyStaff)));
    const firstDay = rowsOf(days)[0]!;
    const times = last(await channel.send(from, row(firstDay)));
    const firstTime = rowsOf(times)[0]!;
    const summary = last(await channel.send(from, row(firstTime)));
    expect(buttonsOf(summary)).toHaveLength(2);
    const confirmation = await channel.send(from, button(buttonsOf(summary)[0]!));
    const confirmationText = JSON.stringify(confirmation);
    expect(confirmationText).toMatch(/Consultation/);
    // "Add to calendar": a public .ics link that needs no key.
    const link = /\/calendar\/bookings\/[A-Za-z0-9_-]+\.ics/.exec(confirmationText)?.[0];
    expect(link).toBeDefined();
    const ics = await request(channel.app).get(link!);
    expect(ics.status).toBe(200);
    expect(ics.text).toMatch(/BEGIN:VEVENT[\s\S]*SUMMARY:.*Consultation/);
    const bookings = await db.prisma.booking.findMany({ where: { customer: { waId: from } } });
    expect(bookings).toHaveLength(1);
    expect(bookings[0]!.status).toBe('confirmed');
  });

  it('a duplicate webhook delivery gets no second answer', async () => {
    const from = '34611000003';
    const body = buildWebhook(from, text('hi'));
    const post = () => request(channel.app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody('channel-test-secret', body)).send(body);
    expect((await post()).status).toBe(200);
    await channel.settle();
    const count = channel.graph.messages().filter((m) => m.to === from).length;
    expect(count).toBeGreaterThan(0);
    expect((await post()).status).toBe(200);
    await channel.settle();
    expect(channel.graph.messages().filter((m) => m.to === from).length).toBe(count);
  });
});
