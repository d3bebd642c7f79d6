/**
 * Two writers of one staff member's time never wait on each other inside the exclusion constraint
 * (where PostgreSQL found them deadlocked): the second waits on the staff time's lock outside its
 * transaction, then answers "taken" with alternatives once the first commits.
 */
import { toApiHttpError } from '../../src/api/api-error';
import { createBookingService, TransactionRetriesExhausted } from '../../src/booking';
import { createFixedClock } from '../../src/platform/clock';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitUntil } from '../support/wait-until';

const NOW = '2026-03-30T06:00:00.000Z';
const START = new Date('2026-03-31T07:00:00Z');

describe('the staff-time lock', () => {
  let db: TestDatabase;
  let demo: DemoHandles;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 6 });
    demo = await setupDemo(db.prisma);
  });
  afterAll(async () => db.drop());

  it('a confirm meeting another one mid-write waits for it outside its transaction, then answers "taken" with alternatives', async () => {
    const [first, second] = await demo.createCustomers(2, '3464100');
    const bookings = createBookingService({ prisma: db.prisma, clock: createFixedClock(NOW) });
    const confirm = (customerId: string) => ({
      businessId: demo.businessId, customerId, serviceId: demo.services.consultation, staffId: demo.staff.ana, start: START, source: 'api' as const, actor: 'test',
    });
    // The first confirm has written its booking and not committed yet.
    let commitFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (commitFirst = resolve));
    let firstWrote!: () => void;
    const firstHasWritten = new Promise<void>((resolve) => (firstWrote = resolve));
    const firstDone = db.prisma.$transaction(
      async (tx) => {
        const result = await bookings.inTransaction(tx).confirmSlot(confirm(first!));
        firstWrote();
        await firstMayCommit;
        return result;
      },
      { isolationLevel: 'Serializable', timeout: 60_000 },
    );
    await firstHasWritten;

    const secondDone = bookings.confirmSlot(confirm(second!));
    // The second waits on the advisory lock, in no transaction: not on the first's row inside INSERT INTO bookings.
    await waitUntil(async () => (await waitingBackends()).some((b) => b.waitEvent === 'advisory' && b.xid === null), 'the second confirm waits on the staff time\'s lock', 20_000);
    expect((await waitingBackends()).filter((b) => /insert/i.test(b.query))).toEqual([]);

    commitFirst();
    expect((await firstDone).ok).toBe(true);
    const answer = await secondDone;
    expect(answer.ok).toBe(false);
    expect(!answer.ok && answer.alternatives.length).toBeGreaterThan(0);
    expect(await db.prisma.booking.count({ where: { staffId: demo.staff.ana, startsAt: START } })).toBe(1);
  });

  it('retries that ran out of time answer the API 503 "busy" with Retry-After, not 500', () => {
    const shape = toApiHttpError(new TransactionRetriesExhausted('The transaction kept conflicting with others for 10000 ms; nothing was written. Try again.', 3));
    expect([shape.status, shape.code, shape.headers]).toEqual([503, 'busy', { 'retry-after': '1' }]);
    expect(shape.message).toMatch(/Try again/);
  });

  /** Backends of this database waiting on a lock: what they run, on which lock, and whether inside a transaction that wrote. */
  async function waitingBackends() {
    return db.prisma.$queryRaw<Array<{ query: string; waitEvent: string; xid: string | null }>>`
      SELECT query, wait_event AS "waitEvent", backend_xid::text AS xid FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`;
  }
});
