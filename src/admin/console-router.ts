/**
 * The staff console: server-rendered pages under /admin (sign-in, calendar, booking panel,
 * inbox, customers, dashboard, console users, settings, WhatsApp numbers, API keys, webhooks). It calls the domain components directly (booking core, repositories), never the HTTP
 * API. Only /admin paths (and the `/` redirect) pass through its middleware.
 */
import express, { Router } from 'express';
import type { ApiOperations } from '../api';
import type { BookingService } from '../booking';
import type { Clock } from '../platform/clock';
import type { PrismaClient } from '../platform/database';
import type { Logger } from '../platform/logger';
import { createAssetRoutes } from './http/asset-routes';
import { createAuthRoutes } from './http/auth-routes';
import { createBookingRoutes } from './http/booking-routes';
import { createCalendarRoutes } from './http/calendar-routes';
import { consoleUserOf, requireSignedIn } from './http/console-session';
import { createCustomerRoutes } from './http/customer-routes';
import { createDashboardRoutes } from './http/dashboard-routes';
import { createInboxRoutes } from './http/inbox-routes';
import { createIntegrationRoutes, type ConsoleSecretSettings } from './http/integration-routes';
import { createNewBookingRoutes } from './http/new-booking-routes';
import { setConsoleSecurityHeaders } from './http/security-headers';
import { createUserRoutes } from './http/user-routes';
import { createSettingsBodyParser, createSettingsRoutes } from './http/settings/settings-routes';
import { createTranslate } from './i18n';
import { renderMessagePage } from './views/message-page';

/** What the console needs: the database, the clock, the app's booking core, and the API's operations (settings pages). */
export interface ConsoleRouterDeps {
  prisma: PrismaClient;
  clock: Clock;
  logger: Logger;
  bookings: BookingService;
  operations: ApiOperations;
  /** DATA_ENCRYPTION_KEY and the outbound URL policy (Settings → webhooks); absent → secrets cannot be stored. */
  secrets?: ConsoleSecretSettings;
}

/** Builds the console router; mount it on the app before the 404 handler. */
export function createConsoleRouter(deps: ConsoleRouterDeps): Router {
  const router = Router();
  router.get('/', (_req, res) => res.redirect(303, '/admin'));
  router.use('/admin', setConsoleSecurityHeaders());
  router.use(createAssetRoutes());
  router.use('/admin/settings/staff', createSettingsBodyParser());
  router.use('/admin', express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 50 }));
  router.use(createAuthRoutes(deps));
  router.use('/admin', requireSignedIn(deps));
  router.get('/admin', (_req, res) => res.redirect(303, '/admin/calendar'));
  router.use(createCalendarRoutes(deps));
  router.use(createNewBookingRoutes(deps));
  router.use(createBookingRoutes(deps));
  router.use(createInboxRoutes(deps));
  router.use(createCustomerRoutes(deps));
  router.use(createUserRoutes(deps));
  router.use(createDashboardRoutes(deps));
  // Settings: business, services, staff, locations.
  router.use(createSettingsRoutes(deps));
  // Settings → WhatsApp numbers, API keys, webhook subscriptions.
  router.use(createIntegrationRoutes(deps));
  router.use('/admin', (_req, res) => {
    const t = createTranslate(consoleUserOf(res).locale);
    res.status(404).type('html').send(renderMessagePage({ t, title: '404', message: t('error.notFound'), status: 404 }));
  });
  return router;
}
