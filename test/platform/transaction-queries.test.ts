/**
 * No "Calling client.query() when the client is already executing a query" deprecation from pg:
 * queries Prisma runs side by side inside one interactive transaction (the relations of one
 * `include`) reach the transaction's connection one at a time. Run in a child process, because
 * Node prints a deprecation once per process, to the real process's stderr.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { setupDemo } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('queries inside one transaction', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    await setupDemo(db.prisma);
  });
  afterAll(async () => db.drop());

  it('reads several relations and books inside transactions without a pg deprecation warning', async () => {
    const script = path.join(__dirname, 'transaction-queries-run.ts');
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, DATABASE_URL: db.url, NODE_OPTIONS: '' },
      cwd: path.join(__dirname, '..', '..'),
    });
    expect(stdout.trim()).toBe('relations true booked true');
    expect(stderr).not.toContain('DeprecationWarning');
  });
});
