/** Reports: KPI reports computed from stored facts (API, console), and the operators' Prometheus metrics, probes and tracing. */

// KPI reports, used by src/api and src/admin.
export { createKpiReports, type KpiReports, type KpiReportResult } from './kpi-service';
export { kpiQuerySchema, listPeriods, MAX_RANGE_DAYS, type KpiGranularity, type KpiQuery } from './kpi-query';
export type { KpiReport, KpiPeriod, KpiValues, PathCounts, ActorCounts } from './kpi-report';
export { toKpiCsv } from './kpi-csv';

// Operators, used by src/app.ts and src/main.ts: /metrics, /livez, /readyz.
export { createOperatorRouter, type OperatorRouterDeps } from './operator-routes';
export { createReadinessCheck, type ReadinessReport, type ReadinessDeps, type ProbeCheck } from './readiness';
export { startMetricsServer, type MetricsServer } from './metrics-server';
export { observeTurns } from './job-metrics';
export { timePostResponses } from './response-timing';
export { isMetricsTokenValid } from './metrics-auth';
export { refreshScrapeGauges } from './scrape-gauges';

// Internal, exported for tests and the benchmark.
export { buildKpiReport, median } from './kpi-report';
export { findKpiFacts, KPI_STATEMENTS, toKpiParameters, type KpiFacts } from './kpi-repository';
