/**
 * Settings → Staff: the list with "add staff member", and one staff member's page: details and
 * services, the weekly hours grid, date overrides, and external calendars whose events block time.
 */
import type { TimeRange } from '../../../api/working-hours-format';
import type { ConsoleUser } from '../../auth/accounts';
import type { Translate } from '../../i18n';
import { GRID_WEEKDAYS, gridFieldName, withBlankRows, type HoursGrid } from '../../settings/hours-grid';
import type { FieldErrors } from '../../settings/operations';
import { CheckboxField, CheckboxGroup, Field, FieldError, SettingsFrame } from './settings-frame';
import { BackLink, NamesFields, RowActionForm, SettingsForm, SettingsSection, SettingsTable } from './settings-parts';

/** A staff member as the API shows it. */
export interface StaffValues {
  id?: string;
  name: string;
  names: Record<string, string>;
  whatsappNumber: string | null;
  isActive: boolean;
  serviceIds: string[];
}

/** A date override as the API shows it. */
export interface OverrideView {
  id: string;
  date: string;
  isClosed: boolean;
  startTime: string | null;
  endTime: string | null;
  note: string | null;
}

/** An external calendar as the API shows it (never its address). */
export interface ExternalCalendarView {
  id: string;
  name: string;
  host: string;
  lastFetchedAt: string | null;
  lastError: string | null;
}

/** The add-override form as typed. */
export interface OverrideFormValues {
  date: string;
  kind: 'closed' | 'hours';
  startTime: string;
  endTime: string;
  note: string;
}

const TIME_PATTERN = '([01]?[0-9]|2[0-3])(:?[0-5][0-9])?|24:?00';

function StaffFields(props: { t: Translate; prefix: string; values: StaffValues; errors: FieldErrors; services: Array<{ id: string; name: string }> }): JSX.Element {
  const { t, prefix, values, errors } = props;
  return (
    <>
      <Field id={`${prefix}-name`} name="name" label={t('settings.staff.name')} value={values.name} error={errors.name} required />
      <NamesFields t={t} prefix={prefix} names={values.names} errors={errors} />
      <Field
        id={`${prefix}-whatsappNumber`}
        name="whatsappNumber"
        type="tel"
        label={t('settings.staff.number')}
        hint={t('settings.staff.numberHint')}
        value={values.whatsappNumber}
        error={errors.whatsappNumber}
      />
      <CheckboxGroup
        id={`${prefix}-services`}
        name="serviceIds"
        legend={t('settings.staff.services')}
        options={props.services.map((service) => ({ value: service.id, label: service.name }))}
        checked={values.serviceIds}
        error={errors.serviceIds}
      />
    </>
  );
}

/** The staff list with the "add staff member" form. */
export function renderStaffListPage(props: {
  user: ConsoleUser;
  t: Translate;
  staff: StaffValues[];
  services: Array<{ id: string; name: string }>;
  values?: StaffValues;
  errors?: FieldErrors;
  notice?: string;
}): string {
  const { user, t } = props;
  const errors = props.errors ?? {};
  return SettingsFrame({
    user,
    t,
    section: 'staff',
    title: t('settings.staff.title'),
    notice: props.notice,
    errors,
    children: (
      <div class="settings-grid">
        <SettingsTable
          caption={t('settings.staff.title')}
          columns={[t('settings.staff.name'), t('settings.staff.services'), t('settings.status')]}
          rows={props.staff}
          empty={t('settings.staff.none')}
          row={(member) => (
            <tr>
              <td>
                <a href={`/admin/settings/staff/${member.id}`} safe>
                  {member.name}
                </a>
              </td>
              <td safe>
                {props.services
                  .filter((service) => member.serviceIds.includes(service.id))
                  .map((service) => service.name)
                  .join(', ') || '—'}
              </td>
              <td>{member.isActive ? t('settings.active') : t('settings.inactive')}</td>
            </tr>
          )}
        />
        <SettingsForm user={user} action="/admin/settings/staff" id="staff-add" title={t('settings.staff.add')} submit={t('settings.staff.add')} class="stack">
          <StaffFields t={t} prefix="new-staff" values={props.values ?? { name: '', names: {}, whatsappNumber: null, isActive: true, serviceIds: [] }} errors={errors} services={props.services} />
        </SettingsForm>
      </div>
    ),
  });
}

