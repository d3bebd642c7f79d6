/**
 * A business's KPI report: its time zone, the validated range, the facts, the table.
 */
import type { Clock } from '../platform/clock';
import type { PrismaClient } from '../platform/database';
import { localDayRange } from '../scheduling';
import { listPeriods, resolveKpiQuery, toInstantRange, type KpiGranularity } from './kpi-query';
import { findKpiFacts } from './kpi-repository';
import { buildKpiReport, type KpiReport } from './kpi-report';

/** Why a report could not be built: `invalid_range` is the caller's to fix (the message says how). */
export type KpiReportResult = { ok: true; report: KpiReport } | { ok: false; code: 'invalid_range' | 'business_not_found'; message: string };

/** Builds KPI reports for the API and the console. */
export interface KpiReports {
  /** The report of one business for local dates from–to (defaults: the last 30 days) cut by `granularity`. */
  build(params: { businessId: string; from?: string | undefined; to?: string | undefined; granularity: KpiGranularity }): Promise<KpiReportResult>;
}

/** Creates the report builder over the database. */
export function createKpiReports(deps: { prisma: PrismaClient; clock: Clock }): KpiReports {
  return {
    async build(params) {
      const business = await deps.prisma.business.findUnique({ where: { id: params.businessId }, select: { timeZone: true } });
      if (!business) return { ok: false, code: 'business_not_found', message: 'No such business.' };
      const now = deps.clock.now();
      const resolved = resolveKpiQuery(params, now, business.timeZone);
      if (!resolved.ok) return { ok: false, code: 'invalid_range', message: resolved.message };
      const range = toInstantRange(resolved.query, business.timeZone);
      const periods = listPeriods(resolved.query).map((period) => ({ key: period.key, start: localDayRange(period.start, business.timeZone).start }));
      const facts = await findKpiFacts(deps.prisma, { businessId: params.businessId, ...range, periods, now });
      return { ok: true, report: buildKpiReport({ query: resolved.query, timeZone: business.timeZone, facts }) };
    },
  };
}
