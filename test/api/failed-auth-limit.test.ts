/**
 * Failed authentications are limited per client address: after the allowance of 401s, the address
 * gets 429 with Retry-After and a message, without its key being looked up; other addresses and
 * successful requests are unaffected, and the allowance refills with time.
 */
import express from 'express';
import request from 'supertest';
import { createApiRouter } from '../../src/api';
import { createLogger, type PrismaClient } from '../../src/platform';
import { createApiTestContext, type ApiTestContext } from './api-test-kit';

describe('failed authentications per client address', () => {
  let ctx: ApiTestContext;
  let app: express.Express;
  let keyLookups = 0;
  const get = (address: string, key?: string) => {
    const req = request(app).get('/v1/locations').set('x-forwarded-for', address);
    return key === undefined ? req : req.set('x-api-key', key);
  };

  beforeAll(async () => {
    ctx = await createApiTestContext();
    // Counts key lookups: a refused address must cost none.
    const prisma = new Proxy(ctx.db.prisma, {
      get(target, property, receiver) {
        if (property === 'apiKey') keyLookups += 1;
        return Reflect.get(target, property, receiver);
      },
    }) as PrismaClient;
    app = express();
    app.set('trust proxy', 'loopback');
    app.use(createApiRouter({ prisma, logger: createLogger('silent'), clock: ctx.clock, failedAuthPerMinute: 5 }));
  });
  afterAll(async () => ctx.db.drop());

  it('answers 429 with Retry-After after the allowance of 401s, without looking the key up', async () => {
    for (let i = 0; i < 5; i += 1) expect((await get('203.0.113.7', `tbk_guess-${i}`)).status).toBe(401);
    const lookupsBefore = keyLookups;
    const limited = await get('203.0.113.7', 'tbk_guess-6');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('12');
    expect(limited.body.error.code).toBe('too_many_failed_authentications');
    expect(limited.body.error.message).toBe('Too many requests with a missing or invalid API key from your address. Retry after 12 s with a valid key in the x-api-key header.');
    // Even a valid key waits: the address is refused before any lookup.
    expect((await get('203.0.113.7', ctx.keys.admin)).status).toBe(429);
    expect((await get('203.0.113.7')).status).toBe(429);
    expect(keyLookups).toBe(lookupsBefore);
  });

  it('leaves other addresses alone, and refills with time', async () => {
    expect((await get('203.0.113.8', ctx.keys.admin)).status).toBe(200);
    expect((await get('203.0.113.8', 'tbk_wrong')).status).toBe(401);
    ctx.clock.advanceMinutes(0.2);
    expect((await get('203.0.113.7', ctx.keys.admin)).status).toBe(200);
    ctx.clock.set('2026-03-30T06:00:00.000Z');
  });

  it('counts only failures: many successful requests do not use up the allowance', async () => {
    for (let i = 0; i < 12; i += 1) expect((await get('203.0.113.9', ctx.keys.readOnly)).status).toBe(200);
    expect((await get('203.0.113.9', 'tbk_wrong')).status).toBe(401);
  });

  it('counts missing and revoked keys too, and treats one IPv6 /64 as one client', async () => {
    expect((await get('2001:db8:1:2::1')).status).toBe(401);
    expect((await get('2001:db8:1:2::2', ctx.keys.revoked)).status).toBe(401);
    for (let i = 3; i <= 5; i += 1) expect((await get(`2001:db8:1:2::${i}`, 'tbk_wrong')).status).toBe(401);
    expect((await get('2001:db8:1:2:ffff::6', 'tbk_wrong')).status).toBe(429);
    expect((await get('2001:db8:1:3::1', 'tbk_wrong')).status).toBe(401);
  });

  it('is on in the app as mounted (30 failures a minute per address)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i += 1) statuses.push((await request(ctx.app).get('/v1/locations').set('x-forwarded-for', '198.51.100.4').set('x-api-key', 'tbk_wrong')).status);
    expect(statuses.slice(0, 30).every((status) => status === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
  });
});
