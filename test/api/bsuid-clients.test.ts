/**
 * Clients known only by a WhatsApp business-scoped user id (username, no phone): created, found
 * and booked for through the REST API.
 */
import { createApiTestContext, NOW, type ApiTestContext } from './api-test-kit';

const BSUID = 'US.13491208655302741918';

describe('/v1/clients for username-only customers', () => {
  let ctx: ApiTestContext;

  beforeAll(async () => {
    ctx = await createApiTestContext({ withJobQueue: true });
  });
  afterAll(async () => ctx.db.drop());

  it('creates a client by userId, shows it in the client JSON, and refuses a second one with 409', async () => {
    const created = await ctx.api('post', '/v1/clients').send({ fullName: 'Sheena', userId: BSUID, locale: 'en' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ fullName: 'Sheena', phone: null, waId: BSUID, userId: BSUID, username: null });
    const again = await ctx.api('post', '/v1/clients').send({ fullName: 'Sheena N', userId: BSUID });
    expect(again.status).toBe(409);
    expect(again.body.error.details).toStrictEqual({ clientId: created.body.id });
  });

  it('finds the client by its user id and by username', async () => {
    const client = await ctx.db.prisma.customer.findFirstOrThrow({ where: { businessId: ctx.demo.businessId, waId: BSUID } });
    await ctx.db.prisma.customer.update({ where: { id: client.id }, data: { username: '@sheena.nelson' } });
    for (const search of [BSUID, 'sheena.nel']) {
      const found = await ctx.api('get', `/v1/clients?search=${encodeURIComponent(search)}`);
      expect(found.status).toBe(200);
      expect(found.body.data.map((row: { id: string; username: string }) => [row.id, row.username])).toStrictEqual([[client.id, '@sheena.nelson']]);
    }
  });

  it('answers 400 saying what to give for a body with neither a phone nor a user id, or with both', async () => {
    for (const body of [{ fullName: 'X' }, { fullName: 'X', userId: BSUID, countryCode: '+34', phone: '611 222 333' }, { fullName: 'X', userId: '+34611222333' }]) {
      const res = await ctx.api('post', '/v1/clients').send(body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(/countryCode and phone, or userId|business-scoped user id/);
    }
  });

  it('books an appointment for the username-only client', async () => {
    const client = await ctx.db.prisma.customer.findFirstOrThrow({ where: { businessId: ctx.demo.businessId, waId: BSUID } });
    const res = await ctx.api('post', '/v1/appointments').send({ clientId: client.id, serviceId: 'consultation', date: '2026-03-31', time: '09:00' });
    expect(res.status).toBe(201);
    expect(res.body.client).toMatchObject({ id: client.id, phone: null });
  });

  it('a staff reply to a username-only client goes to `recipient` with no `to`; the transcript names the username', async () => {
    const prisma = ctx.db.prisma;
    const businessId = ctx.demo.businessId;
    const userId = 'BR.55000000000000000001';
    const customer = await prisma.customer.create({ data: { businessId, waId: userId, userId, username: '@rita', lastInboundAt: new Date(NOW) } });
    const conversation = await prisma.conversation.create({
      data: { businessId, customerId: customer.id, machineVersion: 1, snapshot: {}, stateValue: 'handoff', isHandoff: true, handoffReason: 'asked', lastActivityAt: new Date(NOW) },
    });
    const res = await ctx.api('post', `/v1/conversations/${conversation.id}/reply`, ctx.keys.frontDesk).send({ text: 'Hi Rita' });
    expect(res.status).toBe(202);
    const row = await prisma.outboxMessage.findUniqueOrThrow({ where: { id: res.body.messageId } });
    expect(row.payload).toMatchObject({ type: 'text', recipient: userId, text: { body: 'Hi Rita' } });
    expect(row.payload).not.toHaveProperty('to');
    const transcript = await ctx.api('get', `/v1/conversations/${conversation.id}/transcript`, ctx.keys.readOnly);
    expect(transcript.body.client).toStrictEqual({ id: customer.id, fullName: null, phone: null, userId, username: '@rita' });
  });
});
