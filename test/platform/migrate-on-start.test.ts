/**
 * MIGRATE_ON_START: with the embedded database (and when set to true) a start applies pending
 * migrations; against DATABASE_URL it is off by default, and a start on a schema older than the
 * code refuses with the pending migrations named and `npm run db:migrate` as the fix.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/platform/config';
import { applyMigrations, findPendingMigrations, MIGRATIONS_DIR, readMigrationsList } from '../../src/platform/migrations';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { findFreePort } from '../support/free-port';
import { runDbMigrate, runRefusedStart, startApp } from '../support/app-process';

jest.setTimeout(240_000);

const ALL_MIGRATIONS = readMigrationsList().migrationDirectories.map((directory) => directory.path);
const LAST_MIGRATION = ALL_MIGRATIONS[ALL_MIGRATIONS.length - 1]!;

/** A copy of prisma/migrations without its newest migration: the schema of the previous release. */
function previousReleaseMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapbook-migrations-'));
  fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  fs.rmSync(path.join(dir, LAST_MIGRATION), { recursive: true });
  return dir;
}

describe('MIGRATE_ON_START (config)', () => {
  it('is on with the embedded database and off with DATABASE_URL unless set', () => {
    const url = 'postgresql://tapbook:secret@127.0.0.1:5432/tapbook';
    expect(loadConfig({}).database.migrateOnStart).toBe(true);
    expect(loadConfig({ DATABASE_URL: url }).database.migrateOnStart).toBe(false);
    expect(loadConfig({ DATABASE_URL: url, MIGRATE_ON_START: 'true' }).database.migrateOnStart).toBe(true);
    expect(loadConfig({ MIGRATE_ON_START: 'false' }).database.migrateOnStart).toBe(false);
    expect(() => loadConfig({ MIGRATE_ON_START: 'yes' })).toThrow(/MIGRATE_ON_START/);
  });
});

describe('findPendingMigrations', () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });

  it('names every migration on an empty database, none on a migrated one, and the newest on the previous release', async () => {
    const empty = await createTestDatabase({ template: null });
    databases.push(empty);
    expect(await findPendingMigrations(empty.url)).toEqual(ALL_MIGRATIONS);

    const migrated = await createTestDatabase();
    databases.push(migrated);
    expect(await findPendingMigrations(migrated.url)).toEqual([]);

    const previous = await createTestDatabase({ template: null });
    databases.push(previous);
    const dir = previousReleaseMigrations();
    try {
      await applyMigrations(previous.url, dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(await findPendingMigrations(previous.url)).toEqual([LAST_MIGRATION]);
  });
});

describe('npm start against DATABASE_URL', () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });

  it('refuses a schema older than the code, naming the migration and `npm run db:migrate`; starts once that ran', async () => {
    const db = await createTestDatabase({ template: null });
    databases.push(db);
    const dir = previousReleaseMigrations();
    try {
      await applyMigrations(db.url, dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const env = { DATABASE_URL: db.url, PROCESS_ROLE: 'web', HOST: '127.0.0.1', PORT: String(await findFreePort()), SEED_DEMO: 'false' };

    const refused = await runRefusedStart(env);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(
      `Tapbook could not start: the database is missing 1 migration this code needs (${LAST_MIGRATION}). Run \`npm run db:migrate\` with the same environment, then start again`,
    );
    // Refusing changed nothing: the migration is still pending.
    expect(await findPendingMigrations(db.url)).toEqual([LAST_MIGRATION]);

    // MIGRATE_ON_START=false says the same with the embedded default overridden explicitly.
    const explicit = await runRefusedStart({ ...env, MIGRATE_ON_START: 'false' });
    expect(explicit.code).toBe(1);
    expect(explicit.stderr).toContain(`(${LAST_MIGRATION}). Run \`npm run db:migrate\``);

    const migrate = await runDbMigrate({ DATABASE_URL: db.url });
    expect(migrate.code).toBe(0);
    expect(migrate.stdout.trim()).toBe(`Applied: ${LAST_MIGRATION}`);

    const app = await startApp(env);
    try {
      const health = await fetch(`${app.baseUrl}/health`);
      expect(health.status).toBe(200);
    } finally {
      expect(await app.stop()).toBe(0);
    }
  });

  it('applies every pending migration at start with MIGRATE_ON_START=true', async () => {
    const db = await createTestDatabase({ template: null });
    databases.push(db);
    const app = await startApp({ DATABASE_URL: db.url, MIGRATE_ON_START: 'true', PROCESS_ROLE: 'web', HOST: '127.0.0.1', PORT: String(await findFreePort()) });
    try {
      expect(await findPendingMigrations(db.url)).toEqual([]);
      const health = await fetch(`${app.baseUrl}/health`);
      expect(health.status).toBe(200);
    } finally {
      expect(await app.stop()).toBe(0);
    }
  });
});
