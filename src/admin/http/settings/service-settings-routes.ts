/**
 * Settings → Services: list, add, change, deactivate and delete services and add-ons, and edit
 * their reminder and follow-up rules, each through the /v1/services operations (the API's
 * limits: 20 active services, add-on rules, at most 5 rules of a kind, the rule schema).
 */
import { Router, type Response } from 'express';
import type { ApiOperations } from '../../../api';
import { createTranslate } from '../../i18n';
import { isChecked, localizedOf, nullableTextOf, numberOf, textOf, valuesOf, type FormBody } from '../../settings/form-values';
import { runAs, toFieldErrors, type FieldErrors } from '../../settings/operations';
import { blankService, renderServicePage, renderServicesPage, type RuleValues, type ServiceValues } from '../../views/settings/services-page';
import { consoleUserOf } from '../console-session';
import { sendSettingsNotFound, statusOfRefusal } from './settings-responses';

type ServiceRow = ServiceValues & { id: string; currency: string };

const SERVICE_FIELDS = ['uid', 'name', 'names.en', 'names.es', 'names.pt', 'description', 'durationMinutes', 'sellingPrice', 'bufferBeforeMinutes', 'bufferAfterMinutes', 'isActive', 'staffIds', 'addOnOf'];
const RULE_FIELDS = ['title', 'text', 'offsetDays', 'offsetHours', 'offsetMinutes', 'isActive', 'appliesTo', 'asksForRating', 'kind'];
const SEGMENTS = { reminder: 'reminder-rules', followup: 'follow-up-rules' } as const;

/** A uid from a name when none is typed: "Limpieza dental" → "limpieza-dental". */
export function toUid(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
}

