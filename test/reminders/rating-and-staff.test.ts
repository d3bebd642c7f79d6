/**
 * Rating replies (only the booking's own customer, only a completed visit), staff notifications
 * on hand-off, and the meeting jobs when the start job never ran.
 */
import { renderText } from '../../src/conversation';
import { CONVERSATION_EFFECTS, type EffectContext } from '../../src/conversation/effects';
import { endMeetingIfDue, notifyStaffOfHandoff, parseRatingReplyId, toRatingReplyId } from '../../src/reminders';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { createReminderWorld, type ReminderWorld } from './reminder-world';

const T0 = '2026-03-23T08:00:00.000Z';
const START = new Date('2026-03-25T09:00:00.000Z');

describe('ratings, hand-off alerts, meeting end', () => {
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

  async function book() {
    const [customerId, otherId] = await world.demo.createCustomers(2);
    const result = await world.bookings.confirmSlot({
      businessId: world.demo.businessId, customerId: customerId!, serviceId: world.demo.services.consultation, staffId: world.demo.staff.ana, start: START, source: 'api', actor: 'test',
    });
    if (!result.ok) throw new Error('slot taken');
    return { booking: result.booking, customerId: customerId!, otherId: otherId! };
  }

  /** A rating tap as the conversation handles it: the reply id parsed, then the recordRating effect (its answer to the machine). */
  const rate = (customerId: string, replyId: string) =>
    db.prisma.$transaction(async (tx) => {
      const rating = parseRatingReplyId(replyId);
      if (!rating) return { type: 'NOT_A_RATING' };
      const ctx = { tx, bookings: world.bookings, business: { id: world.demo.businessId }, customer: { id: customerId } } as unknown as EffectContext;
      return CONVERSATION_EFFECTS.recordRating.run(ctx, rating);
    });

  it('stores a rating only from the booking’s customer and only for a completed visit', async () => {
    const { booking, customerId, otherId } = await book();
    expect(await rate(customerId, toRatingReplyId(booking.uid, 4))).toStrictEqual({ type: 'RATING_REFUSED' });
    await world.runJobsUntil('2026-03-25T09:31:00.000Z');
    expect(await rate(otherId, toRatingReplyId(booking.uid, 1))).toStrictEqual({ type: 'RATING_REFUSED' });
    expect(await rate(customerId, 'reminder:confirm:x')).toStrictEqual({ type: 'NOT_A_RATING' });
    expect(await rate(customerId, toRatingReplyId(booking.uid, 4))).toStrictEqual({ type: 'RATING_RECORDED', rating: 4 });
    expect((await db.prisma.booking.findUniqueOrThrow({ where: { id: booking.id } })).rating).toBe(4);
    expect(renderText('rating.thanks', { rating: '4' }, { locale: 'es', timeZone: 'Europe/Madrid' })).toBe('¡Gracias por tu valoración (4/5)!');
    const log = await db.prisma.bookingLog.findFirstOrThrow({ where: { bookingId: booking.id, action: 'rated' } });
    expect(log.actor).toBe(`customer:${customerId}`);
  });

  it('a hand-off alerts the front desk and the staff member of the customer’s next booking', async () => {
    await db.prisma.staff.update({ where: { id: world.demo.staff.ana }, data: { whatsappNumber: '+34611111111' } });
    await db.prisma.business.update({ where: { id: world.demo.businessId }, data: { frontDeskWhatsapp: '+34622222222' } });
    const { customerId } = await book();
    await world.runJobsUntil(T0); // the new-booking alerts
    world.clock.set('2026-03-23T10:00:00.000Z');
    const count = await db.prisma.$transaction((tx) => notifyStaffOfHandoff(tx, { businessId: world.demo.businessId, customerId, now: world.clock.now() }));
    expect(count).toBe(2);
    const sentBefore = world.sent.length;
    await world.runJobsUntil('2026-03-23T10:00:01.000Z');
    // Two messages at the same instant: the send gate spaces them by 1/80 s (the number's default rate).
    const alerts = world.sent.slice(sentBefore);
    expect(alerts.map((message) => message.at)).toStrictEqual(['2026-03-23T10:00:00.000Z', '2026-03-23T10:00:00.012Z']);
    expect(alerts.map((message) => message.to).sort()).toStrictEqual(['+34611111111', '+34622222222']);
    const parameters = (alerts[0]!.body.template as { components: Array<{ parameters: Array<{ text: string }> }> }).components[0]!.parameters.map((p) => p.text);
    expect(parameters).toStrictEqual(['Customer asks for a person', 'Customer 1', 'Consultation', 'Wed 25 Mar, 10:00 (Madrid time, CET)', 'Dr. Ana García']);
  });

  it('with no front desk and no booked staff number, every staff member with a number hears the hand-off', async () => {
    await db.prisma.staff.update({ where: { id: world.demo.staff.carla }, data: { whatsappNumber: '+34633333333' } });
    const [customerId] = await world.demo.createCustomers(1);
    const count = await db.prisma.$transaction((tx) => notifyStaffOfHandoff(tx, { businessId: world.demo.businessId, customerId: customerId!, now: world.clock.now() }));
    expect(count).toBe(1);
  });

  it('at the end time a booking whose start job never ran is started, then completed', async () => {
    const { booking } = await book();
    world.clock.set('2026-03-25T09:45:00.000Z');
    expect(await endMeetingIfDue({ prisma: db.prisma, clock: world.clock, bookings: world.bookings }, { businessId: world.demo.businessId, bookingId: booking.id })).toBe('completed');
    expect(await endMeetingIfDue({ prisma: db.prisma, clock: world.clock, bookings: world.bookings }, { businessId: world.demo.businessId, bookingId: booking.id })).toBe('unchanged');
    const types = (await world.events()).map((event) => event.type);
    expect(types.slice(-3)).toStrictEqual(['MEETING_STARTED', 'MEETING_ENDED', 'BOOKING_COMPLETED']);
    const logs = await db.prisma.bookingLog.findMany({ where: { bookingId: booking.id }, orderBy: { createdAt: 'asc' } });
    expect(logs.map((log) => [log.action, log.actor])).toStrictEqual([
      ['created', 'test'],
      ['started', 'system:automation'],
      ['completed', 'system:automation'],
    ]);
  });

  it('an end job that runs early (clock behind) waits for the end time instead of completing', async () => {
    const { booking } = await book();
    world.clock.set('2026-03-25T09:10:00.000Z');
    expect(await endMeetingIfDue({ prisma: db.prisma, clock: world.clock, bookings: world.bookings }, { businessId: world.demo.businessId, bookingId: booking.id })).toBe('not_due');
    expect((await db.prisma.booking.findUniqueOrThrow({ where: { id: booking.id } })).status).toBe('confirmed');
  });
});
