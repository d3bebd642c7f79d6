/** Settings → console users (admins only): who may sign in, with which role; create one or reset a password (shown once). */
import { formatInTimeZone } from 'date-fns-tz';
import type { ConsoleUser } from '../auth/accounts';
import { STAFF_ROLES } from '../auth/staff-user-repository';
import type { Translate } from '../i18n';
import { SettingsFrame } from './settings/settings-frame';
import { RowActionForm, SettingsForm, SettingsTable, ShownOnce } from './settings/settings-parts';

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
  return SettingsFrame({
    user,
    t,
    section: 'users',
    title,
    error: props.error,
    children: (
      <>
        {props.oneTimePassword ? <ShownOnce text={t('users.password', { email: props.oneTimePassword.email })} secret={props.oneTimePassword.password} /> : ''}
        <div class="inbox">
          <SettingsForm user={user} action="/admin/settings/users" id="user-create" title={t('users.create')} submit={t('users.create')} class="stack" browserValidates>
            <label for="user-email">{t('signIn.email')}</label>
            <input id="user-email" name="email" type="email" required />
            <label for="user-role">{t('users.role')}</label>
            <select id="user-role" name="role">
              {STAFF_ROLES.map((role) => (
                <option value={role}>{t(`users.role.${role}`)}</option>
              ))}
            </select>
          </SettingsForm>
          <SettingsTable
            caption={title}
            columns={[t('signIn.email'), t('users.role'), t('users.lastSignIn')]}
            actions={t('users.reset')}
            rows={props.users}
            row={(row) => (
              <tr>
                <td safe>{row.email}</td>
                <td>{STAFF_ROLES.includes(row.role as (typeof STAFF_ROLES)[number]) ? t(`users.role.${row.role as (typeof STAFF_ROLES)[number]}`) : ''}</td>
                <td>{row.lastSignInAt ? formatInTimeZone(row.lastSignInAt, user.timeZone, 'yyyy-MM-dd HH:mm') : '—'}</td>
                <td>
                  <RowActionForm user={user} action={`/admin/settings/users/${row.id}/reset-password`} label={t('users.reset')} ariaLabel={`${t('users.reset')}: ${row.email}`} tone="secondary" />
                </td>
              </tr>
            )}
          />
        </div>
      </>
    ),
  });
}
