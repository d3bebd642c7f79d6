/**
 * The Flow form reads availability through the booking core's own notion of "blocked": a time
 * blocked by a booking, another customer's hold or a staff member's external calendar is never
 * offered in the form (the confirm would refuse it).
 */
import { createBookingService } from '../../src/booking';
import { createFixedClock } from '../../src/platform';
import { createFlowAvailability } from '../../src/flows/flow-availability';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// Monday 2026-03-30 08:00 Madrid; Tuesday 09:00 Madrid = 07:00Z.
const NOW = new Date('2026-03-30T06:00:00.000Z');
const DAY = { from: new Date('2026-03-30T22:00:00Z'), to: new Date('2026-03-31T22:00:00Z') };

describe('Flow form availability', () => {
  let db: TestDatabase;
  let demo: DemoHandles;

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
  });
  afterAll(async () => db.drop());

  async function anaStarts(exceptCustomerId: string): Promise<string[]> {
    const availability = createFlowAvailability({ db: db.prisma });
    const catalog = (await availability.loadCatalog(demo.businessId, NOW))!;
    const service = catalog.services.find((s) => s.id === demo.services.consultation)!;
    const slots = await availability.findFreeSlots({ catalog, service, staffId: demo.staff.ana, ...DAY, now: NOW, exceptCustomerId });
    return slots.map((slot) => slot.start.toISOString());
  }

  it('hides times blocked by a booking, another customer\'s hold, or an external calendar; a customer\'s own hold stays visible to them', async () => {
    const [booker, holder, viewer] = await demo.createCustomers(3);
    expect(await anaStarts(viewer!)).toEqual(expect.arrayContaining(['2026-03-31T07:00:00.000Z', '2026-03-31T08:00:00.000Z', '2026-03-31T09:00:00.000Z']));

    const bookings = createBookingService({ prisma: db.prisma, clock: createFixedClock(NOW) });
    const booked = await bookings.confirmSlot({ businessId: demo.businessId, customerId: booker!, serviceId: 'consultation', staffId: demo.staff.ana, start: new Date('2026-03-31T07:00:00Z'), source: 'api', actor: 'test' });
    expect(booked.ok).toBe(true);
    const held = await bookings.placeHold({ businessId: demo.businessId, customerId: holder!, serviceId: 'consultation', staffId: demo.staff.ana, start: new Date('2026-03-31T08:00:00Z') });
    expect(held.ok).toBe(true);
    const calendar = await db.prisma.externalCalendar.create({
      data: { businessId: demo.businessId, staffId: demo.staff.ana, name: 'Ana private', urlEncrypted: 'v1:x:y:z', urlHost: 'calendar.example.com' },
    });
    await db.prisma.externalBusyBlock.create({
      data: { businessId: demo.businessId, staffId: demo.staff.ana, calendarId: calendar.id, startsAt: new Date('2026-03-31T09:00:00Z'), endsAt: new Date('2026-03-31T09:30:00Z') },
    });

    const seenByViewer = await anaStarts(viewer!);
    for (const blocked of ['2026-03-31T07:00:00.000Z', '2026-03-31T08:00:00.000Z', '2026-03-31T09:00:00.000Z']) expect(seenByViewer).not.toContain(blocked);
    expect(seenByViewer).toContain('2026-03-31T09:30:00.000Z');
    expect(await anaStarts(holder!)).toContain('2026-03-31T08:00:00.000Z');
  });
});
