/**
 * A time that stops being bookable while the customer sits on the summary: it comes within the
 * business's minimum notice, or goes by. Confirm (and a reschedule's confirm) must answer like a
 * taken slot, with the nearest free times, never "something went wrong"; nothing is booked or
 * moved to the stale time.
 */
import { createBookingService } from '../../src/booking';
import { startChannel, type ChannelHarness } from '../support/channel-harness';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

type Msg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const text = (body: string) => ({ type: 'text', text: { body } });
const tap = (id: string) => ({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id, title: 'x' } } });
const rowsOf = (m: Msg): string[] => (m.interactive?.action?.sections ?? []).flatMap((s: Msg) => s.rows.map((r: Msg) => r.id as string));
const buttonsOf = (m: Msg): string[] => (m.interactive?.action?.buttons ?? []).map((b: Msg) => b.reply.id as string);
const bodyOf = (m: Msg) => (m.text?.body ?? m.interactive?.body?.text ?? '') as string;
const last = <T>(items: T[]) => items[items.length - 1]!;
/** The start instant of a "slot:<start>|<staff>" row. */
const startOf = (rowId: string) => rowId.slice('slot:'.length, rowId.lastIndexOf('|'));

const MINUTE = 60_000;
// The demo clinic asks for 120 minutes' notice.
const STALE_CLOCKS = [
  ['comes within the minimum notice', (start: Date) => new Date(start.getTime() - 30 * MINUTE)],
  ['goes by', (start: Date) => new Date(start.getTime() + 5 * MINUTE)],
] as const;

describe('a time that goes stale on the summary', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let channel: ChannelHarness;
  let startOfTests: Date;
  let customerCounter = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    channel = await startChannel(db);
    startOfTests = channel.clock.now();
  });
  afterEach(() => channel.clock.set(startOfTests));
  afterAll(async () => {
    await channel.stop();
    await db.drop();
  });

  /** Walks from a day list to the summary of the first time offered; returns that time's row id. */
  async function pickFirstTime(from: string, days: Msg): Promise<string> {
    const times = last(await channel.send(from, tap(rowsOf(days)[0]!)));
    const slot = rowsOf(times).find((id) => id.startsWith('slot:'))!;
    const summary = last(await channel.send(from, tap(slot)));
    expect(buttonsOf(summary)).toEqual(['summary:confirm', 'summary:change']);
    return slot;
  }

  /** Confirms on the summary and checks the customer got the nearest free times instead, then books one. */
  async function confirmStale(from: string, slot: string): Promise<string> {
    const replies = await channel.send(from, tap('summary:confirm'));
    expect(replies.map(bodyOf).filter((body) => /went wrong/i.test(body))).toEqual([]);
    expect(replies).toHaveLength(1);
    const list = replies[0]!;
    expect(bodyOf(list)).toMatch(/^Sorry, that time was just taken\. These are the nearest free times/);
    const alternatives = rowsOf(list).filter((id) => id.startsWith('slot:'));
    expect(alternatives.length).toBeGreaterThan(0);
    expect(alternatives).not.toContain(slot);
    // Every time offered can really be booked now: after the notice period.
    const bookable = channel.clock.now().getTime() + 120 * MINUTE;
    expect(alternatives.filter((id) => Date.parse(startOf(id)) < bookable)).toEqual([]);
    const conversation = await db.prisma.conversation.findFirstOrThrow({ where: { customer: { waId: from } } });
    expect(JSON.parse(conversation.stateValue)).toEqual({ booking: 'choosingSlot' });
    return alternatives[0]!;
  }

  it.each(STALE_CLOCKS)('booking: the chosen time %s → the nearest free times, nothing booked at it; an alternative books', async (_when, staleClock) => {
    customerCounter += 1;
    const from = `3462300000${customerCounter}`;
    await channel.send(from, text('hi'));
    const services = last(await channel.send(from, tap('menu:book')));
    expect(rowsOf(services)).toContain(`service:${demo.services.consultation}`);
    const staff = last(await channel.send(from, tap(`service:${demo.services.consultation}`)));
    expect(rowsOf(staff)).toContain('staff:any');
    const days = last(await channel.send(from, tap('staff:any')));
    const slot = await pickFirstTime(from, days);

    channel.clock.set(staleClock(new Date(startOf(slot))));
    const alternative = await confirmStale(from, slot);
    expect(await db.prisma.booking.count({ where: { customer: { waId: from } } })).toBe(0);

    // The customer carries on from the list: an alternative books.
    await channel.send(from, tap(alternative));
    const done = last(await channel.send(from, tap('summary:confirm')));
    expect(bodyOf(done)).toMatch(/^Booked! ✅/);
    const bookings = await db.prisma.booking.findMany({ where: { customer: { waId: from } } });
    expect(bookings.map((b) => [b.status, b.startsAt.toISOString()])).toEqual([['confirmed', startOf(alternative)]]);
  });

  it.each(STALE_CLOCKS)('rescheduling: the new time %s → the nearest free times, the booking stays where it was; an alternative moves it', async (_when, staleClock) => {
    customerCounter += 1;
    const from = `3462300010${customerCounter}`;
    await channel.send(from, text('hi'));
    const customer = await db.prisma.customer.findFirstOrThrow({ where: { waId: from } });
    // An appointment three days ahead, well outside the change lock.
    const bookings = createBookingService({ prisma: db.prisma, clock: channel.clock });
    const { slots } = await bookings.findSlots({ businessId: demo.businessId, serviceId: demo.services.consultation, from: new Date(startOfTests.getTime() + 3 * 24 * 60 * MINUTE) });
    const booked = await bookings.confirmSlot({ businessId: demo.businessId, customerId: customer.id, serviceId: demo.services.consultation, start: slots[0]!.start, source: 'api', actor: 'test' });
    if (!booked.ok) throw new Error('could not arrange the booking to move');
    const originalStart = booked.booking.startsAt.toISOString();

    await channel.send(from, tap('menu:appointments'));
    const manage = last(await channel.send(from, tap(`booking:${booked.booking.uid}`)));
    expect(buttonsOf(manage)).toContain('manage:reschedule');
    const days = last(await channel.send(from, tap('manage:reschedule')));
    const slot = await pickFirstTime(from, days);
    expect(startOf(slot)).not.toBe(originalStart);

    channel.clock.set(staleClock(new Date(startOf(slot))));
    const alternative = await confirmStale(from, slot);
    const unmoved = await db.prisma.booking.findUniqueOrThrow({ where: { id: booked.booking.id } });
    expect([unmoved.status, unmoved.startsAt.toISOString(), unmoved.rescheduleCount]).toEqual(['confirmed', originalStart, 0]);

    await channel.send(from, tap(alternative));
    const done = last(await channel.send(from, tap('summary:confirm')));
    expect(bodyOf(done)).not.toMatch(/went wrong/i);
    const moved = await db.prisma.booking.findUniqueOrThrow({ where: { id: booked.booking.id } });
    expect([moved.status, moved.startsAt.toISOString(), moved.rescheduleCount]).toEqual(['confirmed', startOf(alternative), 1]);
  });
});
