/** Settings → Locations: list, add and change locations through /v1/locations. */
import { Router, type Response } from 'express';
import type { ApiOperations } from '../../../api';
import { createTranslate } from '../../i18n';
import { isChecked, localizedOf, nullableTextOf, textOf, type FormBody } from '../../settings/form-values';
import { runAs, toFieldErrors } from '../../settings/operations';
import { renderLocationPage, renderLocationsPage, type LocationValues } from '../../views/settings/locations-page';
import { consoleUserOf } from '../console-session';
import { sendSettingsNotFound, statusOfRefusal } from './settings-responses';

const FIELDS = ['title', 'names.en', 'names.es', 'names.pt', 'address', 'isActive'];

/** Builds the location settings routes (behind the settings guard). */
export function createLocationSettingsRoutes(deps: { operations: ApiOperations }): Router {
  const router = Router();
  const list = async (res: Response) => {
    const read = await runAs(deps.operations, consoleUserOf(res), 'get', '/v1/locations');
    return read.ok ? (read.body as LocationValues[]) : [];
  };
  const formValues = (form: FormBody) => ({ title: textOf(form, 'title'), names: localizedOf(form, 'names'), address: nullableTextOf(form, 'address') });

  router.get('/admin/settings/locations', async (req, res) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    res.type('html').send(renderLocationsPage({ user, t, locations: await list(res), notice: req.query.saved === '1' ? t('settings.saved') : undefined }));
  });

  router.post('/admin/settings/locations', async (req, res) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    const values = formValues((req.body ?? {}) as FormBody);
    const created = await runAs(deps.operations, user, 'post', '/v1/locations', { body: values });
    if (created.ok) {
      res.redirect(303, '/admin/settings/locations?saved=1');
      return;
    }
    res
      .status(statusOfRefusal(created))
      .type('html')
      .send(renderLocationsPage({ user, t, locations: await list(res), values: { ...values, isActive: true }, errors: toFieldErrors(created, FIELDS) }));
  });

  router.get('/admin/settings/locations/:id', async (req, res) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    const read = await runAs(deps.operations, user, 'get', '/v1/locations/{id}', { params: { id: String(req.params.id) } });
    if (!read.ok) return sendSettingsNotFound(res);
    res.type('html').send(renderLocationPage({ user, t, location: read.body as LocationValues & { id: string }, notice: req.query.saved === '1' ? t('settings.saved') : undefined }));
  });

  router.post('/admin/settings/locations/:id', async (req, res) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    const id = String(req.params.id);
    const form = (req.body ?? {}) as FormBody;
    const values = { ...formValues(form), isActive: isChecked(form, 'isActive') };
    const saved = await runAs(deps.operations, user, 'patch', '/v1/locations/{id}', { params: { id }, body: values });
    if (saved.ok) {
      res.redirect(303, `/admin/settings/locations/${id}?saved=1`);
      return;
    }
    if (saved.status === 404 || saved.issues.some((issue) => issue.field.startsWith('path.'))) return sendSettingsNotFound(res);
    res
      .status(statusOfRefusal(saved))
      .type('html')
      .send(renderLocationPage({ user, t, location: { ...values, id }, errors: toFieldErrors(saved, FIELDS) }));
  });
  return router;
}
