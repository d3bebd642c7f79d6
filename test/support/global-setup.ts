/**
 * Jest global setup: one embedded PostgreSQL for the whole run (never a shared or preinstalled
 * server) in a fresh temporary folder, with a migrated template database that every test file
 * clones into a database of its own.
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


export default async function globalSetup(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapbook-test-pg-'));
  // The embedded server runs as an unprivileged user when we are root: let it into the folder.
  fs.chmodSync(dataDir, 0o777);
  const port = await findFreePort();
  const db = await startEmbeddedDatabase({ dataDir: path.join(dataDir, 'data'), port });
  await ensureDatabaseExists(db.adminUrl, TEMPLATE_DATABASE);
  await applyMigrations(db.urlFor(TEMPLATE_DATABASE));
  // Booking changes enqueue jobs in their own transaction, as in production (main.ts installs it).
  await migrateJobQueue(db.urlFor(TEMPLATE_DATABASE));
  process.env.TAPBOOK_TEST_PG_ADMIN_URL = db.adminUrl;
  (globalThis as Record<string, unknown>).__TAPBOOK_TEST_DB__ = { db, dataDir };
}
