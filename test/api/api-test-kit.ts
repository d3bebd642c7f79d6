/**
 * Shared setup of the API tests: a database of their own with the demo business (A) and a second
 * business (B) with its own rows, keys of every role, and the app on a fixed clock.
 */
import express from 'express';
import request from 'supertest';
import { createApiKey, createApiRouter } from '../../src/api';
import { createApp } from '../../src/app';
import { createBookingService } from '../../src/booking';
import { migrateJobQueue } from '../../src/jobs';
import { createFixedClock, createLogger, loadConfig } from '../../src/platform';
import { sendError } from '../../src/platform/http-errors';
import { createBookingListeners } from '../../src/reminders';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** DATA_ENCRYPTION_KEY of the tests (32 bytes, base64). */
export const TEST_ENCRYPTION_KEY_TEXT = 'dGFwYm9vay10ZXN0LWtleS0zMi1ieXRlcy1sb25nISE=';

/** Host names the tests' fake resolver answers; anything else does not resolve. */
export const FAKE_DNS: Record<string, string[]> = {
  'hooks.example.com': ['93.184.215.14'],
  'calendar.example.com': ['93.184.215.15'],
  'rebind.example.com': ['10.0.0.7'],
};

/** Monday 2026-03-30 08:00 in Madrid (CEST, UTC+2). */
export const NOW = '2026-03-30T06:00:00.000Z';

/** The second business's rows. */
export interface OtherBusiness {
  businessId: string;
  serviceId: string;
  staffId: string;
  locationId: string;
  customerId: string;
  bookingUid: string;
  conversationId: string;
  key: string;
}

/** Everything an API test needs. */
export interface ApiTestContext {
  db: TestDatabase;
  demo: DemoHandles;
  clock: ReturnType<typeof createFixedClock>;
  app: ReturnType<typeof createApp>;
  keys: { admin: string; frontDesk: string; readOnly: string; revoked: string };
  other: OtherBusiness;
  /** A supertest request with the given key (admin by default). */
  api(method: 'get' | 'post' | 'patch' | 'put' | 'delete', path: string, key?: string): request.Test;
  /**
   * The same API with DATA_ENCRYPTION_KEY set, loopback URLs allowed (the test-only allowance) and a fake
   * DNS: what app.ts mounts once it passes config.dataEncryptionKey to the API router.
   */
  secureApp: express.Express;
  /** A request to secureApp with the given key (admin by default). */
  secureApi(method: 'get' | 'post' | 'patch' | 'put' | 'delete', path: string, key?: string): request.Test;
  encryptionKey: Buffer;
}

/** Builds the context; call in beforeAll and `ctx.db.drop()` in afterAll. */
export async function createApiTestContext(options: { withJobQueue?: boolean } = {}): Promise<ApiTestContext> {
  const db = await createTestDatabase();
  const demo = await setupDemo(db.prisma);
  if (options.withJobQueue) await migrateJobQueue(db.url);
  const clock = createFixedClock(NOW);
  const keyOf = async (role: 'admin' | 'front_desk' | 'read_only', businessId = demo.businessId) =>
    (await createApiKey(db.prisma, { businessId, role, name: `test ${role}` })).key;
  const revoked = await createApiKey(db.prisma, { businessId: demo.businessId, role: 'admin' });
  await db.prisma.apiKey.update({ where: { id: revoked.id }, data: { revokedAt: new Date(NOW) } });
  const keys = { admin: await keyOf('admin'), frontDesk: await keyOf('front_desk'), readOnly: await keyOf('read_only'), revoked: revoked.key };
  const other = await createOtherBusiness(db, clock);
  other.key = await keyOf('admin', other.businessId);
  // As production mounts it (no loopback webhook URLs); secureApp below is the development-style mount.
  const config = loadConfig({ DATABASE_URL: db.url, NODE_ENV: 'production' });
  const app = createApp({ config, prisma: db.prisma, logger: createLogger('silent'), clock });
  const api: ApiTestContext['api'] = (method, path, key = keys.admin) => request(app)[method](path).set('x-api-key', key);
  const encryptionKey = loadConfig({ DATABASE_URL: db.url, DATA_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY_TEXT }).dataEncryptionKey!;
  const secureApp = express();
  secureApp.use(
    createApiRouter({
      prisma: db.prisma,
      logger: createLogger('silent'),
      clock,
      bookings: createBookingService({ prisma: db.prisma, clock, listeners: createBookingListeners({ clock }) }),
      encryptionKey,
      allowsLoopbackUrls: true,
      resolveHost: async (host) => {
        const addresses = FAKE_DNS[host];
        if (!addresses) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
        return addresses;
      },
    }),
  );
  secureApp.use((req, res) => sendError(res, 404, 'not_found', `No route for ${req.method} ${req.path}.`));
  const secureApi: ApiTestContext['secureApi'] = (method, path, key = keys.admin) => request(secureApp)[method](path).set('x-api-key', key);
  return { db, demo, clock, app, keys, other, api, secureApp, secureApi, encryptionKey };
}

async function createOtherBusiness(db: TestDatabase, clock: ReturnType<typeof createFixedClock>): Promise<OtherBusiness> {
  const prisma = db.prisma;
  const business = await prisma.business.create({ data: { name: 'Other Clinic', timeZone: 'Europe/Lisbon', minimumNoticeMinutes: 0 } });
  const businessId = business.id;
  // Same service uid as the demo business: a uid lookup must stay inside the caller's business.
  const service = await prisma.service.create({ data: { businessId, uid: 'consultation', name: 'Other consultation', durationMinutes: 30, price: '10.00', currency: 'EUR' } });
  const staff = await prisma.staff.create({ data: { businessId, name: 'Other Staff' } });
  await prisma.staffService.create({ data: { businessId, staffId: staff.id, serviceId: service.id } });
  await prisma.workingHours.createMany({ data: [1, 2, 3, 4, 5].map((weekday) => ({ businessId, staffId: staff.id, weekday, startMinute: 540, endMinute: 1020 })) });
  const location = await prisma.location.create({ data: { businessId, name: 'Other place' } });
  const customer = await prisma.customer.create({ data: { businessId, waId: '351910000001', phoneE164: '+351910000001', name: 'Other Client', lastInboundAt: new Date(NOW) } });
  const conversation = await prisma.conversation.create({
    data: { businessId, customerId: customer.id, machineVersion: 1, snapshot: {}, stateValue: 'handoff', isHandoff: true },
  });
  const bookings = createBookingService({ prisma, clock });
  const result = await bookings.confirmSlot({
    businessId,
    customerId: customer.id,
    serviceId: service.id,
    staffId: staff.id,
    start: new Date('2026-03-31T09:00:00.000Z'),
    source: 'api',
    actor: 'test',
  });
  if (!result.ok) throw new Error('could not book for the other business');
  return {
    businessId,
    serviceId: service.id,
    staffId: staff.id,
    locationId: location.id,
    customerId: customer.id,
    bookingUid: result.booking.uid,
    conversationId: conversation.id,
    key: '',
  };
}