/** Builds the service settings routes (behind the settings guard). */
export function createServiceSettingsRoutes(deps: { operations: ApiOperations }): Router {
  const router = Router();
  const run = (res: Response, method: Parameters<typeof runAs>[2], path: string, input?: Parameters<typeof runAs>[4]) => runAs(deps.operations, consoleUserOf(res), method, path, input);

  const readAll = async (res: Response) => {
    const [services, staff, settings] = await Promise.all([run(res, 'get', '/v1/services'), run(res, 'get', '/v1/staff'), run(res, 'get', '/v1/settings')]);
    return {
      services: services.ok ? (services.body as ServiceRow[]) : [],
      staff: staff.ok ? (staff.body as Array<{ id: string; name: string }>) : [],
      currency: settings.ok ? (settings.body as { currency: string }).currency : 'EUR',
    };
  };

  const serviceBodyOf = (form: FormBody) => ({
    uid: textOf(form, 'uid') || toUid(textOf(form, 'name')),
    name: textOf(form, 'name'),
    names: localizedOf(form, 'names'),
    description: nullableTextOf(form, 'description'),
    durationMinutes: numberOf(form, 'durationMinutes'),
    sellingPrice: numberOf(form, 'sellingPrice'),
    bufferBeforeMinutes: textOf(form, 'bufferBeforeMinutes') === '' ? 0 : numberOf(form, 'bufferBeforeMinutes'),
    bufferAfterMinutes: textOf(form, 'bufferAfterMinutes') === '' ? 0 : numberOf(form, 'bufferAfterMinutes'),
    staffIds: valuesOf(form, 'staffIds'),
    addOnOf: valuesOf(form, 'addOnOf'),
  });

  const ruleBodyOf = (form: FormBody, kind: 'reminder' | 'followup') => ({
    title: textOf(form, 'title'),
    text: textOf(form, 'text'),
    offsetDays: textOf(form, 'offsetDays') === '' ? 0 : numberOf(form, 'offsetDays'),
    offsetHours: textOf(form, 'offsetHours') === '' ? 0 : numberOf(form, 'offsetHours'),
    offsetMinutes: textOf(form, 'offsetMinutes') === '' ? 0 : numberOf(form, 'offsetMinutes'),
    isActive: isChecked(form, 'isActive'),
    ...(kind === 'followup' ? { appliesTo: textOf(form, 'appliesTo'), asksForRating: isChecked(form, 'asksForRating') } : {}),
  });

  /** Renders a service's page, or 404 when the id is not a service of the business. */
  const sendServicePage = async (res: Response, id: string, state: { errorsOf?: string; errors?: FieldErrors; typedRule?: RuleValues; typed?: ServiceValues; notice?: string } = {}, status = 200) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    const read = await run(res, 'get', '/v1/services/{id}', { params: { id } });
    if (!read.ok) return sendSettingsNotFound(res);
    const service = read.body as ServiceRow;
    const [all, reminders, followUps] = await Promise.all([
      readAll(res),
      run(res, 'get', '/v1/services/{id}/reminder-rules', { params: { id: service.id } }),
      run(res, 'get', '/v1/services/{id}/follow-up-rules', { params: { id: service.id } }),
    ]);
    const rules = [...(reminders.ok ? (reminders.body as RuleValues[]) : []), ...(followUps.ok ? (followUps.body as RuleValues[]) : [])];
    res
      .status(status)
      .type('html')
      .send(
        renderServicePage({
          user,
          t,
          service: state.typed ? { ...service, ...state.typed, id: service.id, currency: service.currency } : service,
          staff: all.staff,
          mainServices: all.services.filter((other) => other.addOnOf.length === 0 && other.id !== service.id),
          rules,
          errorsOf: state.errorsOf,
          errors: state.errors,
          typedRule: state.typedRule,
          notice: state.notice,
        }),
      );
  };

  const refuse = async (res: Response, id: string, outcome: Awaited<ReturnType<typeof runAs>>, state: Parameters<typeof sendServicePage>[2]) => {
    if (outcome.ok) return;
    if (outcome.status === 404 || outcome.issues.some((issue) => issue.field.startsWith('path.'))) return sendSettingsNotFound(res);
    await sendServicePage(res, id, state, statusOfRefusal(outcome));
  };

  router.get('/admin/settings/services', async (req, res) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    res.type('html').send(renderServicesPage({ user, t, ...(await readAll(res)), notice: req.query.saved === '1' ? t('settings.saved') : undefined }));
  });

  router.post('/admin/settings/services', async (req, res) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    const body = serviceBodyOf((req.body ?? {}) as FormBody);
    const created = await run(res, 'post', '/v1/services', { body });
    if (created.ok) return res.redirect(303, `/admin/settings/services/${(created.body as { id: string }).id}?saved=1`);
    res
      .status(statusOfRefusal(created))
      .type('html')
      .send(renderServicesPage({ user, t, ...(await readAll(res)), values: { ...blankService(), ...body }, errors: toFieldErrors(created, SERVICE_FIELDS) }));
  });

  router.get('/admin/settings/services/:id', async (req, res) => {
    const t = createTranslate(consoleUserOf(res).locale);
    await sendServicePage(res, String(req.params.id), { notice: req.query.saved === '1' ? t('settings.saved') : undefined });
  });

  router.post('/admin/settings/services/:id', async (req, res) => {
    const id = String(req.params.id);
    const form = (req.body ?? {}) as FormBody;
    const body = { ...serviceBodyOf(form), isActive: isChecked(form, 'isActive') };
    const saved = await run(res, 'patch', '/v1/services/{id}', { params: { id }, body });
    if (saved.ok) return res.redirect(303, `/admin/settings/services/${id}?saved=1`);
    await refuse(res, id, saved, { errorsOf: 'details', errors: toFieldErrors(saved, SERVICE_FIELDS), typed: { ...blankService(), ...body } });
  });

  for (const [action, isActive] of [
    ['deactivate', false],
    ['activate', true],
  ] as const) {
    router.post(`/admin/settings/services/:id/${action}`, async (req, res) => {
      const id = String(req.params.id);
      const saved = await run(res, 'patch', '/v1/services/{id}', { params: { id }, body: { isActive } });
      if (saved.ok) return res.redirect(303, `/admin/settings/services/${id}?saved=1`);
      await refuse(res, id, saved, { errors: { '': saved.message } });
    });
  }

  router.post('/admin/settings/services/:id/delete', async (req, res) => {
    const id = String(req.params.id);
    const removed = await run(res, 'delete', '/v1/services/{id}', { params: { id } });
    if (removed.ok) return res.redirect(303, '/admin/settings/services?saved=1');
    await refuse(res, id, removed, { errors: { '': removed.message } });
  });

  const kindOf = (form: FormBody): 'reminder' | 'followup' => (textOf(form, 'kind') === 'followup' ? 'followup' : 'reminder');

  router.post('/admin/settings/services/:id/rules', async (req, res) => {
    const id = String(req.params.id);
    const form = (req.body ?? {}) as FormBody;
    const kind = kindOf(form);
    const body = ruleBodyOf(form, kind);
    const saved = await run(res, 'post', `/v1/services/{id}/${SEGMENTS[kind]}`, { params: { id }, body });
    if (saved.ok) return res.redirect(303, `/admin/settings/services/${id}?saved=1#${kind}-title`);
    await refuse(res, id, saved, { errorsOf: `new-${kind}`, errors: toFieldErrors(saved, RULE_FIELDS), typedRule: { kind, appliesTo: 'completed', asksForRating: false, ...body } });
  });

  router.post('/admin/settings/services/:id/rules/:ruleId', async (req, res) => {
    const id = String(req.params.id);
    const ruleId = String(req.params.ruleId);
    const form = (req.body ?? {}) as FormBody;
    const kind = kindOf(form);
    const body = ruleBodyOf(form, kind);
    const saved = await run(res, 'patch', `/v1/services/{id}/${SEGMENTS[kind]}/{ruleId}`, { params: { id, ruleId }, body });
    if (saved.ok) return res.redirect(303, `/admin/settings/services/${id}?saved=1#${kind}-title`);
    await refuse(res, id, saved, { errorsOf: ruleId, errors: toFieldErrors(saved, RULE_FIELDS), typedRule: { kind, appliesTo: 'completed', asksForRating: false, ...body } });
  });

  router.post('/admin/settings/services/:id/rules/:ruleId/delete', async (req, res) => {
    const id = String(req.params.id);
    const kind = kindOf((req.body ?? {}) as FormBody);
    const removed = await run(res, 'delete', `/v1/services/{id}/${SEGMENTS[kind]}/{ruleId}`, { params: { id, ruleId: String(req.params.ruleId) } });
    if (removed.ok) return res.redirect(303, `/admin/settings/services/${id}?saved=1#${kind}-title`);
    await refuse(res, id, removed, { errors: { '': removed.message } });
  });
  return router;
}
