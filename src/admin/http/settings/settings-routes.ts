/**
 * The Settings pages of business, services, staff and locations (admins only; CSRF on every
 * POST). Each change runs the API's own operation as the console user.
 */
import express, { Router } from 'express';
import type { ApiOperations } from '../../../api';
import type { Clock } from '../../../platform/clock';
import { requireAction, requireCsrfToken } from '../console-session';
import { createBusinessSettingsRoutes } from './business-settings-routes';
import { createLocationSettingsRoutes } from './location-settings-routes';
import { createServiceSettingsRoutes } from './service-settings-routes';
import { createStaffSettingsRoutes } from './staff-settings-routes';

/**
 * The hours grid posts up to 7 days × 10 ranges × 2 fields; the console's body parser (50 fields)
 * runs after this one and leaves a parsed body alone.
 */
export function createSettingsBodyParser(): express.RequestHandler {
  return express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });
}

/** Builds the settings routes (behind requireSignedIn). */
export function createSettingsRoutes(deps: { operations: ApiOperations; clock: Clock }): Router {
  const router = Router();
  router.use('/admin/settings', requireAction('manage_settings'), requireCsrfToken());
  router.use(createBusinessSettingsRoutes(deps));
  router.use(createServiceSettingsRoutes(deps));
  router.use(createStaffSettingsRoutes(deps));
  router.use(createLocationSettingsRoutes(deps));
  return router;
}
