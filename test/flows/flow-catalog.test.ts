/**
 * The catalog the Flow form shows (services, their staff, hours and add-ons, the business's
 * settings and date overrides) is read in one statement and holds exactly what a customer may
 * pick: active services that someone active performs, in the business's order; staff by name as
 * people read it (not byte order); add-ons only under their service; overrides from two local
 * days back; nothing of another business.
 */
import type { Pool } from 'pg';
import { findBusinessSettings } from '../../src/booking';
import { createFlowAvailability } from '../../src/flows/flow-availability';
import { poolOf, type Db } from '../../src/platform';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// 12:00Z on Monday 30 March is 01:00 on Tuesday 31 March in Auckland (UTC+13): "two local days back" is the 29th.
const NOW = new Date('2026-03-30T12:00:00.000Z');

describe('Flow catalog', () => {
  let db: TestDatabase;
  let ids: Awaited<ReturnType<typeof seedCatalog>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    ids = await seedCatalog(db);
  });
  afterAll(async () => db.drop());

  /** What the Flow must show for the seeded business, in order. */
  const expectedCatalog = () => {
    const hours = (rows: Array<[number, number, number]>) => rows.map(([weekday, startMinute, endMinute]) => ({ weekday, startMinute, endMinute }));
    const zoeHours = hours([[1, 540, 780], [1, 840, 1080], [2, 600, 900]]);
    const beaHours = hours([[3, 1320, 1560]]);
    const anaHours = hours([[5, 480, 720]]);
    const zoeOverrides = [
      { date: '2026-03-29', isClosed: true, ranges: [] },
      { date: '2026-04-02', isClosed: false, ranges: [{ startMinute: 600, endMinute: 720 }, { startMinute: 900, endMinute: 1020 }] },
    ];
    const staffOf = {
      alvaro: { staff: { id: ids.alvaro, name: 'Álvaro', names: {} }, schedule: { staffId: ids.alvaro, weeklyHours: [], overrides: [] } },
      ana: { staff: { id: ids.ana, name: 'ana', names: {} }, schedule: { staffId: ids.ana, weeklyHours: anaHours, overrides: [] } },
      bea: { staff: { id: ids.bea, name: 'Bea', names: { es: 'Beatriz' } }, schedule: { staffId: ids.bea, weeklyHours: beaHours, overrides: [] } },
      zoe: { staff: { id: ids.zoe, name: 'Zoe', names: {} }, schedule: { staffId: ids.zoe, weeklyHours: zoeHours, overrides: zoeOverrides } },
    };
    const service = (fields: { id: string; name: string; names?: Record<string, string>; duration: number; before?: number; after?: number; price: string; sortOrder: number }, staff: Array<keyof typeof staffOf>, addOns: unknown[] = []) => ({
      id: fields.id,
      name: fields.name,
      names: fields.names ?? {},
      durationMinutes: fields.duration,
      bufferBeforeMinutes: fields.before ?? 0,
      bufferAfterMinutes: fields.after ?? 0,
      price: fields.price,
      currency: 'NZD',
      sortOrder: fields.sortOrder,
      addOns,
      staff: staff.map((key) => staffOf[key].staff),
      schedules: staff.map((key) => staffOf[key].schedule),
    });
    const addOn = (id: string, name: string, durationMinutes: number, price: string, buffers = { before: 0, after: 0 }) => ({
      id,
      name,
      durationMinutes,
      bufferBeforeMinutes: buffers.before,
      bufferAfterMinutes: buffers.after,
      price,
    });
    return {
      business: {
        id: ids.business,
        name: 'Kiri Hair',
        timeZone: 'Pacific/Auckland',
        currency: 'NZD',
        slotStepMinutes: 10,
        minimumNoticeMinutes: 60,
        maxAdvanceDays: 30,
        fillGapsAfterBusy: false,
        holdMinutes: 7,
        changeLockMinutes: 90,
      },
      businessOverrides: [
        { date: '2026-03-29', isClosed: false, ranges: [{ startMinute: 600, endMinute: 840 }] },
        { date: '2026-04-03', isClosed: true, ranges: [] },
      ],
      services: [
        service({ id: ids.massage, name: 'Massage', duration: 60, before: 5, after: 15, price: '80.00', sortOrder: 0 }, ['zoe']),
        service({ id: ids.colour, name: 'Colour', names: { es: 'Color' }, duration: 90, price: '120.50', sortOrder: 1 }, ['bea']),
        service({ id: ids.cut, name: 'Cut', duration: 30, price: '45.00', sortOrder: 1 }, ['alvaro', 'ana', 'bea', 'zoe'], [
          addOn(ids.beard, 'Beard', 10, '10.00'),
          addOn(ids.eclat, 'Éclat', 15, '25.00', { before: 0, after: 5 }),
          addOn(ids.wash, 'Wash', 10, '8.00'),
          addOn(ids.scalp, 'Scalp care', 20, '30.00'),
        ]),
      ],
    };
  };

  it('holds exactly what the Flow shows, read through the pg pool or the Prisma client', async () => {
    const overPool = await createFlowAvailability({ db: db.prisma, liveReads: poolOf(db.prisma) }).loadCatalog(ids.business, NOW);
    const overPrisma = await createFlowAvailability({ db: db.prisma }).loadCatalog(ids.business, NOW);
    expect(overPool).toStrictEqual(expectedCatalog());
    expect(overPrisma).toStrictEqual(expectedCatalog());
  });

  it('is read in one statement on the pg pool', async () => {
    const pool = poolOf(db.prisma);
    const statements: string[] = [];
    const counting = { query: (config: { name?: string }, ...rest: unknown[]) => (statements.push(config.name ?? '?'), (pool.query as (...args: unknown[]) => unknown)(config, ...rest)) } as unknown as Pool;
    const noPrisma = new Proxy({}, { get: (_, key) => { throw new Error(`the catalog went through Prisma (${String(key)})`); } }) as Db;
    const catalog = await createFlowAvailability({ db: noPrisma, liveReads: counting }).loadCatalog(ids.business, NOW);
    expect(catalog).toStrictEqual(expectedCatalog());
    expect(statements).toHaveLength(1);
  });

  it("carries the business's booking settings exactly as the booking engine reads them (a new setting must be added to both reads)", async () => {
    const catalog = await createFlowAvailability({ db: db.prisma, liveReads: poolOf(db.prisma) }).loadCatalog(ids.business, NOW);
    expect(catalog?.business).toStrictEqual(await findBusinessSettings(db.prisma, ids.business));
  });

  it('is null for a business that does not exist', async () => {
    const availability = createFlowAvailability({ db: db.prisma, liveReads: poolOf(db.prisma) });
    expect(await availability.loadCatalog('00000000-0000-4000-8000-000000000000', NOW)).toBeNull();
  });
});

