/**
 * Several app processes (web, workers) start against one database at the same moment; each
 * installs the job queue's schema. None of them may fail because another is doing the same.
 */
import { addJobInTransaction, migrateJobQueue } from '../../src/jobs';
import { poolOf } from '../../src/platform/database';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('job queue setup', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    // An empty database, as on a first deployment.
    db = await createTestDatabase({ template: null });
  });
  afterAll(async () => {
    await db.drop();
  });

  it('succeeds for processes that start at once, and leaves add_job working', async () => {
    await Promise.all(Array.from({ length: 4 }, () => migrateJobQueue(db.url)));

    await addJobInTransaction(poolOf(db.prisma), 'setup_check', { ok: true }, { maxAttempts: 3 });
    const jobs = await db.prisma.$queryRaw<Array<{ task_identifier: string; max_attempts: number }>>`SELECT task_identifier, max_attempts FROM graphile_worker.jobs`;
    expect(jobs).toEqual([{ task_identifier: 'setup_check', max_attempts: 3 }]);
  });
});
