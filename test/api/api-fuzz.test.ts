/**
 * Property-based fuzzing of the REST API (fast-check, fixed seed): every documented route, called
 * with real ids, the query fields its schema declares and its documented body example, then any
 * path id, query value or body field replaced by a wrong type, a huge or hostile string, an edge
 * number or deep nesting. Property: every request is answered, below 500, within 10 s.
 */
import express from 'express';
import fc from 'fast-check';
import request from 'supertest';
import type { z } from 'zod';
import { buildApiRoutes, createApiRouter, type ApiRouterDeps } from '../../src/api';
import { createBookingService } from '../../src/booking';
import { createLogger } from '../../src/platform';
import { sendError } from '../../src/platform/http-errors';
import { collectUnhandledRejections, FUZZ_SEED, mutatedFrom } from '../support/hostile-json';
import { createApiTestContext, FAKE_DNS, type ApiTestContext } from './api-test-kit';

const RUNS = 2000;

/** A request before it becomes HTTP: the fuzz mutates this object. */
interface RequestModel {
  route: number;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
}

/**
 * A path or query value from whatever the mutation left there, at most 2,000 characters: a longer URL
 * meets Node's own 16 KB header limit (431, connection closed) before the app, which is not under test.
 */
function toText(value: unknown): string {
  return (typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined')).slice(0, 2000);
}

/** Percent-encodes like a client would; an unpaired surrogate (which encodeURIComponent refuses) goes out as invalid UTF-8 bytes. */
function encodePathSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

describe('REST API fuzz: mutated documented requests never get a 5xx or hang', () => {
  let ctx: ApiTestContext;
  let app: express.Express;
  let routes: ReturnType<typeof buildApiRoutes>;
  let bases: RequestModel[];

  beforeAll(async () => {
    ctx = await createApiTestContext({ withJobQueue: true });
    const { prisma } = ctx.db;
    const deps: ApiRouterDeps = {
      prisma,
      logger: createLogger('silent'),
      clock: ctx.clock,
      // The fixed clock never refills the bucket: the limit must not turn the fuzz into 3,000 × 429.
      rateLimitPerMinute: 1_000_000,
      bookings: createBookingService({ prisma, clock: ctx.clock }),
      encryptionKey: ctx.encryptionKey,
      allowsLoopbackUrls: true,
      resolveHost: async (host) => {
        const addresses = FAKE_DNS[host];
        if (!addresses) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
        return addresses;
      },
    };
    app = express();
    app.use(createApiRouter(deps));
    app.use((req, res) => sendError(res, 404, 'not_found', `No route for ${req.method} ${req.path}.`));
    // A key's own revocation would end the fuzz early with 401s; every other route is fair game.
    routes = buildApiRoutes(deps).filter((route) => !(route.method === 'delete' && route.path === '/v1/api-keys/{id}'));

    const businessId = ctx.demo.businessId;
    const customer = await prisma.customer.create({ data: { businessId, waId: '34655200001', phoneE164: '+34655200001', name: 'Fuzz Client', lastInboundAt: ctx.clock.now() } });
    const conversation = await prisma.conversation.create({ data: { businessId, customerId: customer.id, machineVersion: 1, snapshot: {}, stateValue: 'handoff', isHandoff: true, lastActivityAt: ctx.clock.now() } });
    const location = await prisma.location.create({ data: { businessId, name: 'Fuzz room' } });
    const booked = await request(app).post('/v1/appointments').set('x-api-key', ctx.keys.admin).send({ clientId: customer.id, serviceId: 'consultation', date: '2026-04-01', time: '10:00' });
    expect(booked.status).toBe(201);
    const override = await request(app).post(`/v1/staff/${ctx.demo.staff.ana}/date-overrides`).set('x-api-key', ctx.keys.admin).send({ date: '2026-05-01', isClosed: true });
    const idsByResource: Record<string, string> = {
      appointments: booked.body.id,
      clients: customer.id,
      conversations: conversation.id,
      locations: location.id,
      services: 'consultation',
      staff: ctx.demo.staff.ana,
    };
    const idFor = (path: string, name: string): string => {
      if (name === 'overrideId') return override.body.id ?? '00000000-0000-4000-8000-000000000000';
      const resource = path.split('/')[2] ?? '';
      return idsByResource[resource] ?? '00000000-0000-4000-8000-000000000000';
    };
    const queryValueFor = (name: string): string => {
      if (/date$|^from$|^to$/i.test(name)) return name.toLowerCase().includes('end') || name === 'to' ? '2026-04-30' : '2026-04-01';
      if (name === 'serviceId') return 'consultation';
      if (name === 'staffId') return ctx.demo.staff.ana;
      if (name === 'clientId') return customer.id;
      if (name === 'locationId') return location.id;
      if (name === 'page' || name === 'limit') return '1';
      if (name === 'status') return 'confirmed';
      if (name === 'timezone') return 'Europe/Madrid';
      if (/^(is|has|next|waiting)/.test(name)) return 'true';
      return 'Ana';
    };
    bases = routes.map((route, index) => {
      const paramNames = [...route.path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1]!);
      const queryShape = (route.query as z.ZodObject | undefined)?.shape ?? {};
      return {
        route: index,
        params: Object.fromEntries(paramNames.map((name) => [name, idFor(route.path, name)])),
        query: Object.fromEntries(Object.keys(queryShape).map((name) => [name, queryValueFor(name)])),
        body: route.bodyExample ?? (route.method === 'get' || route.method === 'delete' ? undefined : {}),
      };
    });
  });
  afterAll(async () => ctx.db.drop());

  it(`answers ${RUNS} mutated requests across every route below 500 within 10 s each`, async () => {
    const statuses = new Map<number, number>();
    const unhandled = await collectUnhandledRejections(() =>
      fc.assert(
        fc.asyncProperty(fc.constantFrom(...bases).chain((base) => fc.tuple(fc.constant(base), mutatedFrom({ params: base.params, query: base.query, body: base.body }))), async ([base, mutated]) => {
          const route = routes[base.route]!;
          const { params, query, body } = (mutated ?? {}) as Partial<RequestModel>;
          const paramValues = params !== null && typeof params === 'object' ? params : {};
          const path = route.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_whole, name: string) => encodePathSegment(toText((paramValues as Record<string, unknown>)[name])));
          const search = query !== null && typeof query === 'object' && !Array.isArray(query)
            ? Object.entries(query).map(([key, value]) => `${encodePathSegment(key)}=${encodePathSegment(toText(value))}`).join('&')
            : `q=${encodePathSegment(toText(query))}`;
          let call = request(app)[route.method](search ? `${path}?${search}` : path).set('x-api-key', ctx.keys.admin).timeout(10_000);
          if (route.method !== 'get' && route.method !== 'delete') call = call.set('content-type', 'application/json').send(JSON.stringify(body) ?? '');
          const res = await call;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500) throw new Error(`${route.method.toUpperCase()} ${path} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
        }),
        { seed: FUZZ_SEED, numRuns: RUNS },
      ),
    );
    expect(unhandled).toEqual([]);
    // Mutations that leave a request valid still reach the handlers and the database.
    expect([...statuses.keys()].some((status) => status >= 200 && status < 300)).toBe(true);
  });
});
