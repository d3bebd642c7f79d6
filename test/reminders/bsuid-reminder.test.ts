/**
 * Reminders for a customer known only by a business-scoped user id (a WhatsApp username, no phone):
 * every body goes to `recipient` with no `to`, and Meta's 131062 fails the message once, clearly.
 */
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { createReminderWorld, type ReminderWorld } from './reminder-world';

const T0 = '2026-03-23T08:00:00.000Z'; // Monday 09:00 Madrid
const WED_10 = new Date('2026-03-25T09:00:00.000Z'); // first reminder Tue 09:00Z
const BSUID = 'US.13491208655302741918';

describe('reminders to a username-only customer', () => {
  let db: TestDatabase;
  let world: ReminderWorld;

  beforeEach(async () => {
    db = await createTestDatabase();
    world = await createReminderWorld(db, { now: T0 });
  });
  afterEach(async () => {
    await world.stop();
    await db.drop();
  });

  async function book(lastInboundAt: string | null) {
    const [customerId] = await world.demo.createCustomers(1);
    await db.prisma.customer.update({ where: { id: customerId! }, data: { waId: BSUID, phoneE164: null, name: 'Marta', lastInboundAt: lastInboundAt === null ? null : new Date(lastInboundAt) } });
    const result = await world.bookings.confirmSlot({
      businessId: world.demo.businessId,
      customerId: customerId!,
      serviceId: world.demo.services.consultation,
      staffId: world.demo.staff.ana,
      start: WED_10,
      source: 'api',
      actor: 'test',
    });
    if (!result.ok) throw new Error('slot taken');
    return result.booking;
  }
  const customerBodies = () => world.graph.messages().filter((body) => body.recipient === BSUID || body.to === BSUID);

  it('inside the window the interactive reminder goes to `recipient`, with no `to`', async () => {
    await book('2026-03-24T08:00:00.000Z');
    await world.runJobsUntil('2026-03-24T10:00:00.000Z');
    const bodies = customerBodies();
    expect(bodies.map((body) => [body.type, body.recipient, 'to' in body])).toStrictEqual([['interactive', BSUID, false]]);
  });

  it('outside the window the template goes to `recipient`, with no `to`', async () => {
    await book(null);
    await world.runJobsUntil('2026-03-24T10:00:00.000Z');
    expect(customerBodies().map((body) => [body.type, body.recipient, 'to' in body])).toStrictEqual([['template', BSUID, false]]);
  });

  it('131062 on the template fails that reminder once, with a reason naming the username, and never retries', async () => {
    await book(null);
    world.graph.failNextMessages(1, 400, { code: 131062, message: 'Business-scoped user ID recipients not supported for this message' });
    await world.runJobsUntil('2026-03-24T12:00:00.000Z');
    expect(customerBodies()).toHaveLength(1);
    const rows = await db.prisma.outboxMessage.findMany({ where: { recipient: BSUID, kind: 'reminder' } });
    expect(rows.map((row) => [row.status, row.errorCode, row.attempts])).toStrictEqual([['failed', 131062, 1]]);
    expect(rows[0]!.lastError).toMatch(/known only by their WhatsApp username.*131062.*not retried/);
  });

  it('131062 on the template of a customer who wrote within 24 hours: the same reminder goes as reply buttons instead, once', async () => {
    // The window closes at 09:05Z, inside the 10-minute margin of the 09:00Z reminder: the template goes first.
    const booking = await book('2026-03-23T09:05:00.000Z');
    world.graph.failNextMessages(1, 400, { code: 131062, message: 'Business-scoped user ID recipients not supported for this message' });
    await world.runJobsUntil('2026-03-24T09:30:00.000Z');
    const bodies = customerBodies();
    expect(bodies.map((body) => [body.type, body.recipient, 'to' in body])).toStrictEqual([
      ['template', BSUID, false],
      ['interactive', BSUID, false],
    ]);
    const buttons = (bodies[1] as { interactive: { action: { buttons: Array<{ reply: { id: string } }> } } }).interactive.action.buttons.map((button) => button.reply.id);
    expect(buttons).toStrictEqual([`reminder:confirm:${booking.uid}`, `reminder:reschedule:${booking.uid}`, `reminder:cancel:${booking.uid}`]);
    const rows = await db.prisma.outboxMessage.findMany({ where: { recipient: BSUID, kind: 'reminder' } });
    expect(rows.map((row) => [row.status, row.attempts])).toStrictEqual([['accepted', 2]]);
    expect(rows[0]!.lastError).toMatch(/131062.*free-form/);
  });

  it('131062 on the template after the window closed fails the reminder: no free-form message Meta would refuse', async () => {
    await book('2026-03-22T09:00:00.000Z');
    world.graph.failNextMessages(1, 400, { code: 131062, message: 'Business-scoped user ID recipients not supported for this message' });
    await world.runJobsUntil('2026-03-24T12:00:00.000Z');
    expect(customerBodies().map((body) => body.type)).toStrictEqual(['template']);
    const rows = await db.prisma.outboxMessage.findMany({ where: { recipient: BSUID, kind: 'reminder' } });
    expect(rows.map((row) => [row.status, row.errorCode, row.attempts])).toStrictEqual([['failed', 131062, 1]]);
  });

  it('after 131047 the template fallback also goes to `recipient`; a 131062 on it ends there instead of looping', async () => {
    await book('2026-03-24T08:00:00.000Z');
    world.graph.failNextMessages(1, 400, { code: 131047, message: 'Re-engagement message' });
    world.graph.failNextMessages(1, 400, { code: 131062, message: 'Business-scoped user ID recipients not supported for this message' });
    await world.runJobsUntil('2026-03-25T08:00:00.000Z');
    const first = customerBodies().slice(0, 2);
    expect(first.map((body) => [body.type, body.recipient, 'to' in body])).toStrictEqual([
      ['interactive', BSUID, false],
      ['template', BSUID, false],
    ]);
    const failed = await db.prisma.outboxMessage.findMany({ where: { recipient: BSUID, status: 'failed' } });
    expect(failed.map((row) => row.errorCode)).toStrictEqual([131062]);
  });
});
