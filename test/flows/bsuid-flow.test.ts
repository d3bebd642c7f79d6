/**
 * The booking Flow for a customer known only by a business-scoped user id: the Flow message goes to
 * `recipient` with no `to`, and greets by WhatsApp username when the customer shared no profile name.
 */
import request from 'supertest';
import { DEMO } from '../../prisma/seed';
import { signBody, validateOutboundMessage } from '../../src/whatsapp';
import { nextMondayMorning } from '../support/channel-harness';
import { setupDemo } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { FLOW_TEST_SECRET, startFlowChannel, type FlowChannel } from './flow-kit';

const BSUID = 'US.13491208655302741918';
let counter = 0;

/** A username-only message as Meta sends it: no `from`/`wa_id`, a username and no profile name. */
function usernameWebhook(message: Record<string, unknown>): string {
  counter += 1;
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'waba', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '34600000001', phone_number_id: DEMO.phoneNumberId },
      contacts: [{ profile: { username: '@sheena.nelson' }, user_id: BSUID }],
      messages: [{ from_user_id: BSUID, id: `wamid.bsuid.flow.${counter}`, timestamp: String(Math.floor(Date.now() / 1000) + counter), ...message }],
    } }] }],
  });
}

describe('booking Flow for a username-only customer', () => {
  let db: TestDatabase;
  let channel: FlowChannel;

  beforeAll(async () => {
    db = await createTestDatabase();
    await setupDemo(db.prisma);
    channel = await startFlowChannel(db, nextMondayMorning(new Date('2026-06-01T00:00:00Z')), { BOOKING_FLOW_TEMPLATE_NAME: 'booking_form', BOOKING_FLOW_TEMPLATE_LANGUAGE: 'en_US' });
  });
  afterAll(async () => {
    await channel.stop();
    await db.drop();
  });

  const post = async (message: Record<string, unknown>) => {
    const body = usernameWebhook(message);
    const res = await request(channel.app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody(FLOW_TEST_SECRET, body)).send(body);
    expect(res.status).toBe(200);
    await channel.settle();
  };

  it('sends the Flow to `recipient`, greeting the customer by username', async () => {
    await post({ type: 'text', text: { body: 'hi' } });
    const before = channel.graph.messages().length;
    await post({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'menu:book', title: 'Book' } } });
    const flow = channel.graph.messages().slice(before).find((body) => (body.interactive as { type?: string } | undefined)?.type === 'flow') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(flow).toBeDefined();
    expect(flow.recipient).toBe(BSUID);
    expect(flow).not.toHaveProperty('to');
    expect(flow.interactive.body.text).toMatch(/^Hi @sheena\.nelson!/);
    expect(validateOutboundMessage(flow)).toStrictEqual([]);
    const customer = await db.prisma.customer.findFirstOrThrow({ where: { waId: BSUID } });
    expect([customer.name, customer.username]).toStrictEqual([null, '@sheena.nelson']);
  });
});
