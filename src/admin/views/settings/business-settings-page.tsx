/** Settings → Business: booking rules, hand-off timeout, emergency keywords and texts, customer notices of staff changes. */
import { SLOT_STEPS } from '../../../api/settings-routes';
import type { ConsoleUser } from '../../auth/accounts';
import type { Translate } from '../../i18n';
import type { FieldErrors } from '../../settings/operations';
import { CheckboxField, Field, FieldError, SettingsFrame, TextAreaField } from './settings-frame';
import { CONTENT_LANGUAGES, SettingsForm } from './settings-parts';

/** The values the form shows (as stored, or as typed after a refusal). */
export interface BusinessSettingsValues {
  timeZone: string;
  slotStepMinutes: number | string;
  minimumNoticeMinutes: number | string;
  maxAdvanceDays: number | string;
  holdMinutes: number | string;
  changeLockMinutes: number | string;
  handoffTimeoutMinutes: number | string;
  emergencyKeywords: string[];
  emergencyTexts: Record<string, string>;
  notifyCustomerOnStaffChanges: boolean;
}

/** Renders the business settings page. */
export function renderBusinessSettingsPage(props: { user: ConsoleUser; t: Translate; values: BusinessSettingsValues; errors?: FieldErrors; notice?: string }): string {
  const { user, t, values } = props;
  const errors = props.errors ?? {};
  const minutes = (name: keyof BusinessSettingsValues & string, label: Parameters<Translate>[0], hint: Parameters<Translate>[0]) => (
    <Field id={`s-${name}`} name={name} label={t(label)} hint={t(hint)} value={values[name] as number | string} error={errors[name]} inputmode="numeric" required />
  );
  return SettingsFrame({
    user,
    t,
    section: 'business',
    title: t('settings.business.title'),
    notice: props.notice,
    errors,
    children: (
      <SettingsForm user={user} action="/admin/settings" submit={t('settings.save')} class="stack settings-form">
        <p class="zone">
          {t('settings.business.timeZone')}: <strong safe>{values.timeZone}</strong>
        </p>
        <fieldset>
          <legend>{t('settings.business.booking')}</legend>
          <div class="field">
            <label for="s-slotStepMinutes">{t('settings.business.slotStep')}</label>
            <select id="s-slotStepMinutes" name="slotStepMinutes" aria-describedby={errors.slotStepMinutes ? 's-slotStepMinutes-error' : undefined}>
              {SLOT_STEPS.map((step) => (
                <option value={String(step)} selected={Number(values.slotStepMinutes) === step}>
                  {t('settings.minutes', { n: step })}
                </option>
              ))}
            </select>
            <FieldError id="s-slotStepMinutes" error={errors.slotStepMinutes} />
          </div>
          {minutes('minimumNoticeMinutes', 'settings.business.notice', 'settings.business.noticeHint')}
          {minutes('maxAdvanceDays', 'settings.business.window', 'settings.business.windowHint')}
          {minutes('holdMinutes', 'settings.business.hold', 'settings.business.holdHint')}
          {minutes('changeLockMinutes', 'settings.business.changeLock', 'settings.business.changeLockHint')}
        </fieldset>
        <fieldset>
          <legend>{t('settings.business.conversations')}</legend>
          {minutes('handoffTimeoutMinutes', 'settings.business.handoff', 'settings.business.handoffHint')}
          <CheckboxField
            id="s-notifyCustomerOnStaffChanges"
            name="notifyCustomerOnStaffChanges"
            label={t('settings.business.notify')}
            checked={values.notifyCustomerOnStaffChanges}
            error={errors.notifyCustomerOnStaffChanges}
          />
        </fieldset>
        <fieldset>
          <legend>{t('settings.business.emergency')}</legend>
          <TextAreaField
            id="s-emergencyKeywords"
            name="emergencyKeywords"
            label={t('settings.business.keywords')}
            hint={t('settings.business.keywordsHint')}
            value={values.emergencyKeywords.join('\n')}
            error={errors.emergencyKeywords}
          />
          {CONTENT_LANGUAGES.map((language) => (
            <TextAreaField
              id={`s-emergencyTexts-${language}`}
              name={`emergencyTexts.${language}`}
              label={t('settings.business.emergencyText', { language: t(`settings.language.${language}`) })}
              value={values.emergencyTexts[language] ?? ''}
              error={errors[`emergencyTexts.${language}`]}
            />
          ))}
          <span class="muted">{t('settings.business.emergencyTextHint')}</span>
        </fieldset>
      </SettingsForm>
    ),
  });
}
