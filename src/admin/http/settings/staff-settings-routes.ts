/**
 * Settings → Staff: list, add and change staff members, their services, weekly hours, date
 * overrides and external calendars, each through the /v1/staff operations (the calendar address
 * passes the API's public-URL check, the hours the API's range rules).
 */
import { formatInTimeZone } from 'date-fns-tz';
import { Router, type Response } from 'express';
import type { ApiOperations } from '../../../api';
import type { Clock } from '../../../platform/clock';
import { toWeeklySchedule } from '../../../api/working-hours-format';
import type { ConsoleUser } from '../../auth/accounts';
import { createTranslate } from '../../i18n';
import { isChecked, localizedOf, nullableTextOf, textOf, valuesOf, type FormBody } from '../../settings/form-values';
import { normaliseTime, readHoursGrid, toGridField, type HoursGrid } from '../../settings/hours-grid';
import { runAs, toFieldErrors, type FieldErrors } from '../../settings/operations';
import { renderStaffListPage, renderStaffPage, type ExternalCalendarView, type OverrideFormValues, type OverrideView, type StaffValues } from '../../views/settings/staff-page';
import { consoleUserOf } from '../console-session';
import { sendSettingsNotFound, statusOfRefusal } from './settings-responses';

const DETAIL_FIELDS = ['name', 'names.en', 'names.es', 'names.pt', 'whatsappNumber', 'isActive', 'serviceIds'];
const OVERRIDE_FIELDS = ['date', 'isClosed', 'startTime', 'endTime', 'note'];
const CALENDAR_FIELDS = ['name', 'url'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type PageState = Omit<Parameters<typeof renderStaffPage>[0], 'user' | 't' | 'staff' | 'services' | 'grid' | 'overrides' | 'calendars'> & { grid?: HoursGrid };

/** Builds the staff settings routes (behind the settings guard). */
export function createStaffSettingsRoutes(deps: { operations: ApiOperations; clock: Clock }): Router {
  const router = Router();
  const run = (res: Response, method: Parameters<typeof runAs>[2], path: string, input?: Parameters<typeof runAs>[4]) => runAs(deps.operations, consoleUserOf(res), method, path, input);

  const listServices = async (res: Response) => {
    const read = await run(res, 'get', '/v1/services');
    return read.ok ? (read.body as Array<{ id: string; name: string }>) : [];
  };

  /** Renders a staff member's page, or 404 when the id is not one of the business. */
  const sendStaffPage = async (res: Response, staffId: string, state: PageState = {}, status = 200): Promise<void> => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    const staff = UUID.test(staffId) ? await run(res, 'get', '/v1/staff/{id}', { params: { id: staffId } }) : null;
    if (!staff?.ok) return sendSettingsNotFound(res);
    const params = { id: staffId };
    const today = formatInTimeZone(deps.clock.now(), user.timeZone, 'yyyy-MM-dd');
    const [hours, overrides, calendars] = await Promise.all([
      run(res, 'get', '/v1/staff/{id}/working-hours', { params }),
      run(res, 'get', '/v1/staff/{id}/date-overrides', { params, query: { from: today } }),
      run(res, 'get', '/v1/staff/{id}/external-calendars', { params }),
    ]);
    const { grid, ...rest } = state;
    res
      .status(status)
      .type('html')
      .send(
        renderStaffPage({
          user,
          t,
          staff: staff.body as StaffValues & { id: string },
          services: await listServices(res),
          grid: grid ?? (hours.ok ? (hours.body as HoursGrid) : toWeeklySchedule([])),
          overrides: overrides.ok ? (overrides.body as OverrideView[]) : [],
          calendars: calendars.ok ? (calendars.body as ExternalCalendarView[]) : [],
          ...rest,
        }),
      );
  };

  const savedNotice = (user: ConsoleUser, query: Record<string, unknown>) => (query.saved === '1' ? createTranslate(user.locale)('settings.saved') : undefined);
  const staffValuesOf = (form: FormBody) => ({
    name: textOf(form, 'name'),
    names: localizedOf(form, 'names'),
    whatsappNumber: nullableTextOf(form, 'whatsappNumber')?.replace(/[\s().-]/g, '') ?? null,
    serviceIds: valuesOf(form, 'serviceIds'),
  });
  /** A refused write on a staff member's page: 404 when the staff member (or the row) is not of the business, else the page with the errors. */
  const refuse = async (res: Response, staffId: string, outcome: Awaited<ReturnType<typeof runAs>>, state: PageState) => {
    if (outcome.ok) return;
    if (outcome.status === 404 || outcome.issues.some((issue) => issue.field.startsWith('path.'))) return sendSettingsNotFound(res);
    await sendStaffPage(res, staffId, state, statusOfRefusal(outcome));
  };

  router.get('/admin/settings/staff', async (req, res) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    const staff = await run(res, 'get', '/v1/staff');
    res.type('html').send(renderStaffListPage({ user, t, staff: staff.ok ? (staff.body as StaffValues[]) : [], services: await listServices(res), notice: savedNotice(user, req.query) }));
  });

  router.post('/admin/settings/staff', async (req, res) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    const values = staffValuesOf((req.body ?? {}) as FormBody);
    const created = await run(res, 'post', '/v1/staff', { body: values });
    if (created.ok) {
      res.redirect(303, `/admin/settings/staff/${(created.body as { id: string }).id}?saved=1`);
      return;
    }
    const staff = await run(res, 'get', '/v1/staff');
    res
      .status(statusOfRefusal(created))
      .type('html')
      .send(
        renderStaffListPage({
          user,
          t,
          staff: staff.ok ? (staff.body as StaffValues[]) : [],
          services: await listServices(res),
          values: { ...values, isActive: true },
          errors: toFieldErrors(created, DETAIL_FIELDS),
        }),
      );
  });

  router.get('/admin/settings/staff/:id', async (req, res) => {
    await sendStaffPage(res, String(req.params.id), { notice: savedNotice(consoleUserOf(res), req.query) });
  });

  router.post('/admin/settings/staff/:id', async (req, res) => {
    const id = String(req.params.id);
    const form = (req.body ?? {}) as FormBody;
    const saved = await run(res, 'patch', '/v1/staff/{id}', { params: { id }, body: { ...staffValuesOf(form), isActive: isChecked(form, 'isActive') } });
    if (saved.ok) return res.redirect(303, `/admin/settings/staff/${id}?saved=1`);
    await refuse(res, id, saved, { section: 'details', errors: toFieldErrors(saved, DETAIL_FIELDS) });
  });

  router.post('/admin/settings/staff/:id/hours', async (req, res) => {
    const id = String(req.params.id);
    const t = createTranslate(consoleUserOf(res).locale);
    const grid = readHoursGrid((req.body ?? {}) as FormBody);
    const missing = Object.entries(grid.missing);
    if (missing.length > 0) {
      const errors: FieldErrors = Object.fromEntries(missing.map(([field, problem]) => [field, t(problem === 'missing_end' ? 'settings.hours.missingEnd' : 'settings.hours.missingStart')]));
      return sendStaffPage(res, id, { section: 'hours', grid: grid.typed, errors }, 422);
    }
    const saved = await run(res, 'put', '/v1/staff/{id}/working-hours', { params: { id }, body: grid.body });
    if (saved.ok) return res.redirect(303, `/admin/settings/staff/${id}?saved=1#hours-title`);
    const errors: FieldErrors = {};
    for (const issue of saved.issues) {
      const field = toGridField(grid, issue.field);
      errors[field] = errors[field] ? `${errors[field]}; ${issue.message}` : issue.message;
    }
    if (saved.issues.length === 0) errors[''] = saved.message;
    await refuse(res, id, saved, { section: 'hours', grid: grid.typed, errors });
  });

  router.post('/admin/settings/staff/:id/overrides', async (req, res) => {
    const id = String(req.params.id);
    const form = (req.body ?? {}) as FormBody;
    const typed: OverrideFormValues = {
      date: textOf(form, 'date'),
      kind: textOf(form, 'kind') === 'hours' ? 'hours' : 'closed',
      startTime: textOf(form, 'startTime'),
      endTime: textOf(form, 'endTime'),
      note: textOf(form, 'note'),
    };
    const isClosed = typed.kind === 'closed';
    const body = {
      date: typed.date,
      isClosed,
      ...(isClosed ? {} : { startTime: typed.startTime ? normaliseTime(typed.startTime) : undefined, endTime: typed.endTime ? normaliseTime(typed.endTime) : undefined }),
      ...(typed.note ? { note: typed.note } : {}),
    };
    const saved = await run(res, 'post', '/v1/staff/{id}/date-overrides', { params: { id }, body });
    if (saved.ok) return res.redirect(303, `/admin/settings/staff/${id}?saved=1#overrides-title`);
    await refuse(res, id, saved, { section: 'override', overrideValues: typed, errors: toFieldErrors(saved, OVERRIDE_FIELDS) });
  });

  router.post('/admin/settings/staff/:id/overrides/:overrideId/delete', async (req, res) => {
    const id = String(req.params.id);
    const removed = await run(res, 'delete', '/v1/staff/{id}/date-overrides/{overrideId}', { params: { id, overrideId: String(req.params.overrideId) } });
    if (removed.ok) return res.redirect(303, `/admin/settings/staff/${id}?saved=1#overrides-title`);
    await refuse(res, id, removed, {});
  });

  router.post('/admin/settings/staff/:id/calendars', async (req, res) => {
    const id = String(req.params.id);
    const form = (req.body ?? {}) as FormBody;
    const values = { name: textOf(form, 'name'), url: textOf(form, 'url') };
    const saved = await run(res, 'post', '/v1/staff/{id}/external-calendars', { params: { id }, body: values });
    if (saved.ok) return res.redirect(303, `/admin/settings/staff/${id}?saved=1#calendars-title`);
    await refuse(res, id, saved, { section: 'calendar', calendarValues: values, errors: toFieldErrors(saved, CALENDAR_FIELDS) });
  });

  router.post('/admin/settings/staff/:id/calendars/:calendarId/delete', async (req, res) => {
    const id = String(req.params.id);
    const removed = await run(res, 'delete', '/v1/staff/{id}/external-calendars/{calendarId}', { params: { id, calendarId: String(req.params.calendarId) } });
    if (removed.ok) return res.redirect(303, `/admin/settings/staff/${id}?saved=1#calendars-title`);
    await refuse(res, id, removed, {});
  });
  return router;
}
