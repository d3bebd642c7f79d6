/**
 * /v1/conversations over HTTP: the hand-off queue, transcripts, staff replies queued as the
 * business (only inside WhatsApp's 24-hour window), staff take-over and release back to the bot as jobs.
 */
import { createApiTestContext, NOW, type ApiTestContext } from './api-test-kit';

describe('/v1/conversations', () => {
  let ctx: ApiTestContext;
  let waiting: { conversationId: string; customerId: string };
  let quiet: { conversationId: string; customerId: string };

  const jobs = async (task: string) =>
    ctx.db.prisma.$queryRaw<Array<{ payload: unknown }>>`SELECT j.payload FROM graphile_worker._private_jobs j
      JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = ${task} ORDER BY j.id`;

  beforeAll(async () => {
    ctx = await createApiTestContext({ withJobQueue: true });
    const prisma = ctx.db.prisma;
    const businessId = ctx.demo.businessId;
    const create = async (waId: string, lastInboundAt: Date, isHandoff: boolean) => {
      const customer = await prisma.customer.create({ data: { businessId, waId, phoneE164: `+${waId}`, name: `Client ${waId}`, lastInboundAt } });
      const conversation = await prisma.conversation.create({
        data: { businessId, customerId: customer.id, machineVersion: 1, snapshot: {}, stateValue: isHandoff ? 'handoff' : 'menu', isHandoff, handoffReason: isHandoff ? 'asked' : null, lastActivityAt: lastInboundAt },
      });
      return { conversationId: conversation.id, customerId: customer.id };
    };
    waiting = await create('34655000001', new Date('2026-03-30T05:50:00.000Z'), true);
    quiet = await create('34655000002', new Date('2026-03-28T05:00:00.000Z'), false);
    await prisma.inboxMessage.createMany({
      data: [
        { businessId, customerId: waiting.customerId, waMessageId: 'wamid.1', type: 'text', message: { type: 'text', text: 'Hola' }, sentAt: new Date('2026-03-30T05:48:00.000Z'), receivedAt: new Date('2026-03-30T05:48:01.000Z') },
        { businessId, customerId: waiting.customerId, waMessageId: 'wamid.2', type: 'text', message: { type: 'text', text: 'I want a person' }, sentAt: new Date('2026-03-30T05:50:00.000Z'), receivedAt: new Date('2026-03-30T05:50:01.000Z') },
      ],
    });
    await prisma.outboxMessage.create({
      data: {
        businessId,
        customerId: waiting.customerId,
        phoneNumberId: '100000000000001',
        recipient: '34655000001',
        kind: 'reply',
        payload: { messaging_product: 'whatsapp', to: '34655000001', type: 'text', text: { body: 'Welcome to Demo Clinic' } },
        status: 'delivered',
        createdAt: new Date('2026-03-30T05:49:00.000Z'),
      },
    });
  });
  afterAll(async () => ctx.db.drop());

  it('lists the conversations waiting for a person', async () => {
    const res = await ctx.api('get', '/v1/conversations?waitingForPerson=true', ctx.keys.frontDesk);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      expect.objectContaining({
        id: waiting.conversationId,
        client: { id: waiting.customerId, fullName: 'Client 34655000001', phone: '+34655000001', userId: null, username: null },
        waitingForPerson: true,
        handoffReason: 'asked',
        isWithinCustomerServiceWindow: true,
      }),
    ]);
    const all = await ctx.api('get', '/v1/conversations');
    expect(all.body.pagination.totalItems).toBe(2);
    expect(all.body.data.map((c: { id: string }) => c.id)).toEqual([waiting.conversationId, quiet.conversationId]);
  });

  it('shows the transcript both ways in time order', async () => {
    const res = await ctx.api('get', `/v1/conversations/${waiting.conversationId}/transcript`, ctx.keys.readOnly);
    expect(res.status).toBe(200);
    expect(res.body.messages.map((m: { direction: string; text: string }) => `${m.direction}: ${m.text}`)).toEqual([
      'inbound: Hola',
      'outbound: Welcome to Demo Clinic',
      'inbound: I want a person',
    ]);
  });

  it('queues a staff reply as the business, with its sending job', async () => {
    const res = await ctx.api('post', `/v1/conversations/${waiting.conversationId}/reply`, ctx.keys.frontDesk).send({ text: 'Hi, this is Ana from the front desk.' });
    expect(res.status).toBe(202);
    const row = await ctx.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: res.body.messageId } });
    expect(row).toMatchObject({ recipient: '34655000001', phoneNumberId: '100000000000001', kind: 'staff_reply', status: 'queued' });
    expect(row.payload).toMatchObject({ type: 'text', to: '34655000001', text: { body: 'Hi, this is Ana from the front desk.' } });
    expect(await jobs('send_outbox')).toContainEqual({ payload: { businessId: ctx.demo.businessId, recipient: '34655000001' } });
  });

  it('refuses a free-form reply outside the 24-hour window with 409', async () => {
    const res = await ctx.api('post', `/v1/conversations/${quiet.conversationId}/reply`).send({ text: 'Are you there?' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('outside_customer_service_window');
    expect(res.body.error.details).toEqual({ lastMessageAt: '2026-03-28T05:00:00.000Z' });
  });

  it('counts the window from the clock, not the wall time', async () => {
    ctx.clock.set('2026-03-31T05:51:00.000Z');
    const res = await ctx.api('post', `/v1/conversations/${waiting.conversationId}/reply`).send({ text: 'Late answer' });
    expect(res.status).toBe(409);
    ctx.clock.set(NOW);
  });

  it.each([
    ['no text', {}],
    ['empty text', { text: '' }],
    ['blank text', { text: '   ' }],
    ['a number', { text: 5 }],
    ['4097 characters', { text: 'x'.repeat(4097) }],
  ])('refuses a reply with %s (400)', async (_name, body) => {
    const res = await ctx.api('post', `/v1/conversations/${waiting.conversationId}/reply`).send(body);
    expect(res.status).toBe(400);
  });

  it('releases a hand-off to the bot through a conversation_event job', async () => {
    const res = await ctx.api('post', `/v1/conversations/${waiting.conversationId}/release`, ctx.keys.frontDesk).send({});
    expect(res.status).toBe(202);
    expect(await jobs('conversation_event')).toEqual([
      { payload: { businessId: ctx.demo.businessId, customerId: waiting.customerId, event: { type: 'HANDOFF_RELEASED' } } },
    ]);
    const notWaiting = await ctx.api('post', `/v1/conversations/${quiet.conversationId}/release`);
    expect(notWaiting.status).toBe(409);
    expect(notWaiting.body.error.code).toBe('not_waiting_for_person');
  });

  it('takes a conversation over from the bot through a conversation_event job; one already taken over answers 409', async () => {
    const before = (await jobs('conversation_event')).length;
    const res = await ctx.api('post', `/v1/conversations/${quiet.conversationId}/take-over`, ctx.keys.frontDesk).send({});
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'take_over_requested' });
    expect((await jobs('conversation_event')).slice(before)).toEqual([
      { payload: { businessId: ctx.demo.businessId, customerId: quiet.customerId, event: { type: 'STAFF_TAKE_OVER' } } },
    ]);
    await ctx.db.prisma.conversation.update({ where: { id: quiet.conversationId }, data: { isHandoff: true, handoffReason: 'staff' } });
    const again = await ctx.api('post', `/v1/conversations/${quiet.conversationId}/take-over`, ctx.keys.frontDesk).send({});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_taken_over');
    const readOnly = await ctx.api('post', `/v1/conversations/${waiting.conversationId}/take-over`, ctx.keys.readOnly).send({});
    expect(readOnly.status).toBe(403);
  });

  it('keeps the latest 200 inbound messages as they arrived: one WhatsApp delivered late (an old timestamp) is shown, the first received is not', async () => {
    const prisma = ctx.db.prisma;
    const businessId = ctx.demo.businessId;
    const customer = await prisma.customer.create({ data: { businessId, waId: '34655000003', phoneE164: '+34655000003', name: 'Client 34655000003' } });
    const conversation = await prisma.conversation.create({ data: { businessId, customerId: customer.id, machineVersion: 1, snapshot: {}, stateValue: 'menu' } });
    const start = new Date('2026-03-29T08:00:00.000Z').getTime();
    const message = (n: number, sentAt: number, receivedAt: number) => ({
      businessId, customerId: customer.id, waMessageId: `wamid.long.${n}`, type: 'text', message: { type: 'text', text: `m${n}` }, sentAt: new Date(sentAt), receivedAt: new Date(receivedAt),
    });
    await prisma.inboxMessage.createMany({ data: Array.from({ length: 200 }, (_, n) => message(n, start + n * 60_000 - 1_000, start + n * 60_000)) });
    // Written offline a day earlier; WhatsApp delivered it after all the others.
    await prisma.inboxMessage.create({ data: message(200, start - 86_400_000, start + 200 * 60_000) });
    const res = await ctx.api('get', `/v1/conversations/${conversation.id}/transcript`, ctx.keys.readOnly);
    expect(res.status).toBe(200);
    const texts = res.body.messages.map((m: { text: string }) => m.text);
    expect(texts).toHaveLength(200);
    expect(texts.at(-1)).toBe('m200');
    expect(texts[0]).toBe('m1');
  });
});
