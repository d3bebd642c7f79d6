/**
 * Operator endpoints: GET /livez (the process is up), GET /readyz (it may take traffic: JSON
 * naming each failing check, 503 when one fails) and GET /metrics (Prometheus text format).
 *
 * /metrics on the main port answers only with METRICS_TOKEN as a bearer token (no token
 * configured → 404, as if the route did not exist); on the dedicated METRICS_PORT listener it
 * needs the token only when one is configured.
 */
import { Router } from 'express';
import type { PrismaClient } from '../platform/database';
import { sendError } from '../platform/http-errors';
import { metricsRegistry, startProcessMetrics } from '../platform/metrics';
import { isMetricsTokenValid } from './metrics-auth';
import type { ReadinessReport } from './readiness';
import { refreshScrapeGauges } from './scrape-gauges';

/** What the operator routes need. */
export interface OperatorRouterDeps {
  prisma: PrismaClient;
  readiness: () => Promise<ReadinessReport>;
  /** undefined → /metrics is not served by this router (metrics off). */
  metrics?: {
    token: string | undefined;
    /** 'main': the public port (token required, else 404); 'dedicated': the METRICS_PORT listener. */
    listener: 'main' | 'dedicated';
  };
}

/** Builds the router of /livez, /readyz and /metrics. */
export function createOperatorRouter(deps: OperatorRouterDeps): Router {
  const router = Router();

  router.get('/livez', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const report = await deps.readiness();
    res.set('cache-control', 'no-store').status(report.status === 'ready' ? 200 : 503).json(report);
  });

  const metrics = deps.metrics;
  if (metrics) {
    router.get('/metrics', async (req, res, next) => {
      if (metrics.token === undefined && metrics.listener === 'main') return next();
      if (metrics.token !== undefined && !isMetricsTokenValid(req.get('authorization'), metrics.token)) {
        res.set('www-authenticate', 'Bearer realm="metrics"');
        sendError(res, 401, 'unauthorized', 'GET /metrics needs "Authorization: Bearer <METRICS_TOKEN>" with the token configured on the server.');
        return;
      }
      startProcessMetrics();
      await refreshScrapeGauges(deps.prisma);
      res.set('cache-control', 'no-store').type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
    });
  }
  return router;
}
