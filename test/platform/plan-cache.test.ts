/**
 * Every connection of the app's pool keeps one generic plan per prepared statement
 * (database.ts says why: re-planning the hot statements was ~a quarter of the database's time),
 * and those kept plans read the growing tables by their keys even when made on empty tables.
 */
import { STEP_WRITES_SQL } from '../../src/conversation/conversation-repository';
import { createPrismaClient, disconnectPrisma, poolOf } from '../../src/platform';
import { APPLY_STATUSES_SQL } from '../../src/whatsapp/inbox-repository';
import { ACCEPT_SQL } from '../../src/whatsapp/outbox-recovery';
import { CLAIM_SQL } from '../../src/whatsapp/send-gate-claims';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('app pool: prepared statements are planned once per connection', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 2 });
  });
  afterAll(async () => db.drop());

  it('runs a named statement with an array parameter ten times on one plan, never re-planned for its values', async () => {
    const client = await poolOf(db.prisma).connect();
    try {
      // By default PostgreSQL plans the first five runs for their values and then compares costs; with
      // an array parameter (the claim's shape) a custom plan knows the array's length, a generic one
      // guesses ten rows, and the claim kept being re-planned. The arrays' lengths vary here as there.
      for (let length = 1; length <= 10; length += 1) {
        const ids = Array.from({ length }, (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`);
        await client.query({
          name: 'plan-cache-probe',
          text: 'SELECT o.id FROM unnest($1::uuid[]) AS i(id) JOIN outbox_messages o ON o.id = i.id',
          values: [ids],
        });
      }
      const { rows } = await client.query<{ generic_plans: string; custom_plans: string }>(
        `SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'plan-cache-probe'`,
      );
      expect(rows).toEqual([{ generic_plans: '10', custom_plans: '0' }]);
    } finally {
      client.release();
    }
  });

  it('gives Prisma’s own connections the same settings', async () => {
    const rows = await db.prisma.$queryRawUnsafe<Array<{ mode: string; cost: string }>>(
      `SELECT current_setting('plan_cache_mode') AS mode, current_setting('random_page_cost') AS cost`,
    );
    expect(rows).toEqual([{ mode: 'force_generic_plan', cost: '1.1' }]);
  });

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

  it('keeps the options a DATABASE_URL sets for itself and adds the planner settings to them', async () => {
    const url = new URL(db.url);
    url.searchParams.set('options', '-c statement_timeout=4321');
    const prisma = createPrismaClient({ url: url.toString(), poolSize: 1 });
    try {
      const { rows } = await poolOf(prisma).query<{ timeout: string; mode: string; cost: string }>(
        `SELECT current_setting('statement_timeout') AS timeout, current_setting('plan_cache_mode') AS mode, current_setting('random_page_cost') AS cost`,
      );
      expect(rows).toEqual([{ timeout: '4321ms', mode: 'force_generic_plan', cost: '1.1' }]);
    } finally {
      await disconnectPrisma(prisma);
    }
  });
});
