/** Settings → console users (admins only): who may sign in, with which role; create one or reset a password (shown once). */
import { formatInTimeZone } from 'date-fns-tz';
import type { ConsoleUser } from '../auth/accounts';
import { STAFF_ROLES } from '../auth/staff-user-repository';
import type { Translate } from '../i18n';
import { Layout } from './layout';
import { SettingsNav } from './settings/settings-frame';

/** Renders the users page; `oneTimePassword` is shown once after a create or reset. */
export function renderUsersPage(props: {
  user: ConsoleUser;
  t: Translate;
  users: Array<{ id: string; email: string; role: string; lastSignInAt: Date | null }>;
  oneTimePassword?: { email: string; password: string };
  error?: string;
}): string {
  const { user, t } = props;
  const title = t('users.title');
  return (
    <Layout user={user} t={t} title={title} current="users">
      <SettingsNav t={t} current="users" />
      <h1>{title}</h1>
      {props.oneTimePassword ? (
        <p class="notice" role="status">
          <span safe>{t('users.password', { email: props.oneTimePassword.email })}</span> <code safe>{props.oneTimePassword.password}</code>
        </p>
      ) : (
        ''
      )}
      {props.error ? (
        <p class="error" role="alert" safe>
          {props.error}
        </p>
      ) : (
        ''
      )}
      <div class="inbox">
        <form method="post" action="/admin/settings/users" class="stack">
          <h2>{t('users.create')}</h2>
          <input type="hidden" name="_csrf" value={user.csrfToken} />
          <label for="user-email">{t('signIn.email')}</label>
          <input id="user-email" name="email" type="email" required />
          <label for="user-role">{t('users.role')}</label>
          <select id="user-role" name="role">
            {STAFF_ROLES.map((role) => (
              <option value={role}>{t(`users.role.${role}`)}</option>
            ))}
          </select>
          <button type="submit">{t('users.create')}</button>
        </form>
        <table class="panel">
          <caption class="muted">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('signIn.email')}</th>
              <th scope="col">{t('users.role')}</th>
              <th scope="col">{t('users.lastSignIn')}</th>
              <th scope="col">
                <span class="muted">{t('users.reset')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.users.map((row) => (
              <tr>
                <td safe>{row.email}</td>
                <td>{STAFF_ROLES.includes(row.role as (typeof STAFF_ROLES)[number]) ? t(`users.role.${row.role as (typeof STAFF_ROLES)[number]}`) : ''}</td>
                <td>{row.lastSignInAt ? formatInTimeZone(row.lastSignInAt, user.timeZone, 'yyyy-MM-dd HH:mm') : '—'}</td>
                <td>
                  <form method="post" action={`/admin/settings/users/${row.id}/reset-password`}>
                    <input type="hidden" name="_csrf" value={user.csrfToken} />
                    <button type="submit" class="secondary" aria-label={`${t('users.reset')}: ${row.email}`}>
                      {t('users.reset')}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  ) as string;
}
