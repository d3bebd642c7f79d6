/**
 * The answers of the operator endpoints (/livez, /readyz, /metrics), apart from the HTTP server
 * that sends them: the main port's express router and the METRICS_PORT thread send the same ones.
 */
import type { PrismaClient } from '../platform/database';
import { errorBody } from '../platform/http-errors';
import { metricsRegistry, startProcessMetrics } from '../platform/metrics';
import { isMetricsTokenValid } from './metrics-auth';
import type { ReadinessReport } from './readiness';
import { refreshScrapeGauges } from './scrape-gauges';

/** One operator answer: status, headers and body, ready to send. */
export interface OperatorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** A JSON answer that no cache keeps. */
export function jsonAnswer(status: number, value: unknown, headers: Record<string, string> = {}): OperatorAnswer {
  return { status, headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store', ...headers }, body: JSON.stringify(value) };
}

/** An error in the API's shape: {"error":{"code","message"}}. */
export function errorAnswer(status: number, code: string, message: string, headers: Record<string, string> = {}): OperatorAnswer {
  return jsonAnswer(status, errorBody(code, message), headers);
}

/** GET /livez: the process is up (its event loop answered). */
export function livezAnswer(): OperatorAnswer {
  return jsonAnswer(200, { status: 'ok' });
}

/** GET /readyz: 200 when every check passes, 503 naming the failing ones otherwise. */
export async function readyzAnswer(readiness: () => Promise<ReadinessReport>): Promise<OperatorAnswer> {
  const report = await readiness();
  return jsonAnswer(report.status === 'ready' ? 200 : 503, report);
}

/** GET /metrics: 401 with a Bearer challenge unless `token` is undefined or sent; the Prometheus text otherwise. */
export async function metricsAnswer(deps: { prisma: PrismaClient; token: string | undefined }, authorization: string | undefined): Promise<OperatorAnswer> {
  if (deps.token !== undefined && !isMetricsTokenValid(authorization, deps.token)) {
    return errorAnswer(401, 'unauthorized', 'GET /metrics needs "Authorization: Bearer <METRICS_TOKEN>" with the token configured on the server.', {
      'www-authenticate': 'Bearer realm="metrics"',
    });
  }
  startProcessMetrics();
  await refreshScrapeGauges(deps.prisma);
  return { status: 200, headers: { 'content-type': metricsRegistry.contentType, 'cache-control': 'no-store' }, body: await metricsRegistry.metrics() };
}
