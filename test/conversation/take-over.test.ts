/**
 * Staff taking a conversation over (STAFF_TAKE_OVER through the conversation_event job): the bot
 * falls silent without a word to the customer, no staff alert goes out, no hand-off timeout is
 * armed (a waiting conversation's is dropped), and release brings the bot back.
 */
import { deliverSystemEvent, handoffJobKey } from '../../src/conversation';
import { createBookingService } from '../../src/booking';
import { createLogger } from '../../src/platform';
import { startChannel, type ChannelHarness } from '../support/channel-harness';
import { setupDemo } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const text = (body: string) => ({ type: 'text', text: { body } });

describe('staff take over', () => {
  let db: TestDatabase;
  let channel: ChannelHarness;
  let businessId: string;
  let anaId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const demo = await setupDemo(db.prisma);
    businessId = demo.businessId;
    anaId = demo.staff.ana;
    // A staff alert number, so a hand-off the customer asks for would alert someone; a take-over must not.
    await db.prisma.staff.update({ where: { id: anaId }, data: { whatsappNumber: '34699000001' } });
    channel = await startChannel(db);
  });
  afterAll(async () => {
    await channel.stop();
    await db.drop();
  });

  const deps = () => ({ prisma: db.prisma, clock: channel.clock, logger: createLogger('silent'), bookings: createBookingService({ prisma: db.prisma, clock: channel.clock }) });
  const conversationOf = (waId: string) => db.prisma.conversation.findFirstOrThrow({ where: { customer: { waId } } });
  const takeOver = async (waId: string) => {
    const customer = await db.prisma.customer.findFirstOrThrow({ where: { waId } });
    const isDelivered = await deliverSystemEvent(deps(), { businessId, customerId: customer.id, event: { type: 'STAFF_TAKE_OVER' } });
    await channel.settle();
    return isDelivered;
  };
  const staffAlerts = () => db.prisma.outboxMessage.count({ where: { businessId, kind: 'staff_notification' } });
  const pendingJobs = async (key: string) => (await db.prisma.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = ${key}`)[0]!.n;

  it('in the middle of booking: silent hand-off with reason staff, no alert, no timeout; the customer is not answered until release', async () => {
    const from = '34633000001';
    await channel.send(from, text('hi'));
    await channel.send(from, { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'menu:book', title: 'Book appointment' } } });
    expect((await conversationOf(from)).stateValue).toContain('booking');
    const sentBefore = channel.graph.messages().length;
    const alertsBefore = await staffAlerts();

    expect(await takeOver(from)).toBe(true);
    const conversation = await conversationOf(from);
    expect(conversation).toMatchObject({ isHandoff: true, handoffReason: 'staff', inactivityDeadline: null });
    expect(channel.graph.messages().length).toBe(sentBefore);
    expect(await staffAlerts()).toBe(alertsBefore);
    expect(await pendingJobs(handoffJobKey(conversation.id))).toBe(0);

    expect(await channel.send(from, text('hello?'))).toEqual([]);
    expect(await channel.send(from, { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'menu:book', title: 'Book appointment' } } })).toEqual([]);

    const customer = await db.prisma.customer.findFirstOrThrow({ where: { waId: from } });
    expect(await deliverSystemEvent(deps(), { businessId, customerId: customer.id, event: { type: 'HANDOFF_RELEASED' } })).toBe(true);
    await channel.settle();
    expect((await conversationOf(from)).isHandoff).toBe(false);
    expect(await channel.send(from, text('hi'))).not.toEqual([]);
  });

  it('a conversation already waiting for a person becomes staff-owned: its hand-off timeout is dropped, the customer hears nothing new', async () => {
    const from = '34633000002';
    // The alert a requested hand-off queues is timed by the harness's future clock and would never settle.
    await db.prisma.staff.update({ where: { id: anaId }, data: { whatsappNumber: null } });
    await channel.send(from, text('agent'));
    const waiting = await conversationOf(from);
    expect(waiting).toMatchObject({ isHandoff: true, handoffReason: 'requested' });
    expect(await pendingJobs(handoffJobKey(waiting.id))).toBe(1);
    const sentBefore = channel.graph.messages().length;

    expect(await takeOver(from)).toBe(true);
    expect(await conversationOf(from)).toMatchObject({ isHandoff: true, handoffReason: 'staff' });
    expect(await pendingJobs(handoffJobKey(waiting.id))).toBe(0);
    expect(channel.graph.messages().length).toBe(sentBefore);
  });
});
