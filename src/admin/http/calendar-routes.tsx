/** The calendar page (day/week) and its grid fragment. */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { PrismaClient } from '../../platform/database';
import { addLocalDays, toLocalDate } from '../../scheduling';
import type { ConsoleUser } from '../auth/accounts';
import { buildCalendarGrid, findViewRange, listViewDates } from '../calendar/calendar-model';
import { findCalendarRows } from '../calendar/calendar-repository';
import { createTranslate } from '../i18n';
import { CalendarGridView, renderCalendarPage } from '../views/calendar-page';
import { consoleUserOf } from './console-session';

const querySchema = z.object({
  view: z.enum(['day', 'week']).catch('day'),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`))).optional().catch(undefined),
});

/** Renders the calendar page of a user for a date, with an optional panel already open. */
export async function renderCalendarFor(deps: { prisma: PrismaClient; clock: Clock }, user: ConsoleUser, params: { view: 'day' | 'week'; date?: string; panel?: string }): Promise<string> {
  const now = deps.clock.now();
  const today = toLocalDate(now, user.timeZone);
  const date = params.date ?? today;
  const dates = listViewDates(params.view, date);
  const range = findViewRange(dates, user.timeZone);
  const rows = await findCalendarRows(deps.prisma, { businessId: user.businessId, ...range, fromDate: dates[0]!, toDate: dates[dates.length - 1]! });
  const grid = buildCalendarGrid({ view: params.view, dates, timeZone: user.timeZone, rows, now });
  const step = params.view === 'day' ? 1 : 7;
  return renderCalendarPage({ user, t: createTranslate(user.locale), grid, date, today, previous: addLocalDays(date, -step), next: addLocalDays(date, step), panel: params.panel });
}

/** Builds the calendar routes (behind requireSignedIn). */
export function createCalendarRoutes(deps: { prisma: PrismaClient; clock: Clock }): Router {
  const router = Router();
  router.get('/admin/calendar', async (req: Request, res: Response) => {
    const query = querySchema.parse(req.query);
    res.type('html').send(await renderCalendarFor(deps, consoleUserOf(res), query));
  });
  router.get('/admin/calendar/grid', async (req: Request, res: Response) => {
    const user = consoleUserOf(res);
    const query = querySchema.parse(req.query);
    const date = query.date ?? toLocalDate(deps.clock.now(), user.timeZone);
    const dates = listViewDates(query.view, date);
    const range = findViewRange(dates, user.timeZone);
    const rows = await findCalendarRows(deps.prisma, { businessId: user.businessId, ...range, fromDate: dates[0]!, toDate: dates[dates.length - 1]! });
    const grid = buildCalendarGrid({ view: query.view, dates, timeZone: user.timeZone, rows, now: deps.clock.now() });
    res.type('html').send((<CalendarGridView grid={grid} t={createTranslate(user.locale)} locale={user.locale} />) as string);
  });
  return router;
}
