/**
 * The Flows endpoint keeps each business's busy times in memory and drops its copy when PostgreSQL
 * notifies a change (src/flows/busy-change-listener.ts). What a customer would notice: a time
 * taken by another process (a booking, another customer's hold, a staff member's external
 * calendar) stops being offered within moments, never stays offered after the listener lost its
 * connection, and a used token is refused; an edited schedule shows at once. Waits poll, bounded; nothing sleeps.
 */
import { createBookingService } from '../../src/booking';
import { BUSY_CHANGED_CHANNEL, BUSY_LISTENER_APPLICATION_NAME, busyChangeListenerOf, createBusyChangeListener, type BusyChangeListener } from '../../src/flows/busy-change-listener';
import { createFlowAvailability } from '../../src/flows/flow-availability';
import { createFixedClock, poolOf } from '../../src/platform';
import { addLocalDays, localDayRange, toLocalDate } from '../../src/scheduling';
import { nextMondayMorning } from '../support/channel-harness';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { afterBusyChange, exchange, init, issueToken, postFlow, startFlowApp, waitUntil } from './flow-kit';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Terminates the backends of the test database whose connection carries `applicationName`; returns how many. */
async function cutConnectionsOf(db: TestDatabase, applicationName: string): Promise<number> {
  // Materialized first: in a plain WHERE the planner may call pg_terminate_backend on rows of other connections.
  const rows = await db.prisma.$queryRaw<Array<{ pid: number }>>`
    WITH target AS MATERIALIZED (SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = ${applicationName})
    SELECT pid FROM target WHERE pg_terminate_backend(pid)`;
  return rows.length;
}

