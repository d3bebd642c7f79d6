/**
 * Jest global setup: one PostgreSQL server for the whole run with a migrated template database
 * that every test file clones into a database of its own. `npm test`: an embedded PostgreSQL
 * (never a shared or preinstalled server) in a fresh temporary folder. `npm run test:postgres`
 * (TAPBOOK_TEST_POSTGRES=system): the operating system's PostgreSQL, started the same way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase } from '../../src/platform/embedded-database';
import { ensureDatabaseExists } from '../../src/platform/database-bootstrap';
import { applyMigrations } from '../../src/platform/migrations';
import { migrateJobQueue } from '../../src/jobs';
import { TEMPLATE_DATABASE } from './test-database';
import { findFreePort } from './free-port';
import { startSystemPostgres } from './system-postgres';

/** What the teardown stops: the embedded server and its folder, or the system server. */
export interface TestServerState {
  stop(): Promise<void>;
}

async function startServer(): Promise<{ adminUrl: string; templateUrl: string; state: TestServerState }> {
  if (process.env.TAPBOOK_TEST_POSTGRES === 'system') {
    const server = await startSystemPostgres();
    // Test files and the deployment scenario find the server's own pg_dump / pg_restore here.
    process.env.TAPBOOK_TEST_PG_BIN = server.binDir;
    const templateUrl = new URL(server.adminUrl);
    templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
    return { adminUrl: server.adminUrl, templateUrl: templateUrl.toString(), state: { stop: async () => server.stop() } };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapbook-test-pg-'));
  // The embedded server runs as an unprivileged user when we are root: let it into the folder.
  fs.chmodSync(dataDir, 0o777);
  const port = await findFreePort();
  const db = await startEmbeddedDatabase({ dataDir: path.join(dataDir, 'data'), port });
  const stop = async () => {
    await db.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { adminUrl: db.adminUrl, templateUrl: db.urlFor(TEMPLATE_DATABASE), state: { stop } };
}

export default async function globalSetup(): Promise<void> {
  const { adminUrl, templateUrl, state } = await startServer();
  (globalThis as Record<string, unknown>).__TAPBOOK_TEST_DB__ = state;
  await ensureDatabaseExists(adminUrl, TEMPLATE_DATABASE);
  await applyMigrations(templateUrl);
  // Booking changes enqueue jobs in their own transaction, as in production (main.ts installs it).
  await migrateJobQueue(templateUrl);
  process.env.TAPBOOK_TEST_PG_ADMIN_URL = adminUrl;
}
