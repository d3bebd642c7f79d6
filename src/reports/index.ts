/** KPI reports computed from stored facts: what the API and the staff console import. */

// Used by src/api and src/admin.
export { createKpiReports, type KpiReports, type KpiReportResult } from './kpi-service';
export { kpiQuerySchema, listPeriods, MAX_RANGE_DAYS, type KpiGranularity, type KpiQuery } from './kpi-query';
export type { KpiReport, KpiPeriod, KpiValues, PathCounts, ActorCounts } from './kpi-report';
export { toKpiCsv } from './kpi-csv';

// Internal, exported for tests and the benchmark.
export { buildKpiReport, median } from './kpi-report';
export { findKpiFacts, KPI_STATEMENTS, toKpiParameters, type KpiFacts } from './kpi-repository';