/** A business with everything the catalog must leave out next to what it keeps, and a second business. */
async function seedCatalog(db: TestDatabase) {
  const { prisma } = db;
  const business = await prisma.business.create({
    data: { name: 'Kiri Hair', timeZone: 'Pacific/Auckland', currency: 'NZD', slotStepMinutes: 10, minimumNoticeMinutes: 60, maxAdvanceDays: 30, fillGapsAfterBusy: false, holdMinutes: 7, changeLockMinutes: 90 },
  });
  const other = await prisma.business.create({ data: { name: 'Other Salon', timeZone: 'Pacific/Auckland', currency: 'NZD' } });
  const businessId = business.id;

  const staff = async (owner: string, name: string, extra: { isActive?: boolean; names?: Record<string, string> } = {}) =>
    (await prisma.staff.create({ data: { businessId: owner, name, ...extra } })).id;
  // Inserted in byte order, so the catalog's order cannot come from insertion order.
  const bea = await staff(businessId, 'Bea', { names: { es: 'Beatriz', pt: '  ' } });
  const zoe = await staff(businessId, 'Zoe');
  const ana = await staff(businessId, 'ana');
  const alvaro = await staff(businessId, 'Álvaro');
  const retiredStaff = await staff(businessId, 'Aaron', { isActive: false });
  const otherStaff = await staff(other.id, 'Abel');

  let uid = 0;
  const service = async (owner: string, name: string, fields: { duration: number; price: string; sortOrder?: number; isActive?: boolean; before?: number; after?: number; names?: Record<string, string> }) => {
    uid += 1;
    const row = await prisma.service.create({
      data: {
        businessId: owner,
        uid: `s${uid}`,
        name,
        names: fields.names ?? {},
        durationMinutes: fields.duration,
        price: fields.price,
        currency: 'NZD',
        sortOrder: fields.sortOrder ?? 0,
        isActive: fields.isActive ?? true,
        bufferBeforeMinutes: fields.before ?? 0,
        bufferAfterMinutes: fields.after ?? 0,
      },
    });
    return row.id;
  };
  const cut = await service(businessId, 'Cut', { duration: 30, price: '45', sortOrder: 1 });
  const colour = await service(businessId, 'Colour', { duration: 90, price: '120.5', sortOrder: 1, names: { es: 'Color', pt: '' } });
  const massage = await service(businessId, 'Massage', { duration: 60, price: '80', before: 5, after: 15 });
  const retired = await service(businessId, 'Retired', { duration: 30, price: '10', isActive: false });
  const onlyRetiredStaff = await service(businessId, 'Old style', { duration: 30, price: '10' });
  const wash = await service(businessId, 'Wash', { duration: 10, price: '8', sortOrder: 1 });
  const eclat = await service(businessId, 'Éclat', { duration: 15, price: '25', sortOrder: 1, after: 5 });
  const beard = await service(businessId, 'Beard', { duration: 10, price: '10', sortOrder: 1 });
  const scalp = await service(businessId, 'Scalp care', { duration: 20, price: '30', sortOrder: 2 });
  const gloss = await service(businessId, 'Gloss', { duration: 10, price: '12', isActive: false });
  const otherCut = await service(other.id, 'Another cut', { duration: 30, price: '40' });
  const otherAddOn = await service(other.id, 'Another wash', { duration: 10, price: '5' });

  const performs = (owner: string, staffId: string, serviceId: string) => ({ businessId: owner, staffId, serviceId });
  await prisma.staffService.createMany({
    data: [
      performs(businessId, zoe, cut),
      performs(businessId, bea, cut),
      performs(businessId, alvaro, cut),
      performs(businessId, ana, cut),
      performs(businessId, retiredStaff, cut),
      performs(businessId, bea, colour),
      performs(businessId, zoe, massage),
      performs(businessId, zoe, retired),
      performs(businessId, retiredStaff, onlyRetiredStaff),
      // An add-on someone performs is still offered only with its service.
      performs(businessId, zoe, wash),
      performs(other.id, otherStaff, otherCut),
      // Rows that point across businesses (the API never writes them) still show nothing of the other business.
      performs(businessId, otherStaff, cut),
    ],
  });
  await prisma.serviceAddOn.createMany({
    data: [
      { serviceId: cut, addOnId: wash },
      { serviceId: cut, addOnId: eclat },
      { serviceId: cut, addOnId: beard },
      { serviceId: cut, addOnId: scalp },
      { serviceId: cut, addOnId: gloss },
      { serviceId: otherCut, addOnId: otherAddOn },
      { serviceId: cut, addOnId: otherAddOn },
    ],
  });

  const hours = (owner: string, staffId: string, weekday: number, startMinute: number, endMinute: number) => ({ businessId: owner, staffId, weekday, startMinute, endMinute });
  await prisma.workingHours.createMany({
    data: [
      hours(businessId, zoe, 1, 540, 780),
      hours(businessId, zoe, 1, 840, 1080),
      hours(businessId, zoe, 2, 600, 900),
      hours(businessId, bea, 3, 1320, 1560),
      hours(businessId, ana, 5, 480, 720),
      hours(businessId, retiredStaff, 1, 540, 1080),
      hours(other.id, otherStaff, 1, 540, 1080),
    ],
  });

  const override = (owner: string, staffId: string | null, date: string, range: [number, number] | 'closed') => ({
    businessId: owner,
    staffId,
    date: new Date(`${date}T00:00:00Z`),
    isClosed: range === 'closed',
    startMinute: range === 'closed' ? null : range[0],
    endMinute: range === 'closed' ? null : range[1],
  });
  await prisma.dateOverride.createMany({
    data: [
      // Before the 29th (two local days back): left out, although the 28th is only two UTC days back.
      override(businessId, null, '2026-03-20', 'closed'),
      override(businessId, null, '2026-03-28', 'closed'),
      override(businessId, zoe, '2026-03-28', [600, 700]),
      override(businessId, null, '2026-03-29', [600, 840]),
      override(businessId, zoe, '2026-03-29', 'closed'),
      override(businessId, zoe, '2026-04-02', [600, 720]),
      override(businessId, zoe, '2026-04-02', [900, 1020]),
      override(businessId, null, '2026-04-03', 'closed'),
      override(businessId, retiredStaff, '2026-04-03', 'closed'),
      override(other.id, null, '2026-04-01', 'closed'),
      override(other.id, otherStaff, '2026-04-01', 'closed'),
    ],
  });

  return { business: businessId, cut, colour, massage, wash, eclat, beard, scalp, zoe, bea, ana, alvaro };
}
