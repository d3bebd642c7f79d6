/** Settings → Locations: where appointments happen; list, add, and one location's form. */
import type { ConsoleUser } from '../../auth/accounts';
import type { Translate } from '../../i18n';
import type { FieldErrors } from '../../settings/operations';
import { CheckboxField, Csrf, Field, SettingsFrame } from './settings-frame';

/** A location as the API shows it. */
export interface LocationValues {
  id?: string;
  title: string;
  names: Record<string, string>;
  address: string | null;
  isActive: boolean;
}

const LANGUAGES = ['en', 'es', 'pt'] as const;

/** The fields of a location form (create and edit). */
function LocationFields(props: { t: Translate; prefix: string; values: LocationValues; errors: FieldErrors }): JSX.Element {
  const { t, prefix, values, errors } = props;
  return (
    <>
      <Field id={`${prefix}-title`} name="title" label={t('settings.locations.name')} value={values.title} error={errors.title} required />
      {LANGUAGES.map((language) => (
        <Field
          id={`${prefix}-names-${language}`}
          name={`names.${language}`}
          label={t('settings.nameIn', { language: t(`settings.language.${language}`) })}
          value={values.names[language] ?? ''}
          error={errors[`names.${language}`]}
        />
      ))}
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
        <table class="panel">
          <caption class="muted">{t('settings.locations.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('settings.locations.name')}</th>
              <th scope="col">{t('settings.locations.address')}</th>
              <th scope="col">{t('settings.status')}</th>
            </tr>
          </thead>
          <tbody>
            {props.locations.length === 0 ? (
              <tr>
                <td colspan="3" class="muted">
                  {t('settings.locations.none')}
                </td>
              </tr>
            ) : (
              ''
            )}
            {props.locations.map((location) => (
              <tr>
                <td>
                  <a href={`/admin/settings/locations/${location.id}`} safe>
                    {location.title}
                  </a>
                </td>
                <td safe>{location.address ?? '—'}</td>
                <td>{location.isActive ? t('settings.active') : t('settings.inactive')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="post" action="/admin/settings/locations" class="stack" novalidate>
          <h2>{t('settings.locations.add')}</h2>
          <Csrf user={user} />
          <LocationFields t={t} prefix="new-location" values={props.values ?? { title: '', names: {}, address: null, isActive: true }} errors={errors} />
          <div>
            <button type="submit">{t('settings.locations.add')}</button>
          </div>
        </form>
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
        <p>
          <a href="/admin/settings/locations">{t('settings.back')}</a>
        </p>
        <form method="post" action={`/admin/settings/locations/${location.id}`} class="stack settings-form" novalidate>
          <Csrf user={user} />
          <LocationFields t={t} prefix="location" values={location} errors={errors} />
          <CheckboxField id="location-isActive" name="isActive" label={t('settings.active')} checked={location.isActive} error={errors.isActive} />
          <div>
            <button type="submit">{t('settings.save')}</button>
          </div>
        </form>
      </>
    ),
  });
}
