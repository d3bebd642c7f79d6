/** Operator-facing reports: Prometheus metrics, health probes (/livez, /readyz), optional tracing. */
export { createOperatorRouter, type OperatorRouterDeps } from './operator-routes';
export { createReadinessCheck, type ReadinessReport, type ReadinessDeps, type ProbeCheck } from './readiness';
export { startMetricsServer, type MetricsServer } from './metrics-server';
export { observeTurns } from './job-metrics';
export { timePostResponses } from './response-timing';
export { isMetricsTokenValid } from './metrics-auth';
export { refreshScrapeGauges } from './scrape-gauges';
