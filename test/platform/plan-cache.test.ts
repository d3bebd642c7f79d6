/**
 * The hot paths' prepared statements may be run on a generic plan (PostgreSQL switches to one after
 * a few runs when it looks no dearer), and such a plan, even made while the tables were empty,
 * reads the growing tables by their keys (database.ts: the SSD cost model); the app's pool honours
 * the options a DATABASE_URL sets.
 */
import { STEP_WRITES_SQL } from '../../src/conversation/conversation-repository';
import { createPrismaClient, disconnectPrisma, poolOf } from '../../src/platform';
import { APPLY_STATUSES_SQL } from '../../src/whatsapp/inbox-repository';
import { ACCEPT_SQL } from '../../src/whatsapp/outbox-recovery';
import { CLAIM_SQL } from '../../src/whatsapp/send-gate';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('app pool: prepared statements and their plans', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 2 });
  });
  afterAll(async () => db.drop());

  // A kept plan made while the inbox and outbox were empty (a new install, the start of a load) is
  // used while they grow to thousands of rows: a scan of them there costs a whole table per call.
  // This test database was cloned from the migrated template: its tables are empty and were never vacuumed.
  it.each([
    ['the step’s save', 'inbox_messages', STEP_WRITES_SQL],
    ['the send gate’s claim', 'outbox_messages', CLAIM_SQL],
    ['the delivery statuses’ update', 'outbox_messages', APPLY_STATUSES_SQL],
    ['the save of an accepted send', 'outbox_messages', ACCEPT_SQL],
    ['the save of an accepted send (statuses that overtook it)', 'unmatched_statuses', ACCEPT_SQL],
  ])('plans %s on empty tables with a read of %s by its index, never a scan of it', async (_label, table, statement) => {
    const { rows } = await poolOf(db.prisma).query<{ 'QUERY PLAN': string }>(`EXPLAIN (GENERIC_PLAN) ${statement.text}`);
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).toMatch(new RegExp(`Index (Only )?Scan (using \\w+ )?on ${table}|Bitmap Heap Scan on ${table}`));
    expect(plan).not.toMatch(new RegExp(`Seq Scan on ${table}`));
  });

  it('gives Prisma’s own connections the SSD cost model', async () => {
    const rows = await db.prisma.$queryRawUnsafe<Array<{ cost: string }>>(`SELECT current_setting('random_page_cost') AS cost`);
    expect(rows).toEqual([{ cost: '1.1' }]);
  });

  it('keeps the options a DATABASE_URL sets for itself and adds the SSD cost model to them', async () => {
    const url = new URL(db.url);
    url.searchParams.set('options', '-c statement_timeout=4321');
    const prisma = createPrismaClient({ url: url.toString(), poolSize: 1 });
    try {
      const { rows } = await poolOf(prisma).query<{ timeout: string; cost: string }>(`SELECT current_setting('statement_timeout') AS timeout, current_setting('random_page_cost') AS cost`);
      expect(rows).toEqual([{ timeout: '4321ms', cost: '1.1' }]);
    } finally {
      await disconnectPrisma(prisma);
    }
  });
});
