/**
 * Prisma Migrate without Prisma's native schema engine (its download host is unreachable
 * here): the WebAssembly build of the same engine applies prisma/migrations and records them in
 * `_prisma_migrations` exactly like `prisma migrate deploy`, and diffs two schema.prisma texts
 * into the SQL of the next migration. Replacing this with `prisma migrate deploy` on a machine
 * with the native engine is a one-line change in `applyMigrations`' callers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { Client, Pool } from 'pg';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import { loadEsm } from './load-esm';

/** Where the committed schema and migrations live. */
export const PRISMA_DIR = path.resolve(__dirname, '..', '..', 'prisma');
/** The schema file every migration is checked against. */
export const SCHEMA_PATH = path.join(PRISMA_DIR, 'schema.prisma');
/** Prisma's own migrations folder layout: <timestamp>_<name>/migration.sql. */
export const MIGRATIONS_DIR = path.join(PRISMA_DIR, 'migrations');

const NO_FILTER = { externalTables: [], externalEnums: [] };

// Node has WebAssembly; this project's TypeScript lib set (no DOM) does not declare it.
const wasmRuntime = (globalThis as unknown as {
  WebAssembly: { instantiate(bytes: Buffer, imports: Record<string, Record<string, unknown>>): Promise<{ instance: { exports: Record<string, unknown> } }> };
}).WebAssembly;

let engineModulePromise: Promise<typeof import('@prisma/schema-engine-wasm')> | undefined;

// Node cannot `import` a .wasm file as an ES module; instantiate the bytes by hand and hand the
// exports to the wasm-bindgen glue (ENVIRONMENT.md, "Prisma 7 without network access").
function loadEngineModule(): Promise<typeof import('@prisma/schema-engine-wasm')> {
  engineModulePromise ??= (async () => {
    const glue = loadEsm<Record<string, unknown>>('@prisma/schema-engine-wasm/schema_engine_bg');
    const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
    const imports: Record<string, unknown> = { ...glue };
    // The engine arms timers (lock and connect timeouts) that it never clears; unref them so a
    // finished migration does not keep Node (and Jest) alive for another ten seconds.
    for (const name of Object.keys(imports).filter((key) => key.startsWith('__wbg_setTimeout_'))) {
      imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
    }
    const { instance } = await wasmRuntime.instantiate(fs.readFileSync(wasmPath), { './schema_engine_bg.js': imports });
    (glue as unknown as { __wbg_set_wasm(exports: unknown): void }).__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return glue as unknown as typeof import('@prisma/schema-engine-wasm');
  })();
  return engineModulePromise;
}

async function withEngine<T>(url: string, schemaText: string, run: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const { SchemaEngine } = await loadEngineModule();
  // We own the pool so we can close it: the engine takes a session-level advisory lock while
  // migrating and relies on its connection closing to drop it; an idle pooled connection would
  // keep the next migration (a test, a second app instance) waiting until pg's idle timeout.
  const pool = new Pool({ connectionString: url, max: 1 });
  const adapterFactory = bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool));
  try {
    const engine = await SchemaEngine.new({ datamodels: [['schema.prisma', schemaText]] }, () => undefined, adapterFactory);
    try {
      return await run(engine);
    } finally {
      engine.free();
    }
  } finally {
    await pool.end();
  }
}

/** Reads prisma/migrations in the shape the schema engine expects. */
export function readMigrationsList(migrationsDir: string = MIGRATIONS_DIR): MigrationList {
  const lockPath = path.join(migrationsDir, 'migration_lock.toml');
  const directories = fs.existsSync(migrationsDir)
    ? fs
        .readdirSync(migrationsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: directories.map((name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      return {
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: fs.existsSync(file)
            ? { tag: 'ok' as const, value: fs.readFileSync(file, 'utf8') }
            : { tag: 'error' as const, value: `missing ${file}` },
        },
      };
    }),
  };
}

/** Applies every pending migration to the database at url; returns the names applied now. */
export async function applyMigrations(url: string, migrationsDir: string = MIGRATIONS_DIR): Promise<string[]> {
  const schemaText = fs.readFileSync(SCHEMA_PATH, 'utf8');
  return withEngine(url, schemaText, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList: readMigrationsList(migrationsDir), filters: NO_FILTER });
    return result.appliedMigrationNames;
  });
}

/**
 * The migrations of migrationsDir (folders with a migration.sql, in order) that the database at
 * url has not recorded as applied in `_prisma_migrations`: every one on an empty database, none
 * when the schema matches this code. A failed or rolled-back attempt counts as pending. Read-only,
 * so startup (MIGRATE_ON_START=false), readiness checks and the doctor can all ask it.
 */
export async function findPendingMigrations(url: string, migrationsDir: string = MIGRATIONS_DIR): Promise<string[]> {
  const expected = readMigrationsList(migrationsDir)
    .migrationDirectories.filter((directory) => directory.migrationFile.content.tag === 'ok')
    .map((directory) => directory.path);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    // to_regclass follows the connection's search_path, the schema the engine records migrations in.
    const { rows: table } = await client.query<{ exists: boolean }>(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists`);
    if (!table[0]?.exists) return expected;
    const { rows } = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Set(rows.map((row) => row.migration_name));
    return expected.filter((name) => !applied.has(name));
  } finally {
    await client.end();
  }
}

/** Thrown at start when MIGRATE_ON_START is off and the schema is older than the code. */
export class PendingMigrationsError extends Error {
  constructor(readonly pending: string[]) {
    super(
      `the database is missing ${pending.length} migration${pending.length === 1 ? '' : 's'} this code needs (${pending.join(', ')}). ` +
        'Run `npm run db:migrate` with the same environment, then start again (or set MIGRATE_ON_START=true to apply pending migrations at every start).',
    );
    this.name = 'PendingMigrationsError';
  }
}

/**
 * The SQL that turns the schema `from` (undefined = an empty database) into `to`.
 * Needs no database; a connection string is only required by the engine's constructor.
 */
export async function diffSchemas(options: { from: string | undefined; to: string; url?: string }): Promise<string> {
  const url = options.url ?? 'postgresql://unused@127.0.0.1:1/unused';
  return withEngine(url, options.to, async (engine) => {
    const result = await engine.diff({
      from: options.from === undefined ? { tag: 'empty' } : { tag: 'schemaDatamodel', files: [{ path: 'from.prisma', content: options.from }] },
      to: { tag: 'schemaDatamodel', files: [{ path: 'to.prisma', content: options.to }] },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    return result.stdout ?? '';
  });
}
