/** The Dashboard and its CSV export (behind requireSignedIn; every role may look). */
import { Router, type Request } from 'express';
import type { Clock } from '../../platform/clock';
import type { PrismaClient } from '../../platform/database';
import { createKpiReports, kpiQuerySchema, toKpiCsv, type KpiGranularity } from '../../reports';
import { addLocalDays, toLocalDate } from '../../scheduling';
import type { ConsoleUser } from '../auth/accounts';
import { createTranslate } from '../i18n';
import { renderDashboardPage } from '../views/dashboard-page';
import { consoleUserOf } from './console-session';

/** The picker's values from the query string; unusable values become a message, the rest falls back to the last 30 days. */
function readPicker(req: Request, user: ConsoleUser, now: Date): { picker: { from: string; to: string; granularity: KpiGranularity }; error?: string } {
  const today = toLocalDate(now, user.timeZone);
  const fallback = { from: addLocalDays(today, -29), to: today, granularity: 'day' as KpiGranularity };
  const { from, to, granularity } = req.query;
  const parsed = kpiQuerySchema.safeParse({ from, to, granularity });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { picker: fallback, error: `${issue?.path.join('.') || 'query'} ${issue?.message ?? 'is not valid'}` };
  }
  const query = parsed.data;
  const picker = { to: query.to ?? fallback.to, granularity: query.granularity, from: query.from ?? addLocalDays(query.to ?? fallback.to, -29) };
  return { picker };
}

/** Builds the dashboard routes. */
export function createDashboardRoutes(deps: { prisma: PrismaClient; clock: Clock }): Router {
  const router = Router();
  const reports = createKpiReports(deps);

  router.get('/admin/dashboard', async (req, res) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    const { picker, error } = readPicker(req, user, deps.clock.now());
    if (error) {
      res.status(400).type('html').send(renderDashboardPage({ user, t, picker, error }));
      return;
    }
    const result = await reports.build({ businessId: user.businessId, ...picker });
    if (!result.ok) {
      res.status(400).type('html').send(renderDashboardPage({ user, t, picker, error: result.message }));
      return;
    }
    res.type('html').send(renderDashboardPage({ user, t, picker, report: result.report }));
  });

  router.get('/admin/dashboard.csv', async (req, res) => {
    const user = consoleUserOf(res);
    const { picker, error } = readPicker(req, user, deps.clock.now());
    const result = error ? { ok: false as const, message: error } : await reports.build({ businessId: user.businessId, ...picker });
    if (!result.ok) {
      res.status(400).type('text/plain').send(`The report range is not valid: ${result.message}\n`);
      return;
    }
    res
      .type('text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="kpis-${picker.from}-${picker.to}-${picker.granularity}.csv"`)
      .set('Cache-Control', 'no-store')
      .send(toKpiCsv(result.report));
  });
  return router;
}
