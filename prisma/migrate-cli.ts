/**
 * `npm run db:migrate` applies prisma/migrations to the configured database (DATABASE_URL, or
 * the embedded one in DATA_DIR). `npm run db:migration -- <name>` writes the next migration from
 * the difference between the last committed prisma/schema.prisma (git HEAD) and the working one.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/platform/config';
import { openDatabase } from '../src/platform/database-bootstrap';
import { createLogger } from '../src/platform/logger';
import { MIGRATIONS_DIR, SCHEMA_PATH, diffSchemas } from '../src/platform/migrations';

function readCommittedSchema(): string | undefined {
  try {
    return execFileSync('git', ['show', 'HEAD:prisma/schema.prisma'], {
      cwd: path.dirname(SCHEMA_PATH),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
}

function timestamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

async function main(): Promise<void> {
  const [command, rawName] = process.argv.slice(2);
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  if (command === 'apply') {
    const db = await openDatabase(config, logger, { migrate: true });
    console.log(db.appliedMigrations.length ? `Applied: ${db.appliedMigrations.join(', ')}` : 'Database is up to date.');
    await db.stop();
    return;
  }
  if (command === 'create') {
    const name = (rawName ?? '').trim().toLowerCase().replace(/[^a-z0-9_]+/g, '_');
    if (!name) throw new Error('Give the migration a name: npm run db:migration -- add_reminders');
    const committed = readCommittedSchema();
    const working = fs.readFileSync(SCHEMA_PATH, 'utf8');
    const db = await openDatabase(config, logger, { migrate: true });
    try {
      const sql = await diffSchemas({ from: committed, to: working, url: db.url });
      if (!sql.trim() || /^-- This is an empty migration\.?\s*$/m.test(sql.trim())) {
        console.log('schema.prisma has no changes since the last commit: no migration written.');
        return;
      }
      const dir = path.join(MIGRATIONS_DIR, `${timestamp(new Date())}_${name}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'migration.sql'), sql);
      console.log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql (review it; add raw SQL Prisma cannot express at the end).`);
    } finally {
      await db.stop();
    }
    return;
  }
  throw new Error('Usage: npm run db:migrate | npm run db:migration -- <name>');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
