/**
 * The operations the settings pages run (src/api/in-process.ts through the console's runAs): the
 * API's own checks, as the console user. An external calendar address goes through the API's
 * public-URL check (safeFetch's resolver: a name resolving to a private address is refused as
 * unsafe_url, on the url field); roles are checked like API keys; ids of another business are 404.
 */
import { randomBytes } from 'node:crypto';
import { createApiOperations, type ApiOperations } from '../../src/api';
import type { ConsoleUser } from '../../src/admin/auth/accounts';
import { runAs } from '../../src/admin/settings/operations';
import { createFixedClock, createLogger } from '../../src/platform';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('settings operations run in-process as the console user', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let operations: ApiOperations;
  const addresses: Record<string, string[]> = { 'calendar.example.com': ['93.184.216.34'], 'rebind.example.com': ['10.0.0.7'] };
  const user = (overrides: Partial<ConsoleUser> = {}) => ({ businessId: demo.businessId, role: 'admin', email: 'admin@clinic.test', locale: 'en', ...overrides }) as ConsoleUser;

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    operations = createApiOperations({
      prisma: db.prisma,
      logger: createLogger('silent'),
      clock: createFixedClock(new Date('2026-12-07T08:00:00Z')),
      encryptionKey: randomBytes(32),
      resolveHost: async (host) => addresses[host] ?? [],
    });
  });
  afterAll(async () => {
    await db.drop();
  });

  it('adds an external calendar at a public address (stored encrypted), refuses one resolving to a private address as unsafe_url on the url field, removes it', async () => {
    const params = { id: demo.staff.ana };
    const unsafe = await runAs(operations, user(), 'post', '/v1/staff/{id}/external-calendars', { params, body: { name: 'Home', url: 'https://rebind.example.com/cal.ics' } });
    expect(unsafe).toMatchObject({ ok: false, status: 422, code: 'unsafe_url' });
    expect(!unsafe.ok && unsafe.issues.map((issue) => issue.field)).toEqual(['url']);
    const loopback = await runAs(operations, user(), 'post', '/v1/staff/{id}/external-calendars', { params, body: { name: 'Home', url: 'http://127.0.0.1/cal.ics' } });
    expect(loopback).toMatchObject({ ok: false, status: 422, code: 'unsafe_url' });

    const added = await runAs(operations, user(), 'post', '/v1/staff/{id}/external-calendars', { params, body: { name: 'Personal', url: 'webcal://calendar.example.com/private.ics' } });
    expect(added).toMatchObject({ ok: true, status: 201, body: { name: 'Personal', host: 'calendar.example.com' } });
    const stored = await db.prisma.externalCalendar.findFirstOrThrow({ where: { staffId: demo.staff.ana } });
    expect(JSON.stringify(stored)).not.toContain('private.ics');
    const removed = await runAs(operations, user(), 'delete', '/v1/staff/{id}/external-calendars/{calendarId}', { params: { ...params, calendarId: stored.id } });
    expect(removed).toMatchObject({ ok: true, status: 204 });
    expect(await db.prisma.externalCalendar.count({ where: { staffId: demo.staff.ana } })).toBe(0);
  });

  it('checks the role like an API key (read-only may read, not write) and scopes to the business (another business gets 404)', async () => {
    expect(await runAs(operations, user({ role: 'read_only' }), 'get', '/v1/settings')).toMatchObject({ ok: true });
    const refused = await runAs(operations, user({ role: 'read_only' }), 'patch', '/v1/settings', { body: { holdMinutes: 5 } });
    expect(refused).toMatchObject({ ok: false, status: 403 });
    expect(await runAs(operations, user({ role: 'front_desk' }), 'put', '/v1/staff/{id}/working-hours', { params: { id: demo.staff.ana }, body: {} })).toMatchObject({ ok: false, status: 403 });

    const other = await db.prisma.business.create({ data: { name: 'Other', timeZone: 'Europe/Lisbon' } });
    const foreign = await runAs(operations, user({ businessId: other.id }), 'patch', '/v1/staff/{id}', { params: { id: demo.staff.ana }, body: { name: 'Taken' } });
    expect(foreign).toMatchObject({ ok: false, status: 404 });
    expect((await db.prisma.staff.findUniqueOrThrow({ where: { id: demo.staff.ana } })).name).not.toBe('Taken');
  });

  it("gives the route's field issues, with zod's own messages in the user's language and the route's messages as written", async () => {
    const es = await runAs(operations, user({ locale: 'es' }), 'patch', '/v1/settings', { body: { holdMinutes: 'abc', slotStepMinutes: 7 } });
    expect(es.ok).toBe(false);
    const issues = es.ok ? [] : es.issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        { field: 'holdMinutes', message: expect.stringContaining('se esperaba número') },
        { field: 'slotStepMinutes', message: 'must be 5, 10, 15, 20, 30 or 60' },
      ]),
    );
    const unstorable = await runAs(operations, user(), 'patch', '/v1/settings', { body: { emergencyKeywords: ['a\u0000b'] } });
    expect(unstorable).toMatchObject({ ok: false, status: 400, code: 'invalid_input' });
  });
});
