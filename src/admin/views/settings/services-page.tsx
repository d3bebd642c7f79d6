/**
 * Settings → Services: services and add-ons (an add-on is a service offered only with the
 * services it is attached to), one service's form, deactivate or delete, and its reminder and
 * follow-up rules.
 */
import type { ConsoleUser } from '../../auth/accounts';
import type { Translate } from '../../i18n';
import type { FieldErrors } from '../../settings/operations';
import { CheckboxField, CheckboxGroup, Field, FieldError, SettingsFrame, TextAreaField } from './settings-frame';
import { BackLink, NamesFields, RowActionForm, SettingsForm, SettingsSection, SettingsTable } from './settings-parts';

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
      <NamesFields t={t} prefix={prefix} names={values.names} errors={errors} />
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
    <SettingsTable
      caption={caption}
      captionIsHeading
      columns={[t('settings.services.name'), t('settings.services.durationShort'), t('booking.price'), ...(isAddOn ? [t('settings.services.addOnOf')] : []), t('settings.status')]}
      rows={rows}
      empty={t('settings.services.none')}
      row={(service) => (
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
      )}
    />
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
        <SettingsForm user={user} action="/admin/settings/services" id="service-add" title={t('settings.services.add')} hint={t('settings.services.addHint')} submit={t('settings.services.add')} class="stack">
          <ServiceFields t={t} prefix="new-service" values={props.values ?? blankService()} errors={errors} staff={props.staff} mainServices={mainServices} currency={props.currency} />
        </SettingsForm>
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
  const addTitle = (kind: 'reminder' | 'followup') => t(kind === 'reminder' ? 'settings.rules.addReminder' : 'settings.rules.addFollowUp');
  const rulesOf = (kind: 'reminder' | 'followup') => (
    <SettingsSection id={kind} title={t(kind === 'reminder' ? 'settings.rules.reminders' : 'settings.rules.followUps')} hint={t(kind === 'reminder' ? 'settings.rules.remindersHint' : 'settings.rules.followUpsHint')}>
      {props.rules
        .filter((rule) => rule.kind === kind)
        .map((stored) => {
          const rule = props.errorsOf === stored.id && props.typedRule ? { ...props.typedRule, id: stored.id } : stored;
          return (
            <div class="rule">
              <SettingsForm user={user} action={`${base}/rules/${stored.id}`} ariaLabel={`${t('settings.rules.rule')}: ${stored.title}`} submit={t('settings.save')} class="column-form" actionsClass="actions" hidden={{ kind }}>
                <RuleFields t={t} prefix={`rule-${stored.id}`} rule={rule} errors={errorsFor(stored.id!)} />
              </SettingsForm>
              <RowActionForm user={user} action={`${base}/rules/${stored.id}/delete`} label={t('settings.remove')} ariaLabel={t('settings.rules.removeOne', { title: stored.title })} tone="secondary" hidden={{ kind }} />
            </div>
          );
        })}
      <SettingsForm user={user} action={`${base}/rules`} id={`${kind}-add`} level={3} title={addTitle(kind)} submit={addTitle(kind)} class="column-form" hidden={{ kind }}>
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
      </SettingsForm>
    </SettingsSection>
  );
  return SettingsFrame({
    user,
    t,
    section: 'services',
    title: service.name,
    notice: props.notice,
    error: props.errors?.[''],
    children: (
      <>
        <BackLink t={t} href="/admin/settings/services" />
        <div class="settings-grid">
          <SettingsForm user={user} action={base} id="service-details" title={t('settings.services.details')} submit={t('settings.save')} class="stack">
            <ServiceFields t={t} prefix="service" values={service} errors={errorsFor('details')} staff={props.staff} mainServices={props.mainServices} currency={service.currency} />
            <CheckboxField id="service-isActive" name="isActive" label={t('settings.active')} checked={service.isActive} error={errorsFor('details').isActive} />
          </SettingsForm>
          <SettingsSection id="service-state" title={t('settings.services.availability')}>
            <p>{service.isActive ? t('settings.services.isOffered') : t('settings.services.isNotOffered')}</p>
            <RowActionForm user={user} action={`${base}/${service.isActive ? 'deactivate' : 'activate'}`} label={t(service.isActive ? 'settings.services.deactivate' : 'settings.services.activate')} tone="secondary" />
            <RowActionForm user={user} action={`${base}/delete`} label={t('settings.services.delete')} tone="danger">
              <p class="muted">{t('settings.services.deleteHint')}</p>
            </RowActionForm>
          </SettingsSection>
        </div>
        <div class="settings-grid">
          {rulesOf('reminder')}
          {rulesOf('followup')}
        </div>
      </>
    ),
  });
}
