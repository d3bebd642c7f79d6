/**
 * The Flows endpoint reads busy times and tokens live: what a customer would notice is that a time
 * taken by another process (a booking, another customer's hold, a staff member's external
 * calendar) is not offered in the very next answer, a token used elsewhere is refused at once,
 * and an edited schedule shows at once unless a catalog cache was chosen (FLOWS_CATALOG_CACHE_SECONDS).
 */
import { createBookingService } from '../../src/booking';
import { createFlowAvailability } from '../../src/flows/flow-availability';
import { createFixedClock, poolOf } from '../../src/platform';
import { addLocalDays, toLocalDate } from '../../src/scheduling';
import { nextMondayMorning } from '../support/channel-harness';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { exchange, init, issueToken, postFlow, startFlowApp } from './flow-kit';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('Flows endpoint: busy times, tokens and schedules read live', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let flow: ReturnType<typeof startFlowApp>;
  const now = nextMondayMorning(new Date('2026-06-01T00:00:00Z'));
  const today = toLocalDate(now, 'Europe/Madrid');

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    flow = startFlowApp(db, now);
  });
  afterAll(async () => db.drop());

  const newCustomerToken = async () => {
    const [customerId] = await demo.createCustomers(1);
    return { customerId: customerId!, token: await issueToken(db, { businessId: demo.businessId, customerId: customerId!, now }) };
  };
  const newToken = async () => (await newCustomerToken()).token;
  /** The times the endpoint offers for Ana on `date` to the holder of `token`. */
  const anaTimes = async (token: string, date: string): Promise<string[]> => {
    const answer = await postFlow(flow.app, exchange(token, 'DATE', { screen_action: 'choose_date', date, service_id: demo.services.consultation, staff_id: demo.staff.ana }));
    expect([answer.status, answer.body.screen]).toEqual([200, 'TIME']);
    return (answer.body.data as Json).times.map((time: Json) => time.id as string);
  };
  /** Another process's booking service: it writes through its own transactions, as any other app instance would. */
  const elsewhere = () => createBookingService({ prisma: db.prisma, clock: createFixedClock(now) });

  it('does not offer, in its next answer, a time another process booked', async () => {
    const token = await newToken();
    const date = addLocalDays(today, 2);
    const wanted = (await anaTimes(token, date))[3]!;
    const [customerId] = await demo.createCustomers(1);
    const booked = await elsewhere().confirmSlot({ businessId: demo.businessId, customerId: customerId!, serviceId: demo.services.consultation, staffId: demo.staff.ana, start: new Date(wanted), source: 'api', actor: 'test' });
    expect(booked.ok).toBe(true);
    expect(await anaTimes(token, date)).not.toContain(wanted);
  });

  it('does not offer, in its next answer, a time another customer holds through another process', async () => {
    const token = await newToken();
    const date = addLocalDays(today, 3);
    const wanted = (await anaTimes(token, date))[4]!;
    const [holder] = await demo.createCustomers(1);
    const held = await elsewhere().placeHold({ businessId: demo.businessId, customerId: holder!, serviceId: demo.services.consultation, staffId: demo.staff.ana, start: new Date(wanted) });
    expect(held.ok).toBe(true);
    expect(await anaTimes(token, date)).not.toContain(wanted);
  });

  it('does not offer, in its next answer, a time blocked by an imported external calendar event', async () => {
    const token = await newToken();
    const date = addLocalDays(today, 4);
    const wanted = (await anaTimes(token, date))[5]!;
    const calendar = await db.prisma.externalCalendar.create({ data: { businessId: demo.businessId, staffId: demo.staff.ana, name: 'Ana private', urlEncrypted: 'v1:x:y:z', urlHost: 'calendar.example.com' } });
    await db.prisma.externalBusyBlock.create({ data: { businessId: demo.businessId, staffId: demo.staff.ana, calendarId: calendar.id, startsAt: new Date(wanted), endsAt: new Date(new Date(wanted).getTime() + 30 * 60_000) } });
    expect(await anaTimes(token, date)).not.toContain(wanted);
  });

  it('refuses (427) a token another process marked used, on the very next step', async () => {
    const { token, customerId } = await newCustomerToken();
    const date = addLocalDays(today, 8);
    await anaTimes(token, date);
    await anaTimes(token, date);
    await db.prisma.flowToken.updateMany({ where: { customerId }, data: { usedAt: now } });
    const refused = { status: 427, body: { error_msg: 'This form has expired. Please ask for a new one in the chat.' } };
    expect(await postFlow(flow.app, exchange(token, 'DATE', { screen_action: 'choose_date', date, service_id: demo.services.consultation, staff_id: demo.staff.ana }))).toEqual(refused);
    expect(await postFlow(flow.app, init(token))).toEqual(refused);
  });

  /** The dates Ana is closed on, as `availability`'s catalog shows them. */
  const closedDates = async (availability: ReturnType<typeof createFlowAvailability>) => {
    const catalog = (await availability.loadCatalog(demo.businessId, now))!;
    const service = catalog.services.find((s) => s.id === demo.services.consultation)!;
    return service.schedules.find((schedule) => schedule.staffId === demo.staff.ana)!.overrides.filter((o) => o.isClosed).map((o) => o.date);
  };
  const closeAna = (date: string) => db.prisma.dateOverride.create({ data: { businessId: demo.businessId, staffId: demo.staff.ana, date: new Date(`${date}T00:00:00Z`), isClosed: true } });

  it('shows a day closed elsewhere in the next answer by default', async () => {
    const availability = createFlowAvailability({ db: db.prisma, liveReads: poolOf(db.prisma) });
    const before = await closedDates(availability);
    const closed = addLocalDays(today, 9);
    await closeAna(closed);
    expect((await closedDates(availability)).sort()).toEqual([...before, closed].sort());
  });

  it('with a catalog cache, shows a day closed elsewhere once the cache time is over, not before', async () => {
    let monotonic = 0;
    const availability = createFlowAvailability({ db: db.prisma, liveReads: poolOf(db.prisma), catalogTtlMs: 5_000, monotonicMs: () => monotonic });
    const before = await closedDates(availability);
    const closed = addLocalDays(today, 10);
    await closeAna(closed);
    monotonic = 4_999;
    expect(await closedDates(availability)).toEqual(before);
    monotonic = 5_000;
    expect((await closedDates(availability)).sort()).toEqual([...before, closed].sort());
  });
});
