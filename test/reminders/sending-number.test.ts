/**
 * A business with several WhatsApp numbers: reminders and the notice of a staff change reach the
 * customer from the number they last wrote to, while it is still one of the business's numbers
 * (else from the business's first); staff alerts always leave from the first number.
 */
import { DEMO } from '../../prisma/seed';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { createReminderWorld, type ReminderWorld } from './reminder-world';

const T0 = '2026-03-23T08:00:00.000Z'; // Monday 09:00 Madrid
const WED_10 = new Date('2026-03-25T09:00:00.000Z'); // first reminder Tue 09:00Z
const AFTER_FIRST_REMINDERS = '2026-03-24T12:00:00.000Z';
const SECOND_NUMBER = '100000000000002';
const THIRD_NUMBER = '100000000000003';

describe('which number reminders and staff-change notices leave from', () => {
  let db: TestDatabase;
  let world: ReminderWorld;

  beforeEach(async () => {
    db = await createTestDatabase();
    world = await createReminderWorld(db, { now: T0 });
    await db.prisma.whatsAppNumber.create({ data: { businessId: world.demo.businessId, phoneNumberId: SECOND_NUMBER, displayPhone: '+34600000002' } });
  });
  afterEach(async () => {
    await world.stop();
    await db.drop();
  });

  /** A customer who last wrote (at T0) to `lastNumber`, booked by the API at `start`. */
  async function book(lastNumber: string | null, start = WED_10) {
    const [customerId] = await world.demo.createCustomers(1);
    const customer = await db.prisma.customer.update({ where: { id: customerId! }, data: { name: 'Marta', lastInboundAt: new Date(T0), lastPhoneNumberId: lastNumber } });
    const result = await world.bookings.confirmSlot({
      businessId: world.demo.businessId, customerId: customer.id, serviceId: world.demo.services.consultation, staffId: world.demo.staff.ana, start, source: 'api', actor: 'test',
    });
    if (!result.ok) throw new Error('slot taken');
    return { bookingId: result.booking.id, waId: customer.waId };
  }
  /** The numbers the messages to `to` left from, oldest first (the Graph path /<phone_number_id>/messages). */
  const numbersSendingTo = (to: string) => world.graph.requests.filter((request) => request.body.to === to).map((request) => request.phoneNumberId);

  it('a reminder leaves from the number the customer last wrote to', async () => {
    const { waId } = await book(SECOND_NUMBER);
    await world.runJobsUntil(AFTER_FIRST_REMINDERS);
    expect(numbersSendingTo(waId)).toStrictEqual([SECOND_NUMBER]);
  });

  it('the notice of a booking moved by staff leaves from that number; the staff alert from the first number', async () => {
    const { bookingId, waId } = await book(SECOND_NUMBER);
    // The staff member also books for herself: she last wrote to the second number as a customer.
    await db.prisma.staff.update({ where: { id: world.demo.staff.ana }, data: { whatsappNumber: `+${waId}` } });
    const moved = await world.bookings.reschedule({ businessId: world.demo.businessId, bookingId, start: new Date('2026-03-25T10:00:00.000Z'), actor: 'console:desk@clinic.test' });
    expect(moved.ok).toBe(true);
    // The notice's send job is queued for the database's own now (after every reminder of the fixed clock).
    await world.runJobsUntil(new Date(Date.now() + 60_000));
    const notices = world.graph.requests.filter((request) => request.body.to === waId && request.body.type === 'text');
    expect(notices.map((request) => [request.phoneNumberId, (request.body.text as { body: string }).body])).toStrictEqual([
      [SECOND_NUMBER, expect.stringContaining('moved your *')],
    ]);
    const alerts = world.graph.requests.filter((request) => request.body.to === `+${waId}` && request.body.type === 'template');
    expect(alerts.map((request) => request.phoneNumberId)).toStrictEqual([DEMO.phoneNumberId]);
  });

  it('a number no longer (or never) registered to the business falls back to its first number', async () => {
    const other = await db.prisma.business.create({ data: { name: 'Other Clinic', timeZone: 'Europe/Lisbon' } });
    await db.prisma.whatsAppNumber.create({ data: { businessId: other.id, phoneNumberId: '200000000000001' } });
    await db.prisma.whatsAppNumber.create({ data: { businessId: world.demo.businessId, phoneNumberId: THIRD_NUMBER } });
    const at = (time: string) => new Date(`2026-03-25T${time}:00.000Z`);
    const onSecond = await book(SECOND_NUMBER, at('08:00'));
    const removed = await book(THIRD_NUMBER, at('08:30'));
    const unknown = await book('999999999999999', at('09:00'));
    const otherBusiness = await book('200000000000001', at('09:30'));
    const never = await book(null, at('10:00'));
    await db.prisma.whatsAppNumber.delete({ where: { phoneNumberId: THIRD_NUMBER } });
    await world.runJobsUntil(AFTER_FIRST_REMINDERS);
    expect(numbersSendingTo(onSecond.waId)).toStrictEqual([SECOND_NUMBER]);
    for (const { waId } of [removed, unknown, otherBusiness, never]) expect(numbersSendingTo(waId)).toStrictEqual([DEMO.phoneNumberId]);
  });
});
