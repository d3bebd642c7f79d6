/**
 * Several app processes (web, workers) start against one database at the same moment; each
 * installs the job queue's schema. None of them may fail because another is doing the same.
 */
import { installAddJobWithoutNotify, migrateJobQueue } from '../../src/jobs';
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

  it('succeeds for processes that start at once, and leaves add_job_without_notify working', async () => {
    await Promise.all(Array.from({ length: 4 }, () => migrateJobQueue(db.url)));
    // The part of ours, raced on its own (graphile's migrations before it spread the starts out).
    await db.prisma.$executeRawUnsafe('DROP SCHEMA tapbook_jobs CASCADE');
    await Promise.all(Array.from({ length: 8 }, () => installAddJobWithoutNotify(db.url)));

    const [row] = await db.prisma.$queryRaw<Array<{ id: bigint }>>`SELECT tapbook_jobs.add_job_without_notify('setup_check', '{"ok":true}'::json, 3) AS id`;
    const jobs = await db.prisma.$queryRaw<Array<{ identifier: string; max_attempts: number }>>`
      SELECT t.identifier, j.max_attempts FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE j.id = ${row!.id}`;
    expect(jobs).toEqual([{ identifier: 'setup_check', max_attempts: 3 }]);
  });
});
