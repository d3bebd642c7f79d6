/**
 * Concurrency claims, tested with real concurrency: many customers confirming the same slot at
 * the same moment get exactly one booking and clean "slot taken" answers, never an error.
 */
import { createBookingService } from '../../src/booking';
import { createFixedClock } from '../../src/platform/clock';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const NOW = '2026-03-30T06:00:00.000Z';

describe('parallel confirmations', () => {
  let db: TestDatabase;
  let demo: DemoHandles;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 20 });
    demo = await setupDemo(db.prisma);
  });
  afterAll(async () => db.drop());
  beforeEach(async () => {
    await db.prisma.bookingLog.deleteMany();
    await db.prisma.booking.deleteMany();
  });

  it('50 customers confirming one slot at once → exactly 1 booking and 49 clean "slot taken" answers', async () => {
    const customers = await demo.createCustomers(50, '3461000');
    const bookings = createBookingService({ prisma: db.prisma, clock: createFixedClock(NOW) });
    const results = await Promise.allSettled(
      customers.map((customerId) =>
        bookings.confirmSlot({
          businessId: demo.businessId,
          customerId,
          serviceId: 'consultation',
          staffId: demo.staff.ana,
          start: new Date('2026-03-31T07:00:00Z'),
          source: 'whatsapp',
          actor: `customer:${customerId}`,
        }),
      ),
    );
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toEqual([]);
    const values = results.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof bookings.confirmSlot>>>).value);
    expect(values.filter((v) => v.ok)).toHaveLength(1);
    expect(values.filter((v) => !v.ok && v.code === 'slot_no_longer_available')).toHaveLength(49);
    expect(await db.prisma.booking.count()).toBe(1);
  });

  it('500 confirmations spread over 20 slots → exactly 20 bookings', async () => {
    const customers = await demo.createCustomers(500, '3462000');
    const bookings = createBookingService({ prisma: db.prisma, clock: createFixedClock(NOW) });
    // 20 non-overlapping 30-minute slots of Dr. Ana: Tue–Fri, 09:00–11:00 Madrid (07:00Z…).
    const slots = ['2026-03-31', '2026-04-01', '2026-04-02', '2026-04-03'].flatMap((day) =>
      ['07:00', '07:30', '08:00', '08:30', '09:00'].map((time) => new Date(`${day}T${time}:00Z`)),
    );
    expect(slots).toHaveLength(20);
    const results = await Promise.allSettled(
      customers.map((customerId, index) =>
        bookings.confirmSlot({
          businessId: demo.businessId,
          customerId,
          serviceId: 'consultation',
          staffId: demo.staff.ana,
          start: slots[index % 20]!,
          source: 'api',
          actor: 'load-test',
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const okCount = results.filter((r) => r.status === 'fulfilled' && r.value.ok).length;
    expect(okCount).toBe(20);
    const rows = await db.prisma.booking.findMany({ select: { startsAt: true } });
    expect(new Set(rows.map((r) => r.startsAt.toISOString())).size).toBe(20);
  });
});
