/**
 * A fresh database per test file, cloned from the migrated template the global setup made.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createPrismaClient, disconnectPrisma, type PrismaClient } from '../../src/platform/database';

/** Name of the migrated template database every test database is cloned from. */
export const TEMPLATE_DATABASE = 'tapbook_template';

/** A test's own database and a Prisma client on it. */
export interface TestDatabase {
  url: string;
  adminUrl: string;
  name: string;
  prisma: PrismaClient;
  /** Disconnects and drops the database. */
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.TAPBOOK_TEST_PG_ADMIN_URL;
  if (!url) throw new Error('TAPBOOK_TEST_PG_ADMIN_URL is not set: run tests through `npm test` (jest global setup).');
  return url;
}

/** Runs one statement on the cluster's maintenance database. */
export async function runAdminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates a database of its own for the calling test file (template: migrated, empty). */
export async function createTestDatabase(options: { template?: string | null; poolSize?: number } = {}): Promise<TestDatabase> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  const template = options.template === undefined ? TEMPLATE_DATABASE : options.template;
  await runAdminQuery(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const prisma = createPrismaClient({ url: url.toString(), poolSize: options.poolSize ?? 10 });
  return {
    url: url.toString(),
    adminUrl: adminUrl(),
    name,
    prisma,
    drop: async () => {
      await disconnectPrisma(prisma);
      await runAdminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
