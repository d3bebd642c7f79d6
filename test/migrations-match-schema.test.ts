/**
 * prisma/migrations and prisma/schema.prisma must describe the same database: a schema change
 * without a migration (or a hand-edited migration that drifts) fails here.
 */
import fs from 'node:fs';
import { Client } from 'pg';
import { applyMigrations, diffSchemas, SCHEMA_PATH } from '../src/platform/migrations';
import { readSchemaSnapshot } from './support/schema-snapshot';
import { createTestDatabase, type TestDatabase } from './support/test-database';

// Objects that only raw SQL in the migrations can create; schema.prisma cannot express them.
const RAW_SQL_ONLY = [
  /^extension btree_gist$/,
  /^constraint \w+\.\w+_check c /,
  /^constraint bookings\.bookings_no_overlap_per_staff x /,
  /^index bookings\.bookings_no_overlap_per_staff /,
  /^index outbox_messages\.outbox_messages_unsent /,
  /^index \w+\.\w+_covering .* INCLUDE \(/,
  /^trigger conversations\.conversations_(insert|update)_notify_console_inbox /,
];

const isRawSqlOnly = (line: string) => RAW_SQL_ONLY.some((pattern) => pattern.test(line));

async function runSql(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('migrations and schema.prisma', () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => Promise.all(databases.map((db) => db.drop())));

  async function emptyDatabase(): Promise<TestDatabase> {
    const db = await createTestDatabase({ template: null });
    databases.push(db);
    return db;
  }

  it('all migrations produce the same schema as schema.prisma (raw-SQL extras aside)', async () => {
    const migrated = await emptyDatabase();
    const applied = await applyMigrations(migrated.url);
    expect(applied.length).toBeGreaterThan(0);

    const fromSchema = await emptyDatabase();
    const sql = await diffSchemas({ from: undefined, to: fs.readFileSync(SCHEMA_PATH, 'utf8'), url: fromSchema.url });
    await runSql(fromSchema.url, sql);

    const migratedLines = (await readSchemaSnapshot(migrated.url)).filter((line) => !isRawSqlOnly(line));
    const schemaLines = await readSchemaSnapshot(fromSchema.url);
    expect(migratedLines).toEqual(schemaLines);
  });

  it('the comparison notices a column that schema.prisma has and the migrations lack', async () => {
    const migrated = await emptyDatabase();
    await applyMigrations(migrated.url);
    const fromSchema = await emptyDatabase();
    const changedSchema = fs
      .readFileSync(SCHEMA_PATH, 'utf8')
      .replace('model Location {', 'model Location {\n  phone String? @db.VarChar(20)');
    await runSql(fromSchema.url, await diffSchemas({ from: undefined, to: changedSchema, url: fromSchema.url }));

    const migratedLines = (await readSchemaSnapshot(migrated.url)).filter((line) => !isRawSqlOnly(line));
    expect(migratedLines).not.toEqual(await readSchemaSnapshot(fromSchema.url));
  });

  it('the raw SQL objects really exist after migrating', async () => {
    const migrated = await emptyDatabase();
    await applyMigrations(migrated.url);
    const lines = await readSchemaSnapshot(migrated.url);
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^constraint bookings\.bookings_no_overlap_per_staff x EXCLUDE USING gist/)]));
    expect(lines).toContain('extension btree_gist');
    // Nothing listens for busy or catalog changes any more (the Flows endpoint reads live): their triggers are gone.
    expect(lines.filter((line) => /_notify_(busy|catalog)_changed /.test(line))).toEqual([]);
  });

  it('applying the migrations twice is a no-op the second time', async () => {
    const migrated = await emptyDatabase();
    await applyMigrations(migrated.url);
    expect(await applyMigrations(migrated.url)).toEqual([]);
  });
});