/** The weekly hours grid: per weekday its ranges and a blank row to add one; every field labelled. */
function HoursGridForm(props: { user: ConsoleUser; t: Translate; staffId: string; grid: HoursGrid; errors: FieldErrors }): JSX.Element {
  const { t, grid, errors } = props;
  return (
    <SettingsForm
      user={props.user}
      action={`/admin/settings/staff/${props.staffId}/hours`}
      id="hours"
      title={t('settings.hours.title')}
      hint={t('settings.hours.hint', { zone: props.user.timeZone })}
      submit={t('settings.hours.save')}
      class="stack hours"
    >
      <div class="hours-grid">
        {GRID_WEEKDAYS.map((weekday) => {
          const dayName = t(`settings.weekday.${weekday}`);
          const rows: TimeRange[] = withBlankRows(grid[weekday] ?? []);
          return (
            <fieldset class="day" aria-describedby={errors[`hours.${weekday}`] ? `hours-${weekday}-error` : undefined}>
              <legend>{dayName}</legend>
              {(grid[weekday] ?? []).length === 0 ? <span class="muted day-off">{t('settings.hours.dayOff')}</span> : ''}
              {rows.map((row, index) => {
                const input = (side: 'start' | 'end') => {
                  const name = gridFieldName(weekday, index, side);
                  const id = name.replace(/\./g, '-');
                  const label = t(side === 'start' ? 'settings.hours.from' : 'settings.hours.to', { day: dayName, n: index + 1 });
                  return (
                    <span class="time">
                      <label for={id} class="sr-only">
                        {label}
                      </label>
                      <input
                        id={id}
                        name={name}
                        value={row[side]}
                        inputmode="numeric"
                        autocomplete="off"
                        size="5"
                        maxlength="5"
                        placeholder="hh:mm"
                        pattern={TIME_PATTERN}
                        aria-invalid={errors[name] ? 'true' : undefined}
                        aria-describedby={errors[name] ? `${id}-error` : 'hours-hint'}
                      />
                      <FieldError id={id} error={errors[name]} />
                    </span>
                  );
                };
                return (
                  <div class="range">
                    {input('start')}
                    <span aria-hidden="true">–</span>
                    {input('end')}
                  </div>
                );
              })}
              <FieldError id={`hours-${weekday}`} error={errors[`hours.${weekday}`]} />
            </fieldset>
          );
        })}
      </div>
    </SettingsForm>
  );
}

