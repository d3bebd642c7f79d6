/**
 * The admin CLI against a real database: business create prints an id, api-key create prints a
 * key once that then works on the API; it finds an already running embedded database instead of
 * starting a second one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { runCli } from '../../src/api';
import { createApp } from '../../src/app';
import { createLogger, loadConfig, systemClock, type AppConfig } from '../../src/platform';
import { findFreePort } from '../support/free-port';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, runAdminQuery, TEMPLATE_DATABASE, type TestDatabase } from '../support/test-database';

describe('npm run cli', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let config: AppConfig;

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    config = loadConfig({ DATABASE_URL: db.url });
  });
  afterAll(async () => db.drop());

  async function cli(argv: string[], cliConfig = config) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { config: cliConfig, logger: createLogger('silent'), output: { out: (l) => out.push(l), err: (l) => err.push(l) } });
    return { code, out, err: err.join('\n') };
  }

  it('creates a business and prints only its id', async () => {
    const result = await cli(['business', 'create', '--name', 'Lisbon Studio', '--timezone', 'Europe/Lisbon']);
    expect(result.code).toBe(0);
    expect(result.out).toHaveLength(1);
    const business = await db.prisma.business.findUniqueOrThrow({ where: { id: result.out[0]! } });
    expect(business).toMatchObject({ name: 'Lisbon Studio', timeZone: 'Europe/Lisbon' });
  });

  it('creates a key for the default business that works once and is stored hashed', async () => {
    const result = await cli(['api-key', 'create', '--business', 'default', '--role', 'admin', '--name', 'ops']);
    expect(result.code).toBe(0);
    const key = result.out[0]!;
    expect(key).toMatch(/^tbk_[A-Za-z0-9_-]{43}$/);
    expect(result.err).toContain('Created an admin key for business');
    expect(result.err).toContain('shown only once');
    expect(await db.prisma.apiKey.count({ where: { keyHash: key } })).toBe(0);
    const app = createApp({ config, prisma: db.prisma, logger: createLogger('silent'), clock: systemClock });
    const res = await request(app).get('/v1/settings').set('x-api-key', key);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(demo.businessId);
  });

  it('creates a key for a business by id', async () => {
    const business = await cli(['business', 'create', '--name=Other', '--timezone=America/New_York']);
    const key = await cli(['api-key', 'create', '--business', business.out[0]!, '--role', 'read_only']);
    expect(key.code).toBe(0);
    expect(await db.prisma.apiKey.findFirstOrThrow({ where: { businessId: business.out[0]! } })).toMatchObject({ role: 'read_only' });
  });

  it.each([
    [[], 'No command'],
    [['business', 'delete'], 'Unknown command'],
    [['business', 'create', '--name', 'X'], '--timezone'],
    [['business', 'create', '--name', 'X', '--timezone', 'Lisbon'], '--timezone'],
    [['api-key', 'create', '--business', 'default', '--role', 'owner'], '--role'],
    [['api-key', 'create', '--business', 'acme', '--role', 'admin'], '--business'],
    [['api-key', 'create', '--business'], 'needs a value'],
  ])('refuses %j with usage help (exit 2)', async (argv, message) => {
    const result = await cli(argv);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.err).toContain('Usage:');
  });

  it('fails with exit 1 for an unknown business id', async () => {
    const result = await cli(['api-key', 'create', '--business', '00000000-0000-4000-8000-000000000000', '--role', 'admin']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('No business');
  });

  it('uses the embedded database a running server owns instead of starting another', async () => {
    const admin = new URL(process.env.TAPBOOK_TEST_PG_ADMIN_URL!);
    await runAdminQuery(`DROP DATABASE IF EXISTS tapbook WITH (FORCE)`);
    await runAdminQuery(`CREATE DATABASE tapbook TEMPLATE "${TEMPLATE_DATABASE}"`);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapbook-cli-'));
    try {
      const embeddedConfig = loadConfig({ EMBEDDED_POSTGRES_PORT: admin.port, DATA_DIR: dataDir });
      const result = await cli(['business', 'create', '--name', 'Via running server', '--timezone', 'Europe/Madrid'], embeddedConfig);
      expect(result.err).toBe(`Database: the embedded PostgreSQL already running on 127.0.0.1:${admin.port} (database tapbook).`);
      expect(result.code).toBe(0);
      // Nothing was started or initialised in our own data folder.
      expect(fs.readdirSync(dataDir)).toEqual([]);
    } finally {
      await runAdminQuery(`DROP DATABASE IF EXISTS tapbook WITH (FORCE)`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('says which database it used, without the password', async () => {
    const result = await cli(['business', 'create', '--name', 'Said', '--timezone', 'Europe/Madrid']);
    const shown = new URL(db.url);
    shown.password = '***';
    expect(result.err.split('\n')[0]).toBe(`Database: ${shown.toString()} (DATABASE_URL).`);
    expect(result.err).not.toContain(`:${new URL(db.url).password}@`);
  });

  describe('without DATABASE_URL and no embedded database running', () => {
    let dataDir: string;
    let settings: Record<string, string>;

    beforeEach(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapbook-cli-'));
      // As a project folder would be: PostgreSQL runs as its own user when we are root.
      fs.chmodSync(dataDir, 0o755);
      settings = { DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(await findFreePort()), PORT: String(await findFreePort()) };
    });
    afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

    it('refuses to create a new database in DATA_DIR unless told, and says how to reach the server\'s', async () => {
      const result = await cli(['api-key', 'create', '--business', 'default', '--role', 'admin'], loadConfig(settings));
      expect(result.code).toBe(1);
      expect(result.out).toEqual([]);
      expect(result.err).toContain(`There is no Tapbook database in ${path.join(dataDir, 'postgres')}`);
      expect(result.err).toContain('DATABASE_URL');
      expect(result.err).toContain('--create-database');
      expect(fs.readdirSync(dataDir)).toEqual([]);
    });

    it('refuses to use the database of DATA_DIR while a server runs on another database', async () => {
      fs.mkdirSync(path.join(dataDir, 'postgres'));
      fs.writeFileSync(path.join(dataDir, 'postgres', 'PG_VERSION'), '18\n');
      const server = createApp({ config, prisma: db.prisma, logger: createLogger('silent'), clock: systemClock }).listen(Number(settings.PORT), '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      try {
        const result = await cli(['api-key', 'create', '--business', 'default', '--role', 'admin'], loadConfig(settings));
        expect(result.code).toBe(1);
        expect(result.out).toEqual([]);
        expect(result.err).toContain(`A Tapbook server answers on port ${settings.PORT}, but its database is not the embedded PostgreSQL`);
        expect(result.err).toContain('--create-database');
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('creates the database with --create-database and says so', async () => {
      const result = await cli(['business', 'create', '--name', 'Fresh', '--timezone', 'Europe/Madrid', '--create-database'], loadConfig(settings));
      expect(result.code).toBe(0);
      expect(result.out).toHaveLength(1);
      expect(result.err).toBe(`Database: the embedded PostgreSQL in ${path.join(dataDir, 'postgres')} (created now, port ${settings.EMBEDDED_POSTGRES_PORT}).`);
      expect(fs.existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    });
  });
});
