/**
 * Settings → Services: services and add-ons (an add-on is a service offered only with the
 * services it is attached to), one service's form, deactivate or delete, and its reminder and
 * follow-up rules.
 */
import type { ConsoleUser } from '../../auth/accounts';
import type { Translate } from '../../i18n';
import type { FieldErrors } from '../../settings/operations';
import { CheckboxField, CheckboxGroup, Csrf, Field, FieldError, SettingsFrame, TextAreaField } from './settings-frame';

/** A service as the API shows it. */
export interface ServiceValues {
  id?: string;
  uid: string;
  name: string;
  names: Record<string, string>;
  description: string | null;
  durationMinutes: number | string;
  sellingPrice: number | string;
  currency?: string;
  bufferBeforeMinutes: number | string;
  bufferAfterMinutes: number | string;
  isActive: boolean;
  staffIds: string[];
  addOnOf: string[];
  addOnServiceIds?: string[];
}

/** A reminder or follow-up rule as the API shows it (fields the page edits). */
export interface RuleValues {
  id?: string;
  kind: 'reminder' | 'followup';
  title: string;
  text: string;
  offsetDays: number | string;
  offsetHours: number | string;
  offsetMinutes: number | string;
  isActive: boolean;
  appliesTo: string;
  asksForRating: boolean;
}

const LANGUAGES = ['en', 'es', 'pt'] as const;
const APPLIES_TO = ['completed', 'no_show', 'any'] as const;

/** Blank values of the "new service" or "new add-on" form. */
export function blankService(addOnOf: string[] = []): ServiceValues {
  return { uid: '', name: '', names: {}, description: null, durationMinutes: 30, sellingPrice: 0, bufferBeforeMinutes: 0, bufferAfterMinutes: 0, isActive: true, staffIds: [], addOnOf };
}

function ServiceFields(props: {
  t: Translate;
  prefix: string;
  values: ServiceValues;
  errors: FieldErrors;
  staff: Array<{ id: string; name: string }>;
  mainServices: Array<{ id: string; name: string }>;
  currency: string;
}): JSX.Element {
  const { t, prefix, values, errors } = props;
  return (
    <>
      <Field id={`${prefix}-name`} name="name" label={t('settings.services.name')} value={values.name} error={errors.name} required />
      {LANGUAGES.map((language) => (
        <Field
          id={`${prefix}-names-${language}`}
          name={`names.${language}`}
          label={t('settings.nameIn', { language: t(`settings.language.${language}`) })}
          value={values.names[language] ?? ''}
          error={errors[`names.${language}`]}
        />
      ))}
      <Field id={`${prefix}-uid`} name="uid" label={t('settings.services.uid')} hint={t('settings.services.uidHint')} value={values.uid} error={errors.uid} />
      <Field id={`${prefix}-duration`} name="durationMinutes" label={t('settings.services.duration')} value={values.durationMinutes} error={errors.durationMinutes} inputmode="numeric" required />
      <Field
        id={`${prefix}-price`}
        name="sellingPrice"
        label={t('settings.services.price', { currency: values.currency ?? props.currency })}
        value={values.sellingPrice}
        error={errors.sellingPrice}
        inputmode="decimal"
        required
      />
      <Field id={`${prefix}-before`} name="bufferBeforeMinutes" label={t('settings.services.bufferBefore')} value={values.bufferBeforeMinutes} error={errors.bufferBeforeMinutes} inputmode="numeric" />
      <Field id={`${prefix}-after`} name="bufferAfterMinutes" label={t('settings.services.bufferAfter')} value={values.bufferAfterMinutes} error={errors.bufferAfterMinutes} inputmode="numeric" />
      <TextAreaField id={`${prefix}-description`} name="description" label={t('settings.services.description')} value={values.description} error={errors.description} rows={2} />
      <CheckboxGroup
        id={`${prefix}-staff`}
        name="staffIds"
        legend={t('settings.services.staff')}
        options={props.staff.map((member) => ({ value: member.id, label: member.name }))}
        checked={values.staffIds}
        error={errors.staffIds}
      />
      <CheckboxGroup
        id={`${prefix}-addOnOf`}
        name="addOnOf"
        legend={t('settings.services.addOnOf')}
        options={props.mainServices.filter((service) => service.id !== values.id).map((service) => ({ value: service.id, label: service.name }))}
        checked={values.addOnOf}
        error={errors.addOnOf}
      />
    </>
  );
}