describe('Flows endpoint: busy times cached per business, kept live by PostgreSQL notifications', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let flow: ReturnType<typeof startFlowApp>;
  let listener: BusyChangeListener;
  const now = nextMondayMorning(new Date('2026-06-01T00:00:00Z'));
  const today = toLocalDate(now, 'Europe/Madrid');

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    flow = startFlowApp(db, now);
    listener = busyChangeListenerOf(db.prisma);
    // The endpoint opens its listening connection on its first request.
    await postFlow(flow.app, { version: '3.0', action: 'ping' });
    await listener.waitUntilListening();
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
  const untilNotOffered = (token: string, date: string, time: string) =>
    waitUntil(async () => !(await anaTimes(token, date)).includes(time), `${time} is no longer offered on ${date}`);
  /** Another process's booking service: it writes through its own transactions, as any other app instance would. */
  const elsewhere = () => createBookingService({ prisma: db.prisma, clock: createFixedClock(now) });
  const bookAna = async (start: string) => {
    const [customerId] = await demo.createCustomers(1);
    const booked = await elsewhere().confirmSlot({ businessId: demo.businessId, customerId: customerId!, serviceId: demo.services.consultation, staffId: demo.staff.ana, start: new Date(start), source: 'api', actor: 'test' });
    expect(booked.ok).toBe(true);
  };
  const createAnaCalendar = () =>
    db.prisma.externalCalendar.create({ data: { businessId: demo.businessId, staffId: demo.staff.ana, name: 'Ana private', urlEncrypted: 'v1:x:y:z', urlHost: 'calendar.example.com' } });

  it('answers from its copy: a change PostgreSQL does not report stays unseen, the same change reported is seen', async () => {
    const token = await newToken();
    const date = addLocalDays(today, 1);
    const wanted = (await anaTimes(token, date))[2]!;
    const calendar = await createAnaCalendar();
    // Triggers off for this one transaction: the write is real but nobody is told (what no app write can do).
    const [, block] = await db.prisma.$transaction([
      db.prisma.$executeRaw`SET LOCAL session_replication_role = replica`,
      db.prisma.externalBusyBlock.create({ data: { businessId: demo.businessId, staffId: demo.staff.ana, calendarId: calendar.id, startsAt: new Date(wanted), endsAt: new Date(new Date(wanted).getTime() + 30 * 60_000) } }),
    ]);
    expect(await anaTimes(token, date)).toContain(wanted);
    await db.prisma.externalBusyBlock.update({ where: { id: block.id }, data: { endsAt: new Date(new Date(wanted).getTime() + 45 * 60_000) } });
    await untilNotOffered(token, date, wanted);
  });

  it('stops offering a time another process booked', async () => {
    const token = await newToken();
    const date = addLocalDays(today, 2);
    const wanted = (await anaTimes(token, date))[3]!;
    await bookAna(wanted);
    await untilNotOffered(token, date, wanted);
  });

  it('stops offering a time another customer holds through another process', async () => {
    const token = await newToken();
    const date = addLocalDays(today, 3);
    const wanted = (await anaTimes(token, date))[4]!;
    const [holder] = await demo.createCustomers(1);
    const held = await elsewhere().placeHold({ businessId: demo.businessId, customerId: holder!, serviceId: demo.services.consultation, staffId: demo.staff.ana, start: new Date(wanted) });
    expect(held.ok).toBe(true);
    await untilNotOffered(token, date, wanted);
  });

  it('stops offering a time blocked by an imported external calendar event', async () => {
    const token = await newToken();
    const date = addLocalDays(today, 4);
    const wanted = (await anaTimes(token, date))[5]!;
    const calendar = await createAnaCalendar();
    await db.prisma.externalBusyBlock.create({ data: { businessId: demo.businessId, staffId: demo.staff.ana, calendarId: calendar.id, startsAt: new Date(wanted), endsAt: new Date(new Date(wanted).getTime() + 30 * 60_000) } });
    await untilNotOffered(token, date, wanted);
  });

  it('with its listening connection cut, never offers a time booked meanwhile, and listens again', async () => {
    const token = await newToken();
    const date = addLocalDays(today, 7);
    const [first, , second] = await anaTimes(token, date);
    const epoch = listener.epoch;
    expect(await cutConnectionsOf(db, BUSY_LISTENER_APPLICATION_NAME)).toBe(1);
    await waitUntil(() => listener.epoch !== epoch, 'the listener notices its connection is gone');
    await bookAna(first!);
    // No waiting: whether it is still reconnecting (live read) or back (a new epoch distrusts the old copy).
    expect(await anaTimes(token, date)).not.toContain(first);
    await listener.waitUntilListening();
    await bookAna(second!);
    await untilNotOffered(token, date, second!);
  });

  it('refuses (427) a token another process marked used, on the next read-only step after the notification', async () => {
    const { token, customerId } = await newCustomerToken();
    const date = addLocalDays(today, 8);
    // Seen twice: the second answer already trusts the cached token without asking the database.
    await anaTimes(token, date);
    await anaTimes(token, date);
    await afterBusyChange(db, demo.businessId, () => db.prisma.flowToken.updateMany({ where: { customerId }, data: { usedAt: now } }));
    const refused = { status: 427, body: { error_msg: 'This form has expired. Please ask for a new one in the chat.' } };
    expect(await postFlow(flow.app, exchange(token, 'DATE', { screen_action: 'choose_date', date, service_id: demo.services.consultation, staff_id: demo.staff.ana }))).toEqual(refused);
    expect(await postFlow(flow.app, init(token))).toEqual(refused);
  });

  it('keeps its catalog until PostgreSQL reports an edit: a day closed elsewhere shows at once, long before the catalog would expire', async () => {
    const availability = createFlowAvailability({ db: db.prisma, liveReads: poolOf(db.prisma), busyChanges: listener, ttlMs: 60 * 60_000 });
    const closedDates = async () => {
      const catalog = (await availability.loadCatalog(demo.businessId, now))!;
      const service = catalog.services.find((s) => s.id === demo.services.consultation)!;
      return service.schedules.find((schedule) => schedule.staffId === demo.staff.ana)!.overrides.filter((o) => o.isClosed).map((o) => o.date);
    };
    const [unreported, reported] = [addLocalDays(today, 9), addLocalDays(today, 10)];
    expect(await closedDates()).toEqual([]);
    // Triggers off for this one transaction: nobody is told, so the cached catalog stands.
    await db.prisma.$transaction([
      db.prisma.$executeRaw`SET LOCAL session_replication_role = replica`,
      db.prisma.dateOverride.create({ data: { businessId: demo.businessId, staffId: demo.staff.ana, date: new Date(`${unreported}T00:00:00Z`), isClosed: true } }),
    ]);
    expect(await closedDates()).toEqual([]);
    await db.prisma.dateOverride.create({ data: { businessId: demo.businessId, staffId: demo.staff.ana, date: new Date(`${reported}T00:00:00Z`), isClosed: true } });
    await waitUntil(async () => (await closedDates()).length > 0, 'the catalog is read again');
    expect((await closedDates()).sort()).toEqual([unreported, reported]);
  });
});

