/**
 * Access over HTTP: keys (missing, unknown, revoked), roles, the rate limit, and tenancy: a key
 * of business A can read or change nothing of business B, on every route that takes an id.
 */
import express from 'express';
import request from 'supertest';
import { buildApiRoutes, createApiRouter, ensureBootstrapAdminKey } from '../../src/api';
import { createLogger } from '../../src/platform';
import { sealSecret } from '../../src/platform/secret-box';
import { createApiTestContext, NOW as NOW_B, type ApiTestContext } from './api-test-kit';

describe('API access', () => {
  let ctx: ApiTestContext;

  beforeAll(async () => {
    ctx = await createApiTestContext({ withJobQueue: true });
  });
  afterAll(async () => ctx.db.drop());

  describe('keys', () => {
    it.each([
      ['no key', undefined, 'missing_api_key'],
      ['an unknown key', 'tbk_not-a-real-key', 'invalid_api_key'],
      ['a very long key', 'x'.repeat(5000), 'invalid_api_key'],
    ])('answers 401 for %s', async (_name, key, code) => {
      const req = request(ctx.app).get('/v1/services');
      if (key) req.set('x-api-key', key);
      const res = await req;
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe(code);
    });

    it('answers 401 for a revoked key', async () => {
      const res = await ctx.api('get', '/v1/services', ctx.keys.revoked);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('revoked_api_key');
    });

    it('stores only the hash of a key, and records its last use', async () => {
      const rows = await ctx.db.prisma.apiKey.findMany();
      expect(rows.every((row) => !Object.values(ctx.keys).includes(row.keyHash) && /^[0-9a-f]{64}$/.test(row.keyHash))).toBe(true);
      await ctx.api('get', '/v1/services', ctx.keys.readOnly);
      const used = await ctx.db.prisma.apiKey.findFirstOrThrow({ where: { name: 'test read_only' } });
      expect(used.lastUsedAt?.toISOString()).toBe('2026-03-30T06:00:00.000Z');
    });

    it('bootstraps ADMIN_API_KEY as an admin key once, stored hashed', async () => {
      const rawKey = 'bootstrap-admin-key-0123456789';
      expect(await ensureBootstrapAdminKey(ctx.db.prisma, { businessId: ctx.demo.businessId, rawKey })).toBe(true);
      expect(await ensureBootstrapAdminKey(ctx.db.prisma, { businessId: ctx.demo.businessId, rawKey })).toBe(false);
      expect(await ctx.db.prisma.apiKey.count({ where: { name: 'ADMIN_API_KEY (bootstrap)' } })).toBe(1);
      const res = await ctx.api('get', '/v1/settings', rawKey);
      expect(res.status).toBe(200);
    });

    it('lets an admin create a key shown once, which works until revoked', async () => {
      const created = await ctx.api('post', '/v1/api-keys').send({ name: 'tablet', role: 'front_desk' });
      expect(created.status).toBe(201);
      expect(created.body.key).toMatch(/^tbk_/);
      const listed = await ctx.api('get', '/v1/api-keys');
      expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
      expect((await ctx.api('get', '/v1/appointments', created.body.key)).status).toBe(200);
      expect((await ctx.api('delete', `/v1/api-keys/${created.body.id}`)).status).toBe(204);
      expect((await ctx.api('get', '/v1/appointments', created.body.key)).status).toBe(401);
    });
  });

  describe('roles', () => {
    it.each([
      ['read-only reads appointments', 'readOnly', 'get', '/v1/appointments', 200],
      ['read-only reads services', 'readOnly', 'get', '/v1/services', 200],
      ['read-only may not book', 'readOnly', 'post', '/v1/appointments', 403],
      ['read-only may not add clients', 'readOnly', 'post', '/v1/clients', 403],
      ['read-only may not list keys', 'readOnly', 'get', '/v1/api-keys', 403],
      ['front desk reads clients', 'frontDesk', 'get', '/v1/clients', 200],
      ['front desk lists conversations', 'frontDesk', 'get', '/v1/conversations', 200],
      ['front desk may not add services', 'frontDesk', 'post', '/v1/services', 403],
      ['front desk may not read settings', 'frontDesk', 'get', '/v1/settings', 403],
      ['front desk may not change staff hours', 'frontDesk', 'put', `/v1/staff/00000000-0000-4000-8000-000000000000/working-hours`, 403],
      ['front desk may not create keys', 'frontDesk', 'post', '/v1/api-keys', 403],
      ['admin reads settings', 'admin', 'get', '/v1/settings', 200],
    ] as const)('%s', async (_name, role, method, path, status) => {
      const res = await ctx.api(method, path, ctx.keys[role]).send({});
      expect(res.status).toBe(status);
      if (status === 403) expect(res.body.error.code).toBe('forbidden');
    });
  });

  describe('rate limit', () => {
    it('answers 429 with Retry-After once a key used its allowance, other keys unaffected', async () => {
      const app = express();
      app.use(createApiRouter({ prisma: ctx.db.prisma, logger: createLogger('silent'), clock: ctx.clock, rateLimitPerMinute: 3 }));
      const get = (key: string) => request(app).get('/v1/locations').set('x-api-key', key);
      for (let i = 0; i < 3; i += 1) expect((await get(ctx.keys.admin)).status).toBe(200);
      const limited = await get(ctx.keys.admin);
      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toBe('20');
      expect(limited.body.error.code).toBe('rate_limited');
      expect((await get(ctx.keys.readOnly)).status).toBe(200);
      ctx.clock.advanceMinutes(1);
      expect((await get(ctx.keys.admin)).status).toBe(200);
      ctx.clock.set('2026-03-30T06:00:00.000Z');
    });
  });

  describe('tenancy: business A cannot see or touch business B', () => {
    let otherOverrideId: string;
    let otherKeyId: string;
    let otherNumberId: string;
    let otherSubscriptionId: string;
    let otherReminderRuleId: string;
    let otherFollowUpRuleId: string;
    let otherCalendarId: string;
    let otherBusinessOverrideId: string;

    beforeAll(async () => {
      const override = await ctx.db.prisma.dateOverride.create({
        data: { businessId: ctx.other.businessId, staffId: ctx.other.staffId, date: new Date('2026-04-06T00:00:00Z'), isClosed: true },
      });
      otherOverrideId = override.id;
      otherBusinessOverrideId = (
        await ctx.db.prisma.dateOverride.create({ data: { businessId: ctx.other.businessId, staffId: null, date: new Date('2026-04-07T00:00:00Z'), isClosed: true } })
      ).id;
      otherKeyId = (await ctx.db.prisma.apiKey.findFirstOrThrow({ where: { businessId: ctx.other.businessId } })).id;
      const prisma = ctx.db.prisma;
      const businessId = ctx.other.businessId;
      otherNumberId = (
        await prisma.whatsAppNumber.create({ data: { businessId, phoneNumberId: '999000111', accessTokenEncrypted: sealSecret(ctx.encryptionKey, 'other-business-token'), sendRatePerSecond: 7 } })
      ).id;
      otherSubscriptionId = (await prisma.webhookSubscription.create({ data: { businessId, url: 'https://other.example.com/hook', secret: 'other-secret-0123456789', events: [] } })).id;
      const rule = { businessId, serviceId: ctx.other.serviceId, sequence: 1, title: 'B rule', text: 'B text' };
      otherReminderRuleId = (await prisma.reminderRule.create({ data: { ...rule, kind: 'reminder', offsetHours: 2 } })).id;
      otherFollowUpRuleId = (await prisma.reminderRule.create({ data: { ...rule, kind: 'followup', offsetHours: 2 } })).id;
      otherCalendarId = (
        await prisma.externalCalendar.create({
          data: { businessId, staffId: ctx.other.staffId, name: 'B calendar', urlEncrypted: sealSecret(ctx.encryptionKey, 'https://calendar.example.com/b.ics'), urlHost: 'calendar.example.com' },
        })
      ).id;
      await prisma.externalBusyBlock.create({
        data: { businessId, staffId: ctx.other.staffId, calendarId: otherCalendarId, startsAt: new Date('2026-04-01T10:00:00Z'), endsAt: new Date('2026-04-01T11:00:00Z') },
      });
      await prisma.staff.update({ where: { id: ctx.other.staffId }, data: { calendarFeedTokenHash: 'b'.repeat(64), calendarFeedCreatedAt: new Date(NOW_B) } });
    });

    function idFor(path: string, name: string): string {
      if (name === 'overrideId') return path.startsWith('/v1/date-overrides/') ? otherBusinessOverrideId : otherOverrideId;
      if (name === 'ruleId') return path.includes('/follow-up-rules/') ? otherFollowUpRuleId : otherReminderRuleId;
      if (name === 'calendarId') return otherCalendarId;
      const family = path.split('/')[2];
      const ids: Record<string, string> = {
        appointments: ctx.other.bookingUid,
        services: ctx.other.serviceId,
        staff: ctx.other.staffId,
        locations: ctx.other.locationId,
        clients: ctx.other.customerId,
        conversations: ctx.other.conversationId,
        'api-keys': otherKeyId,
        'whatsapp-numbers': otherNumberId,
        'webhook-subscriptions': otherSubscriptionId,
      };
      return ids[family!]!;
    }

    const routesWithIds = buildApiRoutes({ prisma: undefined as never, logger: createLogger('silent'), clock: undefined as never }).filter((route) => route.path.includes('{') && !route.isPublic);

    it('covers every family that has ids', () => {
      expect(new Set(routesWithIds.map((route) => route.path.split('/')[2]))).toEqual(
        new Set(['appointments', 'services', 'staff', 'locations', 'clients', 'conversations', 'api-keys', 'whatsapp-numbers', 'webhook-subscriptions', 'date-overrides']),
      );
    });

    it.each(routesWithIds.map((route) => [route.method.toUpperCase(), route.path, route] as const))('%s %s with B’s ids → 404', async (_m, path, route) => {
      const url = path.replace(/\{(\w+)\}/g, (_match: string, name: string) => idFor(path, name));
      let body = route.bodyExample ?? {};
      if (path.endsWith('/services') && route.method === 'put') body = { serviceIds: [] };
      // The app with DATA_ENCRYPTION_KEY: a missing key must not be what stops the request.
      const res = await ctx.secureApi(route.method, url).send(body as object);
      expect(res.status).toBe(404);
    });

    it.each(routesWithIds.filter((route) => route.method === 'get').map((route) => [route.path, route] as const))('control: B’s own key reads GET %s', async (path) => {
      const url = path.replace(/\{(\w+)\}/g, (_match: string, name: string) => idFor(path, name));
      expect((await ctx.api('get', url, ctx.other.key)).status).toBe(200);
    });

    it.each([
      ['reschedule B’s appointment', '/v1/appointments/reschedule', () => ({ appointmentId: ctx.other.bookingUid, date: '2026-04-01', time: '10:00' }), 404],
      ['cancel B’s appointment', '/v1/appointments/cancel', () => ({ appointmentId: ctx.other.bookingUid }), 404],
      ['book B’s client', '/v1/appointments', () => ({ clientId: ctx.other.customerId, serviceId: 'consultation', date: '2026-03-31', time: '09:00' }), 404],
      ['book B’s service by id', '/v1/appointments', () => ({ fullName: 'X', countryCode: '+34', phone: '600111222', serviceId: ctx.other.serviceId, date: '2026-03-31', time: '09:00' }), 404],
      ['book with B’s staff', '/v1/appointments', () => ({ fullName: 'X', countryCode: '+34', phone: '600111222', serviceId: 'consultation', staffId: ctx.other.staffId, date: '2026-03-31', time: '09:00' }), 404],
      ['book at B’s location', '/v1/appointments', () => ({ fullName: 'X', countryCode: '+34', phone: '600111222', serviceId: 'consultation', locationId: ctx.other.locationId, date: '2026-03-31', time: '09:00' }), 404],
      ['give a service to B’s staff', '/v1/services', () => ({ uid: 'x1', name: 'X', durationMinutes: 30, sellingPrice: 1, staffIds: [ctx.other.staffId] }), 404],
      ['give B’s service to new staff', '/v1/staff', () => ({ name: 'X', serviceIds: [ctx.other.serviceId] }), 404],
    ])('POST: %s → %i', async (_name, path, body, status) => {
      const res = await ctx.api('post', path).send(body());
      expect(res.status).toBe(status);
    });

    it('answers 404 for B’s service, staff and location in the slot search', async () => {
      for (const query of [`serviceId=${ctx.other.serviceId}`, `serviceId=consultation&staffId=${ctx.other.staffId}`, `serviceId=consultation&locationId=${ctx.other.locationId}`]) {
        expect((await ctx.api('get', `/v1/appointments/slots?date=2026-03-31&${query}`)).status).toBe(404);
      }
    });

    it('lists nothing of B in any list', async () => {
      const lists = [
        '/v1/appointments',
        `/v1/appointments?clientId=${ctx.other.customerId}`,
        '/v1/services',
        '/v1/staff',
        '/v1/locations',
        '/v1/clients',
        '/v1/conversations',
        '/v1/api-keys',
        '/v1/whatsapp-numbers',
        '/v1/webhook-subscriptions',
        '/v1/services/consultation/reminder-rules',
        '/v1/services/consultation/follow-up-rules',
      ];
      const otherIds = [ctx.other.bookingUid, ctx.other.serviceId, ctx.other.staffId, ctx.other.locationId, ctx.other.customerId, ctx.other.conversationId, otherKeyId, otherNumberId, otherSubscriptionId, otherReminderRuleId, otherFollowUpRuleId, otherCalendarId];
      for (const path of lists) {
        const res = await ctx.api('get', path);
        expect(res.status).toBe(200);
        for (const id of otherIds) expect(JSON.stringify(res.body)).not.toContain(id);
      }
      expect((await ctx.api('get', '/v1/settings')).body.id).toBe(ctx.demo.businessId);
    });

    it('leaves every row of B as it was', async () => {
      const prisma = ctx.db.prisma;
      expect(await prisma.booking.findUniqueOrThrow({ where: { uid: ctx.other.bookingUid } })).toMatchObject({ status: 'confirmed', rescheduleCount: 0, notes: null });
      expect(await prisma.service.findUniqueOrThrow({ where: { id: ctx.other.serviceId } })).toMatchObject({ name: 'Other consultation', isActive: true });
      expect(await prisma.staff.findUniqueOrThrow({ where: { id: ctx.other.staffId } })).toMatchObject({ name: 'Other Staff', isActive: true });
      expect(await prisma.location.count({ where: { id: ctx.other.locationId } })).toBe(1);
      expect(await prisma.workingHours.count({ where: { staffId: ctx.other.staffId } })).toBe(5);
      expect(await prisma.dateOverride.count({ where: { id: otherOverrideId } })).toBe(1);
      expect(await prisma.customer.findUniqueOrThrow({ where: { id: ctx.other.customerId } })).toMatchObject({ name: 'Other Client' });
      expect(await prisma.outboxMessage.count({ where: { businessId: ctx.other.businessId } })).toBe(0);
      expect(await prisma.apiKey.findUniqueOrThrow({ where: { id: otherKeyId } })).toMatchObject({ revokedAt: null });
      expect(await prisma.business.findUniqueOrThrow({ where: { id: ctx.other.businessId } })).toMatchObject({ name: 'Other Clinic', timeZone: 'Europe/Lisbon' });
      expect(await prisma.whatsAppNumber.findUniqueOrThrow({ where: { id: otherNumberId } })).toMatchObject({ sendRatePerSecond: 7, accessTokenEncrypted: expect.stringMatching(/^v1:/) });
      expect(await prisma.webhookSubscription.findUniqueOrThrow({ where: { id: otherSubscriptionId } })).toMatchObject({ secret: 'other-secret-0123456789', isActive: true, events: [] });
      expect(await prisma.reminderRule.findUniqueOrThrow({ where: { id: otherReminderRuleId } })).toMatchObject({ isActive: true, offsetHours: 2 });
      expect(await prisma.reminderRule.findUniqueOrThrow({ where: { id: otherFollowUpRuleId } })).toMatchObject({ isActive: true, offsetHours: 2 });
      expect(await prisma.externalCalendar.count({ where: { id: otherCalendarId } })).toBe(1);
      expect(await prisma.externalBusyBlock.count({ where: { calendarId: otherCalendarId } })).toBe(1);
      expect(await prisma.staff.findUniqueOrThrow({ where: { id: ctx.other.staffId } })).toMatchObject({ calendarFeedTokenHash: 'b'.repeat(64) });
      // B's own key still sees its appointment.
      expect((await ctx.api('get', `/v1/appointments/${ctx.other.bookingUid}`, ctx.other.key)).status).toBe(200);
    });
  });
});
