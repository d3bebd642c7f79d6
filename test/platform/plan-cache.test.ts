/**
 * Every connection of the app's pool keeps one generic plan per prepared statement
 * (database.ts says why: re-planning the hot statements was ~a quarter of the database's time).
 */
import { createPrismaClient, disconnectPrisma, poolOf } from '../../src/platform';
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

  it('gives Prisma’s own connections the same setting', async () => {
    const rows = await db.prisma.$queryRawUnsafe<Array<{ plan_cache_mode: string }>>('SHOW plan_cache_mode');
    expect(rows).toEqual([{ plan_cache_mode: 'force_generic_plan' }]);
  });

  it('keeps the options a DATABASE_URL sets for itself and adds the plan setting to them', async () => {
    const url = new URL(db.url);
    url.searchParams.set('options', '-c statement_timeout=4321');
    const prisma = createPrismaClient({ url: url.toString(), poolSize: 1 });
    try {
      const { rows } = await poolOf(prisma).query<{ timeout: string; mode: string }>(
        `SELECT current_setting('statement_timeout') AS timeout, current_setting('plan_cache_mode') AS mode`,
      );
      expect(rows).toEqual([{ timeout: '4321ms', mode: 'force_generic_plan' }]);
    } finally {
      await disconnectPrisma(prisma);
    }
  });
});
