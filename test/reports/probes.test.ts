/**
 * /livez and /readyz: a load balancer or orchestrator learns whether the process is up and whether
 * it may take traffic, with the failing check named in the JSON body.
 */
import request from 'supertest';
import { createApp } from '../../src/app';
import { createLogger, createPrismaClient, disconnectPrisma, loadConfig, systemClock } from '../../src/platform';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('GET /livez and /readyz', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  const config = loadConfig({ DATABASE_URL: 'postgresql://x@127.0.0.1/x' });
  const logger = createLogger('silent');

  it('/livez answers 200 while the process runs, even with the database down', async () => {
    const unreachable = createPrismaClient({ url: 'postgresql://postgres:postgres@127.0.0.1:1/none', poolSize: 1 });
    const res = await request(createApp({ config, prisma: unreachable, logger, clock: systemClock })).get('/livez');
    await disconnectPrisma(unreachable);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 with every check passing', async () => {
    const res = await request(createApp({ config, prisma: db.prisma, logger, clock: systemClock, isJobRunnerAlive: () => true })).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', failing: [], checks: { database: { ok: true }, migrations: { ok: true }, jobRunner: { ok: true } } });
  });

  it('/readyz answers 503 naming the database when it is unreachable', async () => {
    const unreachable = createPrismaClient({ url: 'postgresql://postgres:postgres@127.0.0.1:1/none', poolSize: 1 });
    const res = await request(createApp({ config, prisma: unreachable, logger, clock: systemClock })).get('/readyz');
    await disconnectPrisma(unreachable);
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('not_ready');
    expect(res.body.failing).toEqual(['database', 'migrations']);
    expect(res.body.checks.database.reason).toMatch(/unreachable.*DATABASE_URL/);
  });

  it('/readyz answers 503 naming the migrations when one is not applied', async () => {
    const pending = await createTestDatabase();
    try {
      const [latest] = await pending.prisma.$queryRaw<Array<{ name: string }>>`SELECT migration_name AS name FROM _prisma_migrations ORDER BY migration_name DESC LIMIT 1`;
      await pending.prisma.$executeRaw`DELETE FROM _prisma_migrations WHERE migration_name = ${latest!.name}`;
      const res = await request(createApp({ config, prisma: pending.prisma, logger, clock: systemClock })).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.failing).toEqual(['migrations']);
      expect(res.body.checks.migrations.reason).toContain(latest!.name);
      expect(res.body.checks.migrations.reason).toContain('npm run db:migrate');
    } finally {
      await pending.drop();
    }
  });

  it('/readyz answers 503 naming the job runner when this process runs workers and its runner stopped', async () => {
    const res = await request(createApp({ config, prisma: db.prisma, logger, clock: systemClock, isJobRunnerAlive: () => false })).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.failing).toEqual(['jobRunner']);
  });

  it('/health keeps its old answer', async () => {
    const res = await request(createApp({ config, prisma: db.prisma, logger, clock: systemClock })).get('/health');
    expect(res.body).toEqual({ status: 'ok', database: 'ok', tzdata: process.versions.tz });
  });
});
