/** Settings → Locations: where appointments happen; list, add, and one location's form. */
import type { ConsoleUser } from '../../auth/accounts';
import type { Translate } from '../../i18n';
import type { FieldErrors } from '../../settings/operations';
import { CheckboxField, Field, SettingsFrame } from './settings-frame';
import { BackLink, NamesFields, SettingsForm, SettingsTable } from './settings-parts';

/** A location as the API shows it. */
export interface LocationValues {
  id?: string;
  title: string;
  names: Record<string, string>;
  address: string | null;
  isActive: boolean;
}

/** The fields of a location form (create and edit). */
function LocationFields(props: { t: Translate; prefix: string; values: LocationValues; errors: FieldErrors }): JSX.Element {
  const { t, prefix, values, errors } = props;
  return (
    <>
      <Field id={`${prefix}-title`} name="title" label={t('settings.locations.name')} value={values.title} error={errors.title} required />
      <NamesFields t={t} prefix={prefix} names={values.names} errors={errors} />
      <Field id={`${prefix}-address`} name="address" label={t('settings.locations.address')} value={values.address} error={errors.address} />
    </>
  );
}

/** The list with the "add location" form. */
export function renderLocationsPage(props: { user: ConsoleUser; t: Translate; locations: LocationValues[]; values?: LocationValues; errors?: FieldErrors; notice?: string }): string {
  const { user, t } = props;
  const errors = props.errors ?? {};
  return SettingsFrame({
    user,
    t,
    section: 'locations',
    title: t('settings.locations.title'),
    notice: props.notice,
    errors,
    children: (
      <div class="settings-grid">
        <SettingsTable
          caption={t('settings.locations.title')}
          columns={[t('settings.locations.name'), t('settings.locations.address'), t('settings.status')]}
          rows={props.locations}
          empty={t('settings.locations.none')}
          row={(location) => (
            <tr>
              <td>
                <a href={`/admin/settings/locations/${location.id}`} safe>
                  {location.title}
                </a>
              </td>
              <td safe>{location.address ?? '—'}</td>
              <td>{location.isActive ? t('settings.active') : t('settings.inactive')}</td>
            </tr>
          )}
        />
        <SettingsForm user={user} action="/admin/settings/locations" id="location-add" title={t('settings.locations.add')} submit={t('settings.locations.add')} class="stack">
          <LocationFields t={t} prefix="new-location" values={props.values ?? { title: '', names: {}, address: null, isActive: true }} errors={errors} />
        </SettingsForm>
      </div>
    ),
  });
}

/** One location's form. */
export function renderLocationPage(props: { user: ConsoleUser; t: Translate; location: LocationValues & { id: string }; errors?: FieldErrors; notice?: string }): string {
  const { user, t, location } = props;
  const errors = props.errors ?? {};
  return SettingsFrame({
    user,
    t,
    section: 'locations',
    title: location.title,
    notice: props.notice,
    errors,
    children: (
      <>
        <BackLink t={t} href="/admin/settings/locations" />
        <SettingsForm user={user} action={`/admin/settings/locations/${location.id}`} submit={t('settings.save')} class="stack settings-form">
          <LocationFields t={t} prefix="location" values={location} errors={errors} />
          <CheckboxField id="location-isActive" name="isActive" label={t('settings.active')} checked={location.isActive} error={errors.isActive} />
        </SettingsForm>
      </>
    ),
  });
}
