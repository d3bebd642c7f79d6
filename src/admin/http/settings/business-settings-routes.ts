/** Settings → Business: read and change the business's booking settings through PATCH /v1/settings. */
import { Router } from 'express';
import type { ApiOperations } from '../../../api';
import { createTranslate } from '../../i18n';
import { isChecked, listOf, localizedOf, numberOf, type FormBody } from '../../settings/form-values';
import { runAs, toFieldErrors } from '../../settings/operations';
import { renderBusinessSettingsPage, type BusinessSettingsValues } from '../../views/settings/business-settings-page';
import { consoleUserOf } from '../console-session';

const NUMBER_FIELDS = ['slotStepMinutes', 'minimumNoticeMinutes', 'maxAdvanceDays', 'holdMinutes', 'changeLockMinutes', 'handoffTimeoutMinutes'] as const;
const FORM_FIELDS = [...NUMBER_FIELDS, 'emergencyKeywords', 'emergencyTexts.en', 'emergencyTexts.es', 'emergencyTexts.pt', 'notifyCustomerOnStaffChanges'];

/** Builds the business settings routes (behind the settings guard: admins, CSRF). */
export function createBusinessSettingsRoutes(deps: { operations: ApiOperations }): Router {
  const router = Router();

  router.get('/admin/settings', async (req, res) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    const read = await runAs(deps.operations, user, 'get', '/v1/settings');
    if (!read.ok) throw new Error(`reading the settings failed: ${read.message}`);
    res.type('html').send(renderBusinessSettingsPage({ user, t, values: read.body as BusinessSettingsValues, notice: req.query.saved === '1' ? t('settings.saved') : undefined }));
  });

  router.post('/admin/settings', async (req, res) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    const form = (req.body ?? {}) as FormBody;
    const body = {
      ...Object.fromEntries(NUMBER_FIELDS.map((name) => [name, numberOf(form, name)])),
      emergencyKeywords: listOf(form, 'emergencyKeywords'),
      emergencyTexts: localizedOf(form, 'emergencyTexts'),
      notifyCustomerOnStaffChanges: isChecked(form, 'notifyCustomerOnStaffChanges'),
    };
    const saved = await runAs(deps.operations, user, 'patch', '/v1/settings', { body });
    if (saved.ok) {
      res.redirect(303, '/admin/settings?saved=1');
      return;
    }
    const current = await runAs(deps.operations, user, 'get', '/v1/settings');
    const timeZone = current.ok ? (current.body as BusinessSettingsValues).timeZone : '';
    const values: BusinessSettingsValues = { ...(body as unknown as BusinessSettingsValues), timeZone };
    res.status(saved.status === 400 ? 422 : saved.status).type('html').send(renderBusinessSettingsPage({ user, t, values, errors: toFieldErrors(saved, FORM_FIELDS) }));
  });
  return router;
}