describe('Flow availability without a listening connection', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let own: BusyChangeListener;
  // Monday 2026-03-30 08:00 Madrid.
  const NOW = new Date('2026-03-30T06:00:00.000Z');
  const TUESDAY = localDayRange('2026-03-31', 'Europe/Madrid');

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    // Reconnects only after a minute: the test sees the state in between for as long as it needs.
    own = createBusyChangeListener({ connectionString: db.url, retry: { firstMs: 60_000, maxMs: 60_000 }, applicationName: 'test own listener' });
    own.start();
    await own.waitUntilListening();
  });
  afterAll(async () => {
    await own.close();
    await db.drop();
  });

  it('moves the generation of the notified business only', async () => {
    const other = '00000000-0000-4000-8000-000000000001';
    const [ours, theirs] = [own.generationOf(demo.businessId), own.generationOf(other)];
    await db.prisma.$executeRaw`SELECT pg_notify(${BUSY_CHANGED_CHANNEL}, ${other})`;
    await waitUntil(() => own.generationOf(other) !== theirs, 'the notification arrives');
    expect(own.generationOf(demo.businessId)).toBe(ours);
  });

  it('counts a server that stops answering as a lost connection (a network cut sends no goodbye), and listens again once it answers', async () => {
    const quick = createBusyChangeListener({ connectionString: db.url, retry: { firstMs: 50, maxMs: 200 }, heartbeat: { everyMs: 100, timeoutMs: 300 }, applicationName: 'test heartbeat listener' });
    try {
      quick.start();
      await quick.waitUntilListening();
      const [backend] = await db.prisma.$queryRaw<Array<{ pid: number }>>`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'test heartbeat listener'`;
      const epoch = quick.epoch;
      // A stopped backend keeps its socket open and silent, as a cut network would.
      process.kill(backend!.pid, 'SIGSTOP');
      try {
        await waitUntil(() => !quick.isListening, 'the heartbeat notices the silence');
        expect(quick.epoch).not.toBe(epoch);
      } finally {
        process.kill(backend!.pid, 'SIGCONT');
      }
      await quick.waitUntilListening();
    } finally {
      await quick.close();
    }
  });

  it('reads live while not listening: a booking made after the connection was lost is never offered', async () => {
    const availability = createFlowAvailability({ db: db.prisma, liveReads: poolOf(db.prisma), busyChanges: own });
    const catalog = (await availability.loadCatalog(demo.businessId, NOW))!;
    const service = catalog.services.find((s) => s.id === demo.services.consultation)!;
    const [viewer, booker] = await demo.createCustomers(2);
    const anaStarts = async () =>
      (await availability.findFreeSlots({ catalog, service, staffId: demo.staff.ana, from: TUESDAY.start, to: TUESDAY.end, now: NOW, exceptCustomerId: viewer! })).map((slot) => slot.start.toISOString());
    const wanted = (await anaStarts())[1]!;
    expect(await cutConnectionsOf(db, 'test own listener')).toBe(1);
    await waitUntil(() => !own.isListening, 'the listener notices its connection is gone');
    const booked = await createBookingService({ prisma: db.prisma, clock: createFixedClock(NOW) }).confirmSlot({
      businessId: demo.businessId, customerId: booker!, serviceId: demo.services.consultation, staffId: demo.staff.ana, start: new Date(wanted), source: 'api', actor: 'test',
    });
    expect(booked.ok).toBe(true);
    expect(own.isListening).toBe(false);
    expect(await anaStarts()).not.toContain(wanted);
  });
});