/** One staff member's page. */
export function renderStaffPage(props: {
  user: ConsoleUser;
  t: Translate;
  staff: StaffValues & { id: string };
  services: Array<{ id: string; name: string }>;
  grid: HoursGrid;
  overrides: OverrideView[];
  calendars: ExternalCalendarView[];
  /** Which form the errors belong to. */
  section?: 'details' | 'hours' | 'override' | 'calendar';
  errors?: FieldErrors;
  overrideValues?: OverrideFormValues;
  calendarValues?: { name: string; url: string };
  notice?: string;
}): string {
  const { user, t, staff } = props;
  const errorsOf = (section: NonNullable<typeof props.section>) => (props.section === section ? (props.errors ?? {}) : {});
  const override = props.overrideValues ?? { date: '', kind: 'closed', startTime: '', endTime: '', note: '' };
  const overrideErrors = errorsOf('override');
  const calendarErrors = errorsOf('calendar');
  const base = `/admin/settings/staff/${staff.id}`;
  return SettingsFrame({
    user,
    t,
    section: 'staff',
    title: staff.name,
    notice: props.notice,
    error: props.errors?.[''],
    children: (
      <>
        <BackLink t={t} href="/admin/settings/staff" />
        <div class="settings-grid">
          <SettingsForm user={user} action={base} id="details" title={t('settings.staff.details')} submit={t('settings.save')} class="stack">
            <StaffFields t={t} prefix="staff" values={staff} errors={errorsOf('details')} services={props.services} />
            <CheckboxField id="staff-isActive" name="isActive" label={t('settings.active')} checked={staff.isActive} error={errorsOf('details').isActive} />
          </SettingsForm>
          <HoursGridForm user={user} t={t} staffId={staff.id} grid={props.grid} errors={errorsOf('hours')} />
        </div>
        <div class="settings-grid">
          <SettingsSection id="overrides" title={t('settings.overrides.title')}>
            {props.overrides.length === 0 ? <p class="muted">{t('settings.overrides.none')}</p> : ''}
            <ul class="plain">
              {props.overrides.map((row) => (
                <li>
                  <RowActionForm user={user} action={`${base}/overrides/${row.id}/delete`} label={t('settings.remove')} ariaLabel={t('settings.overrides.removeOne', { date: row.date })} tone="secondary" inline>
                    <span>
                      <strong>{row.date}</strong> {row.isClosed ? t('settings.overrides.closed') : `${row.startTime}–${row.endTime}`}
                      {row.note ? <span class="muted" safe>{` · ${row.note}`}</span> : ''}
                    </span>
                  </RowActionForm>
                </li>
              ))}
            </ul>
            <SettingsForm user={user} action={`${base}/overrides`} id="override-add" level={3} title={t('settings.overrides.add')} submit={t('settings.overrides.add')} class="column-form">
              <Field id="override-date" name="date" type="date" label={t('settings.overrides.date')} value={override.date} error={overrideErrors.date} required />
              <fieldset class="field">
                <legend>{t('settings.overrides.kind')}</legend>
                <span class="check">
                  <input id="override-kind-closed" type="radio" name="kind" value="closed" checked={override.kind === 'closed'} />
                  <label for="override-kind-closed">{t('settings.overrides.closed')}</label>
                </span>
                <span class="check">
                  <input id="override-kind-hours" type="radio" name="kind" value="hours" checked={override.kind === 'hours'} />
                  <label for="override-kind-hours">{t('settings.overrides.special')}</label>
                </span>
                <FieldError id="override-kind" error={overrideErrors.isClosed} />
              </fieldset>
              <Field id="override-start" name="startTime" label={t('settings.overrides.start')} value={override.startTime} error={overrideErrors.startTime} inputmode="numeric" placeholder="hh:mm" />
              <Field id="override-end" name="endTime" label={t('settings.overrides.end')} value={override.endTime} error={overrideErrors.endTime} inputmode="numeric" placeholder="hh:mm" />
              <Field id="override-note" name="note" label={t('settings.overrides.note')} value={override.note} error={overrideErrors.note} />
            </SettingsForm>
          </SettingsSection>
          <SettingsSection id="calendars" title={t('settings.calendars.title')} hint={t('settings.calendars.hint')}>
            {props.calendars.length === 0 ? <p class="muted">{t('settings.calendars.none')}</p> : ''}
            <ul class="plain">
              {props.calendars.map((calendar) => (
                <li>
                  <RowActionForm user={user} action={`${base}/calendars/${calendar.id}/delete`} label={t('settings.remove')} ariaLabel={t('settings.calendars.removeOne', { name: calendar.name })} tone="secondary" inline>
                    <span>
                      <strong safe>{calendar.name}</strong> <span class="muted" safe>{`(${calendar.host})`}</span>
                      {calendar.lastError ? <span class="error" safe>{` ${calendar.lastError}`}</span> : ''}
                    </span>
                  </RowActionForm>
                </li>
              ))}
            </ul>
            <SettingsForm user={user} action={`${base}/calendars`} id="calendar-add" level={3} title={t('settings.calendars.add')} submit={t('settings.calendars.add')} class="column-form">
              <Field id="calendar-name" name="name" label={t('settings.calendars.name')} value={props.calendarValues?.name ?? ''} error={calendarErrors.name} required />
              <Field id="calendar-url" name="url" type="url" label={t('settings.calendars.url')} value={props.calendarValues?.url ?? ''} error={calendarErrors.url} required />
            </SettingsForm>
          </SettingsSection>
        </div>
      </>
    ),
  });
}
