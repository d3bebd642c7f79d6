/**
 * What a clinic trying the server for the first time sees: the address in a browser leads to the
 * staff console, and a conversation's state reads as a plain name.
 */
import { createApiTestContext, type ApiTestContext } from './api-test-kit';

describe('a first visit', () => {
  let ctx: ApiTestContext;

  beforeAll(async () => {
    ctx = await createApiTestContext();
  });
  afterAll(async () => ctx.db.drop());

  it('redirects GET / to the staff console', async () => {
    const res = await ctx.api('get', '/');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin');
  });

  it.each([
    // The conversation runtime stores the machine's state value as JSON.
    [JSON.stringify('handoff'), 'handoff'],
    [JSON.stringify({ booking: 'choosingSlot' }), 'booking.choosingSlot'],
    ['menu', 'menu'],
  ])('shows the stored state %s as "%s"', async (stateValue, shown) => {
    const prisma = ctx.db.prisma;
    const [customerId] = await ctx.demo.createCustomers(1, '3465900');
    const conversation = await prisma.conversation.create({ data: { businessId: ctx.demo.businessId, customerId: customerId!, machineVersion: 1, snapshot: {}, stateValue } });
    const list = await ctx.api('get', '/v1/conversations?limit=100');
    expect(list.status).toBe(200);
    expect(list.body.data.find((c: { id: string }) => c.id === conversation.id)).toMatchObject({ state: shown });
    expect((await ctx.api('get', `/v1/conversations/${conversation.id}`)).body).toMatchObject({ state: shown });
  });
});
