/**
 * The booking core against a real PostgreSQL: confirm, typed refusals with nothing written,
 * holds, reschedule, cancel, lifecycle, and the exclusion constraint as the last line of defence.
 */
import { createBookingService, type BookingService } from '../../src/booking';
import { createFixedClock } from '../../src/platform/clock';
import { DomainError } from '../../src/platform/errors';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// Monday 2026-03-30 08:00 in Madrid (CEST, UTC+2). Tuesday 09:00 Madrid = 07:00Z.
const NOW = '2026-03-30T06:00:00.000Z';
const TUE_0900 = new Date('2026-03-31T07:00:00.000Z');
const TUE_0930 = new Date('2026-03-31T07:30:00.000Z');

describe('booking core', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let clock: ReturnType<typeof createFixedClock>;
  let bookings: BookingService;
  let customers: string[];

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    customers = await demo.createCustomers(10);
  });
  afterAll(async () => db.drop());
  beforeEach(async () => {
    await db.prisma.bookingLog.deleteMany();
    await db.prisma.booking.deleteMany();
    await db.prisma.slotHold.deleteMany();
    clock = createFixedClock(NOW);
    bookings = createBookingService({ prisma: db.prisma, clock });
  });

  const confirm = (overrides: Partial<Parameters<BookingService['confirmSlot']>[0]> = {}) =>
    bookings.confirmSlot({
      businessId: demo.businessId,
      customerId: customers[0]!,
      serviceId: 'consultation',
      staffId: demo.staff.ana,
      start: TUE_0900,
      source: 'whatsapp',
      actor: 'test',
      ...overrides,
    });

  async function expectRefusal(promise: Promise<unknown>, code: string) {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(code);
    expect((error as DomainError).message.length).toBeGreaterThan(20);
  }

  describe('confirm', () => {
    it('books a free slot with price, zone, times, and an audit entry', async () => {
      const result = await confirm();
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.booking).toMatchObject({
        staffId: demo.staff.ana,
        serviceId: demo.services.consultation,
        startsAt: TUE_0900,
        endsAt: TUE_0930,
        timeZone: 'Europe/Madrid',
        status: 'confirmed',
        currency: 'EUR',
      });
      expect(result.booking.price.toFixed(2)).toBe('60.00');
      expect(result.booking.uid).toMatch(/^bk_[0-9a-z]{16}$/);
      const logs = await db.prisma.bookingLog.findMany({ where: { bookingId: result.booking.id } });
      expect(logs).toEqual([expect.objectContaining({ action: 'created', actor: 'test', before: null })]);
    });

    it('answers a taken slot with the nearest free alternatives, and writes nothing', async () => {
      await confirm();
      const second = await confirm({ customerId: customers[1]! });
      expect(second).toMatchObject({ ok: false, code: 'slot_no_longer_available' });
      if (second.ok) return;
      expect(second.alternatives.length).toBeGreaterThan(0);
      expect(second.alternatives.map((slot) => slot.start.toISOString())).toContain('2026-03-31T07:30:00.000Z');
      expect(second.alternatives.every((slot) => slot.start.getTime() !== TUE_0900.getTime())).toBe(true);
      expect(await db.prisma.booking.count()).toBe(1);
    });

    it('a booking ending at 09:30 does not block a 09:30 start ([start, end) semantics)', async () => {
      await confirm();
      const next = await confirm({ customerId: customers[1]!, start: TUE_0930 });
      expect(next.ok).toBe(true);
    });

    it('"any available" books another free staff member when the first is taken', async () => {
      const first = await confirm({ staffId: undefined });
      const second = await confirm({ staffId: undefined, customerId: customers[1]! });
      const third = await confirm({ staffId: undefined, customerId: customers[2]! });
      expect(first.ok && second.ok).toBe(true);
      if (!first.ok || !second.ok) return;
      expect(new Set([first.booking.staffId, second.booking.staffId])).toEqual(new Set([demo.staff.ana, demo.staff.ben]));
      expect(third.ok).toBe(false);
    });

    it('keeps the buffer after a physio session free (45 min + 15 min buffer)', async () => {
      const physio = (start: string, customer: string) =>
        confirm({ serviceId: 'physio', staffId: demo.staff.carla, start: new Date(start), customerId: customer });
      expect((await physio('2026-03-31T07:00:00Z', customers[0]!)).ok).toBe(true);
      expect((await physio('2026-03-31T07:45:00Z', customers[1]!)).ok).toBe(false);
      expect((await physio('2026-03-31T08:00:00Z', customers[1]!)).ok).toBe(true);
    });

    it('replays an idempotency key instead of booking twice', async () => {
      const first = await confirm({ idempotencyKey: 'flow-token-1' });
      const again = await confirm({ idempotencyKey: 'flow-token-1' });
      expect(first.ok && again.ok).toBe(true);
      if (!first.ok || !again.ok) return;
      expect(again.booking.id).toBe(first.booking.id);
      expect(again.isReplay).toBe(true);
      expect(await db.prisma.booking.count()).toBe(1);
    });
  });

  describe('invalid requests are refused with a typed error and nothing written', () => {
    it.each([
      ['slot in the past', { start: new Date('2026-03-29T07:00:00Z') }, 'slot_in_past'],
      ['inside the minimum notice', { start: new Date('2026-03-30T07:00:00Z') }, 'slot_too_soon'],
      ['beyond the 60-day window', { start: new Date('2026-06-02T07:00:00Z') }, 'slot_beyond_window'],
      ['outside working hours (20:00)', { start: new Date('2026-03-31T18:00:00Z') }, 'slot_outside_hours'],
      ['in the lunch break', { start: new Date('2026-03-31T11:15:00Z') }, 'slot_outside_hours'],
      ['on a Sunday', { start: new Date('2026-04-05T07:00:00Z') }, 'slot_outside_hours'],
      ['not on the 15-minute grid', { start: new Date('2026-03-31T07:05:00Z') }, 'slot_not_on_step'],
      ['unknown service', { serviceId: 'massage' }, 'service_not_found'],
      ['staff who does not perform it', { staffId: '00000000-0000-4000-8000-000000000000' }, 'staff_does_not_perform_service'],
      ['notes over 1000 characters', { notes: 'x'.repeat(1001) }, 'validation_failed'],
      ['metadata over 5000 characters', { metadata: { blob: 'x'.repeat(5000) } }, 'validation_failed'],
    ] as const)('%s → %s', async (_name, overrides, code) => {
      await expectRefusal(confirm(overrides as Partial<Parameters<BookingService['confirmSlot']>[0]>), code);
      expect(await db.prisma.booking.count()).toBe(0);
      expect(await db.prisma.bookingLog.count()).toBe(0);
    });

    it('a cancellation reason over 500 characters is refused and the booking stays', async () => {
      const result = await confirm();
      if (!result.ok) throw new Error('setup failed');
      await expectRefusal(bookings.cancel({ businessId: demo.businessId, bookingId: result.booking.id, reason: 'x'.repeat(501), actor: 'test' }), 'validation_failed');
      expect((await db.prisma.booking.findUniqueOrThrow({ where: { id: result.booking.id } })).status).toBe('confirmed');
      expect(await db.prisma.bookingLog.count()).toBe(1);
    });
  });

  describe('holds', () => {
    it('hides a held slot from other customers, counts as its owner\'s, and expires', async () => {
      const [a, b] = customers;
      const hold = await bookings.placeHold({ businessId: demo.businessId, customerId: a!, serviceId: 'consultation', staffId: demo.staff.ana, start: TUE_0900 });
      expect(hold).toMatchObject({ ok: true, staffId: demo.staff.ana });

      const seenByB = await bookings.findSlots({ businessId: demo.businessId, serviceId: 'consultation', staffId: demo.staff.ana, exceptCustomerId: b });
      expect(seenByB.slots.map((s) => s.start.toISOString())).not.toContain(TUE_0900.toISOString());
      const seenByA = await bookings.findSlots({ businessId: demo.businessId, serviceId: 'consultation', staffId: demo.staff.ana, exceptCustomerId: a });
      expect(seenByA.slots.map((s) => s.start.toISOString())).toContain(TUE_0900.toISOString());

      expect((await confirm({ customerId: b! })).ok).toBe(false);
      clock.advanceMinutes(11);
      // After the 10-minute hold expired, the slot is free for anyone again.
      expect((await confirm({ customerId: b! })).ok).toBe(true);
    });

    it('the owner confirms through their own hold, and the hold is then gone', async () => {
      const [a, b] = customers;
      await bookings.placeHold({ businessId: demo.businessId, customerId: a!, serviceId: 'consultation', staffId: demo.staff.ana, start: TUE_0900 });
      expect((await bookings.placeHold({ businessId: demo.businessId, customerId: b!, serviceId: 'consultation', staffId: demo.staff.ana, start: TUE_0900 })).ok).toBe(false);
      expect((await confirm({ customerId: a! })).ok).toBe(true);
      expect(await db.prisma.slotHold.count()).toBe(0);
    });

    it('picking another time moves the hold (one hold per customer)', async () => {
      const [a, b] = customers;
      await bookings.placeHold({ businessId: demo.businessId, customerId: a!, serviceId: 'consultation', staffId: demo.staff.ana, start: TUE_0900 });
      await bookings.placeHold({ businessId: demo.businessId, customerId: a!, serviceId: 'consultation', staffId: demo.staff.ana, start: TUE_0930 });
      expect(await db.prisma.slotHold.count()).toBe(1);
      expect((await confirm({ customerId: b! })).ok).toBe(true);
    });
  });

  describe('reschedule, cancel and lifecycle', () => {
    async function booked(overrides: Partial<Parameters<BookingService['confirmSlot']>[0]> = {}) {
      const result = await confirm(overrides);
      if (!result.ok) throw new Error('setup booking failed');
      return result.booking;
    }

    it('reschedules to an overlapping later time of the same staff (its own old slot does not block)', async () => {
      const booking = await booked();
      const moved = await bookings.reschedule({ businessId: demo.businessId, bookingId: booking.uid, start: new Date('2026-03-31T07:15:00Z'), reason: 'traffic', actor: 'test' });
      expect(moved.ok).toBe(true);
      if (!moved.ok) return;
      expect(moved.booking).toMatchObject({ rescheduleCount: 1, rescheduleReason: 'traffic', staffId: demo.staff.ana, status: 'confirmed' });
      const logs = await db.prisma.bookingLog.findMany({ where: { bookingId: booking.id }, orderBy: { createdAt: 'asc' } });
      expect(logs.map((l) => l.action)).toEqual(['created', 'rescheduled']);
      expect(logs[1]!.before).toMatchObject({ startsAt: TUE_0900.toISOString() });
      expect(logs[1]!.after).toMatchObject({ startsAt: '2026-03-31T07:15:00.000Z', rescheduleCount: 1 });
    });

    it('refuses to reschedule onto someone else\'s booking, with alternatives', async () => {
      const mine = await booked();
      await booked({ customerId: customers[1]!, start: TUE_0930 });
      const moved = await bookings.reschedule({ businessId: demo.businessId, bookingId: mine.id, start: TUE_0930, staffId: demo.staff.ana, actor: 'test' });
      expect(moved).toMatchObject({ ok: false, code: 'slot_no_longer_available' });
    });

    it('walks pending → confirmed → in_progress → completed, then rating; final states refuse changes', async () => {
      const booking = await booked({ status: 'pending' });
      const act = (event: 'CONFIRM' | 'START' | 'COMPLETE' | 'MARK_NO_SHOW') =>
        bookings.applyLifecycle({ businessId: demo.businessId, bookingId: booking.id, event, actor: 'test' });
      expect((await act('CONFIRM')).status).toBe('confirmed');
      expect((await act('START')).status).toBe('in_progress');
      await expectRefusal(bookings.reschedule({ businessId: demo.businessId, bookingId: booking.id, start: TUE_0930, actor: 'test' }), 'invalid_transition');
      expect((await act('COMPLETE')).status).toBe('completed');
      expect((await bookings.rate({ businessId: demo.businessId, bookingId: booking.id, rating: 5, actor: 'customer' })).rating).toBe(5);
      await expectRefusal(bookings.rate({ businessId: demo.businessId, bookingId: booking.id, rating: 6, actor: 'customer' }), 'validation_failed');
      await expectRefusal(bookings.cancel({ businessId: demo.businessId, bookingId: booking.id, actor: 'test' }), 'invalid_transition');
      await expectRefusal(act('MARK_NO_SHOW'), 'invalid_transition');
      const actions = (await db.prisma.bookingLog.findMany({ where: { bookingId: booking.id }, orderBy: { createdAt: 'asc' } })).map((l) => l.action);
      expect(actions).toEqual(['created', 'confirmed', 'started', 'completed', 'rated']);
    });

    it('a cancelled booking frees its slot and cannot be cancelled or rescheduled again', async () => {
      const booking = await booked();
      const cancelled = await bookings.cancel({ businessId: demo.businessId, bookingId: booking.id, reason: 'ill', actor: 'customer' });
      expect(cancelled).toMatchObject({ status: 'cancelled', cancellationReason: 'ill' });
      expect((await confirm({ customerId: customers[1]! })).ok).toBe(true);
      await expectRefusal(bookings.cancel({ businessId: demo.businessId, bookingId: booking.id, actor: 'customer' }), 'invalid_transition');
      await expectRefusal(bookings.reschedule({ businessId: demo.businessId, bookingId: booking.id, start: TUE_0930, actor: 'customer' }), 'invalid_transition');
    });

    it('refuses customer changes inside the change-lock window', async () => {
      const booking = await booked();
      clock.set('2026-03-31T06:00:00Z'); // one hour before; the demo lock is 120 minutes
      await expectRefusal(bookings.cancel({ businessId: demo.businessId, bookingId: booking.id, actor: 'customer', enforceChangeLock: true }), 'change_locked');
      expect((await bookings.cancel({ businessId: demo.businessId, bookingId: booking.id, actor: 'staff' })).status).toBe('cancelled');
    });

    it('does not find a booking of another business', async () => {
      const booking = await booked();
      const other = await db.prisma.business.create({ data: { name: 'Other', timeZone: 'Europe/Lisbon' } });
      await expectRefusal(bookings.cancel({ businessId: other.id, bookingId: booking.id, actor: 'x' }), 'booking_not_found');
    });
  });

  describe('the database itself forbids overlaps', () => {
    it('rejects a raw SQL insert of an overlapping active booking of one staff member', async () => {
      const booking = await booked();
      let rawCounter = 0;
      const insert = (status: string, start: string, end: string) =>
        db.prisma.$executeRawUnsafe(
          `INSERT INTO bookings (uid, business_id, customer_id, staff_id, service_id, starts_at, ends_at, blocked_from, blocked_until, time_zone, status, source, price, currency)
           VALUES ($1, $2::uuid, $3::uuid, $4::uuid, $5::uuid, $6::timestamptz, $7::timestamptz, $6::timestamptz, $7::timestamptz, 'Europe/Madrid', $8::booking_status, 'api', 60, 'EUR')`,
          `bk_raw_${(rawCounter += 1)}`, demo.businessId, customers[1]!, demo.staff.ana, demo.services.consultation, start, end, status,
        );
      await expect(insert('confirmed', '2026-03-31T07:15:00Z', '2026-03-31T07:45:00Z')).rejects.toThrow(/bookings_no_overlap_per_staff|23P01|exclusion/i);
      // Adjacent is fine ([) ranges), and so is an overlapping cancelled row.
      await expect(insert('confirmed', '2026-03-31T07:30:00Z', '2026-03-31T08:00:00Z')).resolves.toBe(1);
      await expect(insert('cancelled', '2026-03-31T07:00:00Z', '2026-03-31T07:30:00Z')).resolves.toBe(1);
      expect(booking.status).toBe('confirmed');
    });

    async function booked() {
      const result = await confirm();
      if (!result.ok) throw new Error('setup booking failed');
      return result.booking;
    }
  });
});