/** The services list, the add-ons list and the "new service" form. */
export function renderServicesPage(props: {
  user: ConsoleUser;
  t: Translate;
  services: Array<ServiceValues & { id: string; currency: string }>;
  staff: Array<{ id: string; name: string }>;
  currency: string;
  values?: ServiceValues;
  errors?: FieldErrors;
  notice?: string;
}): string {
  const { user, t } = props;
  const errors = props.errors ?? {};
  const mainServices = props.services.filter((service) => service.addOnOf.length === 0);
  const addOns = props.services.filter((service) => service.addOnOf.length > 0);
  const nameOf = (id: string) => props.services.find((service) => service.id === id)?.name ?? '';
  const table = (rows: typeof props.services, caption: string, isAddOn: boolean) => (
    <table class="panel">
      <caption>
        <h2>{caption}</h2>
      </caption>
      <thead>
        <tr>
          <th scope="col">{t('settings.services.name')}</th>
          <th scope="col">{t('settings.services.durationShort')}</th>
          <th scope="col">{t('booking.price')}</th>
          {isAddOn ? <th scope="col">{t('settings.services.addOnOf')}</th> : ''}
          <th scope="col">{t('settings.status')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colspan={isAddOn ? '5' : '4'} class="muted">
              {t('settings.services.none')}
            </td>
          </tr>
        ) : (
          ''
        )}
        {rows.map((service) => (
          <tr>
            <td>
              <a href={`/admin/settings/services/${service.id}`} safe>
                {service.name}
              </a>
            </td>
            <td>{t('settings.minutes', { n: service.durationMinutes })}</td>
            <td safe>{`${Number(service.sellingPrice).toFixed(2)} ${service.currency}`}</td>
            {isAddOn ? <td safe>{service.addOnOf.map(nameOf).join(', ')}</td> : ''}
            <td>{service.isActive ? t('settings.active') : t('settings.inactive')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return SettingsFrame({
    user,
    t,
    section: 'services',
    title: t('settings.services.title'),
    notice: props.notice,
    errors,
    children: (
      <div class="settings-grid">
        <div>
          {table(mainServices, t('settings.services.main'), false)}
          {table(addOns, t('settings.services.addOns'), true)}
        </div>
        <form method="post" action="/admin/settings/services" class="stack" novalidate>
          <h2>{t('settings.services.add')}</h2>
          <p class="muted">{t('settings.services.addHint')}</p>
          <Csrf user={user} />
          <ServiceFields t={t} prefix="new-service" values={props.values ?? blankService()} errors={errors} staff={props.staff} mainServices={mainServices} currency={props.currency} />
          <div>
            <button type="submit">{t('settings.services.add')}</button>
          </div>
        </form>
      </div>
    ),
  });
}

function RuleFields(props: { t: Translate; prefix: string; rule: RuleValues; errors: FieldErrors }): JSX.Element {
  const { t, prefix, rule, errors } = props;
  return (
    <>
      <Field id={`${prefix}-title`} name="title" label={t('settings.rules.ruleTitle')} value={rule.title} error={errors.title} required />
      <TextAreaField id={`${prefix}-text`} name="text" label={t('settings.rules.text')} hint={t('settings.rules.textHint')} value={rule.text} error={errors.text} rows={3} />
      <div class="offsets">
        <Field id={`${prefix}-days`} name="offsetDays" label={t('settings.rules.days')} value={rule.offsetDays} error={errors.offsetDays} inputmode="numeric" />
        <Field id={`${prefix}-hours`} name="offsetHours" label={t('settings.rules.hours')} value={rule.offsetHours} error={errors.offsetHours} inputmode="numeric" />
        <Field id={`${prefix}-minutes`} name="offsetMinutes" label={t('settings.rules.minutes')} value={rule.offsetMinutes} error={errors.offsetMinutes} inputmode="numeric" />
      </div>
      {rule.kind === 'followup' ? (
        <>
          <div class="field">
            <label for={`${prefix}-appliesTo`}>{t('settings.rules.appliesTo')}</label>
            <select id={`${prefix}-appliesTo`} name="appliesTo">
              {APPLIES_TO.map((value) => (
                <option value={value} selected={rule.appliesTo === value}>
                  {t(`settings.rules.appliesTo.${value}`)}
                </option>
              ))}
            </select>
            <FieldError id={`${prefix}-appliesTo`} error={errors.appliesTo} />
          </div>
          <CheckboxField id={`${prefix}-rating`} name="asksForRating" label={t('settings.rules.asksForRating')} checked={rule.asksForRating} error={errors.asksForRating} />
        </>
      ) : (
        ''
      )}
      <CheckboxField id={`${prefix}-active`} name="isActive" label={t('settings.active')} checked={rule.isActive} error={errors.isActive} />
    </>
  );
}

/** One service's page: its form, deactivate/delete, and its rules. */
export function renderServicePage(props: {
  user: ConsoleUser;
  t: Translate;
  service: ServiceValues & { id: string; currency: string };
  staff: Array<{ id: string; name: string }>;
  mainServices: Array<{ id: string; name: string }>;
  rules: RuleValues[];
  /** The form the errors belong to: 'details', 'new-reminder', 'new-followup' or a rule id. */
  errorsOf?: string;
  errors?: FieldErrors;
  /** What was typed in the refused rule form. */
  typedRule?: RuleValues;
  notice?: string;
}): string {
  const { user, t, service } = props;
  const errorsFor = (form: string) => (props.errorsOf === form ? (props.errors ?? {}) : {});
  const base = `/admin/settings/services/${service.id}`;
  const rulesOf = (kind: 'reminder' | 'followup') => (
    <section class="stack" aria-labelledby={`${kind}-title`}>
      <h2 id={`${kind}-title`}>{t(kind === 'reminder' ? 'settings.rules.reminders' : 'settings.rules.followUps')}</h2>
      <p class="muted">{t(kind === 'reminder' ? 'settings.rules.remindersHint' : 'settings.rules.followUpsHint')}</p>
      {props.rules
        .filter((rule) => rule.kind === kind)
        .map((stored) => {
          const rule = props.errorsOf === stored.id && props.typedRule ? { ...props.typedRule, id: stored.id } : stored;
          return (
            <div class="rule">
              <form method="post" action={`${base}/rules/${stored.id}`} class="column-form" novalidate aria-label={`${t('settings.rules.rule')}: ${stored.title}`}>
                <Csrf user={user} />
                <input type="hidden" name="kind" value={kind} />
                <RuleFields t={t} prefix={`rule-${stored.id}`} rule={rule} errors={errorsFor(stored.id!)} />
                <div class="actions">
                  <button type="submit">{t('settings.save')}</button>
                </div>
              </form>
              <form method="post" action={`${base}/rules/${stored.id}/delete`}>
                <Csrf user={user} />
                <input type="hidden" name="kind" value={kind} />
                <button type="submit" class="secondary" aria-label={t('settings.rules.removeOne', { title: stored.title })}>
                  {t('settings.remove')}
                </button>
              </form>
            </div>
          );
        })}
      <form method="post" action={`${base}/rules`} class="column-form" novalidate aria-labelledby={`${kind}-add-title`}>
        <h3 id={`${kind}-add-title`}>{t(kind === 'reminder' ? 'settings.rules.addReminder' : 'settings.rules.addFollowUp')}</h3>
        <Csrf user={user} />
        <input type="hidden" name="kind" value={kind} />
        <RuleFields
          t={t}
          prefix={`new-${kind}`}
          rule={
            props.errorsOf === `new-${kind}` && props.typedRule
              ? props.typedRule
              : { kind, title: '', text: '', offsetDays: kind === 'reminder' ? 1 : 0, offsetHours: kind === 'reminder' ? 0 : 2, offsetMinutes: 0, isActive: true, appliesTo: 'completed', asksForRating: false }
          }
          errors={errorsFor(`new-${kind}`)}
        />
        <div>
          <button type="submit">{t(kind === 'reminder' ? 'settings.rules.addReminder' : 'settings.rules.addFollowUp')}</button>
        </div>
      </form>
    </section>
  );
  return SettingsFrame({
    user,
    t,
    section: 'services',
    title: service.name,
    notice: props.notice,
    errors: props.errors?.[''] ? { '': props.errors[''] } : undefined,
    children: (
      <>
        <p>
          <a href="/admin/settings/services">{t('settings.back')}</a>
        </p>
        <div class="settings-grid">
          <form method="post" action={base} class="stack" novalidate aria-labelledby="service-details-title">
            <h2 id="service-details-title">{t('settings.services.details')}</h2>
            <Csrf user={user} />
            <ServiceFields t={t} prefix="service" values={service} errors={errorsFor('details')} staff={props.staff} mainServices={props.mainServices} currency={service.currency} />
            <CheckboxField id="service-isActive" name="isActive" label={t('settings.active')} checked={service.isActive} error={errorsFor('details').isActive} />
            <div>
              <button type="submit">{t('settings.save')}</button>
            </div>
          </form>
          <section class="stack" aria-labelledby="service-state-title">
            <h2 id="service-state-title">{t('settings.services.availability')}</h2>
            <p>{service.isActive ? t('settings.services.isOffered') : t('settings.services.isNotOffered')}</p>
            <form method="post" action={`${base}/${service.isActive ? 'deactivate' : 'activate'}`}>
              <Csrf user={user} />
              <button type="submit" class="secondary">
                {t(service.isActive ? 'settings.services.deactivate' : 'settings.services.activate')}
              </button>
            </form>
            <form method="post" action={`${base}/delete`}>
              <Csrf user={user} />
              <p class="muted">{t('settings.services.deleteHint')}</p>
              <button type="submit" class="danger">
                {t('settings.services.delete')}
              </button>
            </form>
          </section>
        </div>
        <div class="settings-grid">
          {rulesOf('reminder')}
          {rulesOf('followup')}
        </div>
      </>
    ),
  });
}
