/** /health tells a load balancer whether the app can reach its database. */
import request from 'supertest';
import { createApp } from '../src/app';
import { createLogger, createPrismaClient, disconnectPrisma, loadConfig, systemClock } from '../src/platform';
import { createTestDatabase, type TestDatabase } from './support/test-database';

describe('GET /health', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  const config = loadConfig({ DATABASE_URL: 'postgresql://x@127.0.0.1/x' });
  const logger = createLogger('silent');

  it('answers 200 with the database ok', async () => {
    const app = createApp({ config, prisma: db.prisma, logger, clock: systemClock });
    const res = await request(app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: 'ok', tzdata: process.versions.tz });
  });

  it('answers 503 with a reason when the database is down', async () => {
    const unreachable = createPrismaClient({ url: 'postgresql://postgres:postgres@127.0.0.1:1/none', poolSize: 1 });
    const app = createApp({ config, prisma: unreachable, logger, clock: systemClock });
    const res = await request(app).get('/health');
    await disconnectPrisma(unreachable);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'error', database: 'unavailable' });
    expect(res.body.reason).toEqual(expect.any(String));
  });

  it('answers unknown routes with a JSON 404', async () => {
    const app = createApp({ config, prisma: db.prisma, logger, clock: systemClock });
    const res = await request(app).get('/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
