/**
 * Operator endpoints: GET /livez (the process is up), GET /readyz (it may take traffic: JSON
 * naming each failing check, 503 when one fails) and GET /metrics (Prometheus text format).
 *
 * /metrics on the main port answers only with METRICS_TOKEN as a bearer token (no token
 * configured → 404, as if the route did not exist). The METRICS_PORT listener (metrics-server.ts)
 * sends the same answers from a thread of its own.
 */
import { Router, type Response } from 'express';
import type { PrismaClient } from '../platform/database';
import { livezAnswer, metricsAnswer, readyzAnswer, type OperatorAnswer } from './operator-answers';
import type { ReadinessReport } from './readiness';

/** What the operator routes need. */
export interface OperatorRouterDeps {
  prisma: PrismaClient;
  readiness: () => Promise<ReadinessReport>;
  /** undefined → /metrics is not served by this router (metrics off). */
  metrics?: { token: string | undefined };
}

/** Builds the main port's router of /livez, /readyz and /metrics. */
export function createOperatorRouter(deps: OperatorRouterDeps): Router {
  const router = Router();
  router.get('/livez', (_req, res) => send(res, livezAnswer()));
  router.get('/readyz', async (_req, res) => send(res, await readyzAnswer(deps.readiness)));
  const token = deps.metrics?.token;
  // Without a token the route is not registered: /metrics on the public port falls through to the app's 404.
  if (token !== undefined) {
    router.get('/metrics', async (req, res) => send(res, await metricsAnswer({ prisma: deps.prisma, token }, req.get('authorization'))));
  }
  return router;
}

function send(res: Response, answer: OperatorAnswer): void {
  res.status(answer.status).set(answer.headers).send(answer.body);
}
