/**
 * Assembles /v1 from the route declarations: authentication, rate limit, role check, zod
 * validation of path, query and body, Idempotency-Key on POST, JSON errors. Also serves the
 * OpenAPI document and the /docs page built from the same declarations.
 */
import express, { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { createBookingService, type BookingService } from '../booking';
import type { Clock } from '../platform/clock';
import type { PrismaClient } from '../platform/database';
import { sendError } from '../platform/http-errors';
import { findUnsafeInput } from '../platform/input-safety';
import type { Logger } from '../platform/logger';
import { ApiError, toApiHttpError } from './api-error';
import { buildApiKeyRoutes } from './api-key-routes';
import { buildAppointmentRoutes } from './appointment-routes';
import { buildCalendarRoutes } from './calendar-routes';
import { buildClientRoutes } from './client-routes';
import { buildConversationRoutes } from './conversation-routes';
import { buildLocationRoutes } from './location-routes';
import { buildServiceRoutes } from './service-routes';
import { buildSettingsRoutes } from './settings-routes';
import { buildStaffRoutes } from './staff-routes';
import { buildStaffCalendarRoutes } from './staff-calendar-routes';
import { buildReminderRuleRoutes } from './reminder-rule-routes';
import { buildReportRoutes } from './report-routes';
import { buildWebhookSubscriptionRoutes } from './webhook-subscription-routes';
import { buildWhatsAppNumberRoutes } from './whatsapp-number-routes';
import { resolveWithDns, type HostResolver } from '../platform/safe-fetch';
import { authenticateRequest, ensureRoleAccess, type ApiAuth } from './auth';
import { createAuthThrottle } from './auth-throttle';
import { DOCS_SCRIPT, DOCS_SCRIPT_PATH, DOCS_STYLE, DOCS_STYLE_PATH, renderDocsPage } from './docs-page';
import { hashRequest, runIdempotent, type StoredResponse } from './idempotency';
import { buildOpenApiDocument } from './openapi';
import { createRateLimiter } from './rate-limiter';
import { defineRoute, RouteResponse, toExpressPath, type AnyApiRoute } from './route-definition';

/** What the API needs from the app. */
export interface ApiRouterDeps {
  prisma: PrismaClient;
  logger: Logger;
  clock: Clock;
  /** Requests per minute per key (token bucket); default 600. */
  rateLimitPerMinute?: number;
  /** Failed authentications (401) per minute per client address before 429; default 30. */
  failedAuthPerMinute?: number;
  /** The app's booking core (with its reminder and event listeners); a bare one when absent (tests). */
  bookings?: BookingService;
  /** DATA_ENCRYPTION_KEY (config.dataEncryptionKey); undefined → routes that store a secret answer 409. */
  encryptionKey?: Buffer;
  /** Tests only: lets webhook and calendar URLs on http://localhost / 127.0.0.1 through (never set by the running server). */
  allowsLoopbackUrls?: boolean;
  /** Resolves host names for the SSRF check of webhook and calendar URLs (default: system DNS). */
  resolveHost?: HostResolver;
}

const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;
const DEFAULT_FAILED_AUTH_PER_MINUTE = 30;
const BODY_LIMIT = '100kb';

/** Every route of the API (documented and mounted), including the document itself. */
export function buildApiRoutes(deps: ApiRouterDeps): AnyApiRoute[] {
  const bookings = deps.bookings ?? createBookingService({ prisma: deps.prisma, clock: deps.clock });
  const { prisma, clock } = deps;
  const secrets = { encryptionKey: deps.encryptionKey, allowsLoopbackUrls: deps.allowsLoopbackUrls ?? false, resolveHost: deps.resolveHost ?? resolveWithDns };
  const routes: AnyApiRoute[] = [
    ...buildCalendarRoutes({ prisma }),
    ...buildStaffCalendarRoutes({ prisma, clock, ...secrets }),
    ...buildReminderRuleRoutes({ prisma }),
    ...buildWhatsAppNumberRoutes({ prisma, ...secrets }),
    ...buildWebhookSubscriptionRoutes({ prisma, ...secrets }),
    ...buildAppointmentRoutes({ prisma, clock, bookings }),
    ...buildClientRoutes({ prisma, clock }),
    ...buildConversationRoutes({ prisma, clock }),
    ...buildServiceRoutes({ prisma }),
    ...buildStaffRoutes({ prisma }),
    ...buildLocationRoutes({ prisma }),
    ...buildSettingsRoutes({ prisma }),
    ...buildApiKeyRoutes({ prisma, clock }),
    ...buildReportRoutes({ prisma, clock }),
  ];
  let document: Record<string, unknown> | undefined;
  routes.push(
    defineRoute({
      method: 'get',
      path: '/v1/openapi.json',
      family: 'docs',
      summary: 'This OpenAPI 3.1 document',
      isPublic: true,
      status: 200,
      async handle() {
        document ??= buildOpenApiDocument(routes);
        return document;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/docs',
      family: 'docs',
      summary: 'Human-readable API documentation (HTML)',
      isPublic: true,
      status: 200,
      produces: 'text/html',
      async handle() {
        return new RouteResponse(200, renderDocsPage(), 'text/html; charset=utf-8');
      },
    }),
    // The page's script and style are files of their own, so the Content-Security-Policy needs no inline allowance.
    defineRoute({
      method: 'get',
      path: DOCS_SCRIPT_PATH,
      family: 'docs',
      summary: 'Script of the /docs page',
      isPublic: true,
      status: 200,
      produces: 'text/javascript',
      async handle() {
        return new RouteResponse(200, DOCS_SCRIPT, 'text/javascript; charset=utf-8');
      },
    }),
    defineRoute({
      method: 'get',
      path: DOCS_STYLE_PATH,
      family: 'docs',
      summary: 'Style sheet of the /docs page',
      isPublic: true,
      status: 200,
      produces: 'text/css',
      async handle() {
        return new RouteResponse(200, DOCS_STYLE, 'text/css; charset=utf-8');
      },
    }),
  );
  return routes;
}

/** Builds the router; mount it before the app's 404 handler. */
export function createApiRouter(deps: ApiRouterDeps): Router {
  const router = Router();
  const log = deps.logger.child({ component: 'api' });
  const limiter = createRateLimiter({ requestsPerMinute: deps.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE, now: () => deps.clock.now().getTime() });
  const authThrottle = createAuthThrottle({ failuresPerMinute: deps.failedAuthPerMinute ?? DEFAULT_FAILED_AUTH_PER_MINUTE, now: () => deps.clock.now().getTime() });
  router.use('/v1', express.json({ limit: BODY_LIMIT }));

  for (const route of buildApiRoutes(deps)) {
    router[route.method](toExpressPath(route.path), async (req: Request, res: Response) => {
      try {
        let auth: ApiAuth | undefined;
        if (!route.isPublic) {
          auth = await authThrottle.guard(req, () => authenticateRequest(deps.prisma, req, deps.clock.now()));
          const decision = limiter.take(auth.keyId);
          if (!decision.isAllowed) {
            throw new ApiError(429, 'rate_limited', `Too many requests for this key. Retry after ${decision.retryAfterSeconds} s.`, undefined, {
              'Retry-After': String(decision.retryAfterSeconds),
            });
          }
          res.set('X-RateLimit-Remaining', String(decision.remaining));
          ensureRoleAccess(auth, { family: route.family, method: route.method, isAdminOnly: route.isAdminOnly });
        }
        ensureStorableInput(req);
        ensureBodyPresent(route, req);
        const issues: Array<{ in: string; field: string; message: string }> = [];
        const params = parsePart(route.params, req.params, 'path', issues);
        const query = parsePart(route.query, req.query, 'query', issues);
        const body = parsePart(route.body, req.body, 'body', issues);
        if (issues.length > 0) throw new ApiError(400, 'invalid_request', 'The request is not valid; see details for each field.', issues);

        const execute = async (): Promise<StoredResponse & { contentType?: string; headers?: Record<string, string> }> => {
          const result = await route.handle({ params, query, body, auth: auth!, req });
          return result instanceof RouteResponse ? { status: result.status, body: result.body, contentType: result.contentType, headers: result.headers } : { status: route.status, body: result };
        };
        const idempotencyKey = req.get('idempotency-key');
        let response: StoredResponse & { contentType?: string; headers?: Record<string, string> };
        if (route.method === 'post' && auth && idempotencyKey !== undefined) {
          const result = await runIdempotent(deps.prisma, {
            businessId: auth.businessId,
            apiKeyId: auth.keyId,
            key: idempotencyKey,
            requestHash: hashRequest({ method: req.method, path: req.path, body: req.body }),
            execute,
          });
          if (result.isReplay) res.set('Idempotent-Replayed', 'true');
          response = result;
        } else {
          response = await execute();
        }
        if (response.headers) res.set(response.headers);
        if (response.body === undefined) res.status(response.status).end();
        else if (response.contentType) res.status(response.status).type(response.contentType).send(response.body);
        else res.status(response.status).json(response.body);
      } catch (error) {
        const shape = toApiHttpError(error);
        if (shape.status >= 500) log.error({ err: error, method: req.method, route: route.path }, 'api request failed');
        if (shape.headers) res.set(shape.headers);
        sendError(res, shape.status, shape.code, shape.message, shape.details);
      }
    });
  }
  return router;
}

/**
 * A route that needs a body got none: express.json() leaves req.body undefined both without a body
 * and for another Content-Type, and zod would only say "expected object, received undefined".
 */
function ensureBodyPresent(route: AnyApiRoute, req: Request): void {
  if (!route.body || req.body !== undefined || route.body.safeParse(undefined).success) return;
  const contentType = req.get('content-type');
  const example = route.bodyExample !== undefined ? ` For example: ${JSON.stringify(route.bodyExample)}` : '';
  const message =
    contentType && !/^application\/([\w.+-]+\+)?json\b/i.test(contentType)
      ? `The body must be JSON sent with the header Content-Type: application/json (this request sent Content-Type: ${contentType.slice(0, 100)}).`
      : `This request needs a JSON object body, sent with the header Content-Type: application/json.${example}`;
  throw new ApiError(400, 'invalid_request', message, [{ in: 'body', field: '', message }]);
}

/**
 * The API's one rule for text, before any schema sees it: no string of the path, query or body
 * (keys included) holds a NUL or an unpaired surrogate, and no body nests deeper than the platform
 * limit. PostgreSQL could store neither, and a schema refinement would have to be repeated on
 * every string field of every route.
 */
function ensureStorableInput(req: Request): void {
  const parts = [
    ['path', req.params],
    ['query', req.query],
    ['body', req.body],
  ] as const;
  for (const [location, value] of parts) {
    const unsafe = findUnsafeInput(value);
    if (unsafe) throw new ApiError(400, 'invalid_input', `The request ${location} is not valid: ${unsafe.message}.`, [{ in: location, field: unsafe.path, message: unsafe.message }]);
  }
}

function parsePart(schema: z.ZodType | undefined, value: unknown, location: string, issues: Array<{ in: string; field: string; message: string }>): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) issues.push({ in: location, field: issue.path.join('.'), message: issue.message });
  return undefined;
}
