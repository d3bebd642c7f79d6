/**
 * Assembles the Express application from its components. Kept apart from main.ts so tests
 * mount the app in-process with their own database and clock.
 */
import express, { type ErrorRequestHandler, type Express } from 'express';
import { checkDatabase, type AppConfig, type Clock, type Logger, type OutboundPolicy, type PrismaClient } from './platform';
import { sendError, toHttpError } from './platform/http-errors';
import { createSecurityHeaders } from './platform/security-headers';
import { createWebhookRouter } from './whatsapp';
import { createConsoleRouter, createSandboxRouter, createSimulatorRouter } from './admin';
import { createApiOperations, createApiRouter, type ApiRouterDeps } from './api';
import { createFlowsRouter } from './flows';
import { createBookingService } from './booking';
import { createBookingListeners } from './reminders';
import { createOperatorRouter, createReadinessCheck, timePostResponses } from './reports';
import { flowsEndpointDuration, webhookAckDuration } from './platform/metrics';

/** Everything the HTTP app needs from the outside. */
export interface AppDeps {
  /** Aborted when the process stops: booking retries end instead of going on. */
  shutdownSignal?: AbortSignal;
  config: AppConfig;
  prisma: PrismaClient;
  logger: Logger;
  clock: Clock;
  /**
   * Tests only: the policy of URLs the server calls (webhooks, calendar feeds), e.g. to let the
   * suite's loopback receivers through. The running server passes nothing: public addresses only.
   */
  outbound?: OutboundPolicy;
  /** In a process that also runs job workers: whether its job runner still runs (for /readyz). */
  isJobRunnerAlive?: () => boolean;
  /** Tests only: the Flow JSON file the simulator renders (default flows/booking.flow.json). */
  simulatorFlowJsonFile?: string;
}

/** Builds the Express app: routes, JSON errors, 404s. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Security headers on every response (CSP, nosniff, no framing), pages of every component alike.
  app.use(createSecurityHeaders());
  // One booking core for every entry point, with the listeners that plan reminders, write
  // outgoing events and alert staff inside each booking's transaction.
  const bookings = createBookingService({ prisma: deps.prisma, clock: deps.clock, listeners: createBookingListeners({ clock: deps.clock }), signal: deps.shutdownSignal });
  app.set('trust proxy', 'loopback');
  // Answer latencies of the two routes Meta waits on, by status (before their routers, to see every answer).
  if (deps.config.metrics.isEnabled) app.use(deps.config.flows.endpointPath, timePostResponses(flowsEndpointDuration));
  if (deps.config.metrics.isEnabled) app.use('/webhook', timePostResponses(webhookAckDuration));

  // First: the Flows endpoint is the app's latency-critical route (WhatsApp waits on it while the customer
  // looks at a spinner), and it only claims POST on its own path, so the routers after it see the same requests.
  app.use(createFlowsRouter({ config: deps.config, prisma: deps.prisma, logger: deps.logger, clock: deps.clock, bookings }));

  app.get('/health', async (_req, res) => {
    const database = await checkDatabase(deps.prisma);
    // The IANA data inside Node decides every local time customers see; naming it lets an operator
    // spot a Node upgrade that brought older rules.
    const tzdata = process.versions.tz;
    if (database.ok) res.json({ status: 'ok', database: 'ok', tzdata });
    else res.status(503).json({ status: 'error', database: 'unavailable', reason: database.reason, tzdata });
  });
  // /livez, /readyz and (with METRICS_TOKEN) /metrics.
  app.use(createOperatorRouter({
    prisma: deps.prisma,
    readiness: createReadinessCheck({ prisma: deps.prisma, ...(deps.isJobRunnerAlive ? { isJobRunnerAlive: deps.isJobRunnerAlive } : {}) }),
    ...(deps.config.metrics.isEnabled ? { metrics: { token: deps.config.metrics.token } } : {}),
  }));

  // What the API and the console's settings pages share: the booking core, the encryption key of
  // stored secrets and the policy of URLs the server calls.
  const apiDeps: ApiRouterDeps = {
    prisma: deps.prisma,
    logger: deps.logger,
    clock: deps.clock,
    bookings,
    encryptionKey: deps.config.dataEncryptionKey,
    allowsLoopbackUrls: deps.outbound?.allowsLoopback === true,
    ...(deps.outbound?.resolveHost ? { resolveHost: deps.outbound.resolveHost } : {}),
  };

  // The staff console (/admin, and / redirects there): the same booking core as the API, so a
  // staff change messages the customer by the business's setting whichever way it was made.
  app.use(createConsoleRouter({ prisma: deps.prisma, clock: deps.clock, logger: deps.logger, bookings,
    operations: createApiOperations(apiDeps),
    secrets: { encryptionKey: apiDeps.encryptionKey, allowsLoopbackUrls: apiDeps.allowsLoopbackUrls === true, ...(apiDeps.resolveHost ? { resolveHost: apiDeps.resolveHost } : {}) },
  }));

  // The WhatsApp simulator (/simulator): open in sandbox mode, console admins only otherwise. It
  // reaches the server only through /webhook and the Flows endpoint, as Meta does.
  app.use(createSimulatorRouter({ prisma: deps.prisma, clock: deps.clock, config: deps.config, ...(deps.simulatorFlowJsonFile ? { flowJsonFile: deps.simulatorFlowJsonFile } : {}) }));

  app.use(
    createWebhookRouter({
      prisma: deps.prisma,
      logger: deps.logger,
      clock: deps.clock,
      appSecret: deps.config.whatsapp.appSecret,
      verifyToken: deps.config.whatsapp.verifyToken,
    }),
  );

  app.use(createApiRouter(apiDeps));

  if (deps.config.whatsapp.isSandbox) app.use(createSandboxRouter({ prisma: deps.prisma }));

  app.use((req, res) => {
    sendError(res, 404, 'not_found', `No route for ${req.method} ${req.path}. See /v1/openapi.json for the API.`);
  });

  const handleError: ErrorRequestHandler = (error, req, res, _next) => {
    const httpError = toHttpError(error);
    // The webhook contract: anything a client sends that we cannot read is a plain 400.
    if (req.path === '/webhook' && httpError.status === 413) httpError.status = 400;
    if (httpError.status >= 500) deps.logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    sendError(res, httpError.status, httpError.code, httpError.message, httpError.details);
  };
  app.use(handleError);
  return app;
}
