/** Settings → API keys (admins only): the keys with their role; create one (shown once) or revoke one. */
import { formatInTimeZone } from 'date-fns-tz';
import { API_KEY_ROLES } from '../../api';
import type { ConsoleUser } from '../auth/accounts';
import type { Translate } from '../i18n';
import { SettingsFrame } from './settings/settings-frame';
import { RowActionForm, SettingsForm, SettingsTable, ShownOnce } from './settings/settings-parts';

/** A key as listed (never the key itself). */
export interface ApiKeyListRow {
  id: string;
  name: string;
  role: string;
  keyPrefix: string;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

function roleLabel(t: Translate, role: string): string {
  return (API_KEY_ROLES as readonly string[]).includes(role) ? t(`users.role.${role as (typeof API_KEY_ROLES)[number]}`) : role;
}

/** Renders the API keys page; `created` carries the raw key, shown only in this answer. */
export function renderApiKeysPage(props: { user: ConsoleUser; t: Translate; keys: ApiKeyListRow[]; created?: { name: string; key: string }; notice?: string; error?: string }): string {
  const { user, t } = props;
  const title = t('apiKeys.title');
  const time = (at: Date) => formatInTimeZone(at, user.timeZone, 'yyyy-MM-dd HH:mm');
  return SettingsFrame({
    user,
    t,
    section: 'apiKeys',
    title,
    notice: props.notice,
    error: props.error,
    children: (
      <>
        {props.created ? <ShownOnce text={t('apiKeys.shownOnce', { name: props.created.name })} secret={props.created.key} /> : ''}
        <div class="inbox">
          <SettingsForm user={user} action="/admin/settings/api-keys" id="key-create" title={t('apiKeys.create')} submit={t('apiKeys.create')} class="stack" browserValidates>
            <label for="key-name">{t('apiKeys.name')}</label>
            <input id="key-name" name="name" required maxlength="100" />
            <label for="key-role">{t('users.role')}</label>
            <select id="key-role" name="role">
              {API_KEY_ROLES.map((role) => (
                <option value={role}>{roleLabel(t, role)}</option>
              ))}
            </select>
          </SettingsForm>
          <SettingsTable
            caption={title}
            columns={[t('apiKeys.name'), t('users.role'), t('apiKeys.prefix'), t('apiKeys.lastUsed'), t('apiKeys.status')]}
            rows={props.keys}
            empty={t('apiKeys.none')}
            row={(key) => (
              <tr>
                <td safe>{key.name}</td>
                <td>{roleLabel(t, key.role)}</td>
                <td>
                  <code safe>{`${key.keyPrefix}…`}</code>
                </td>
                <td>{key.lastUsedAt ? time(key.lastUsedAt) : '—'}</td>
                <td>
                  {key.revokedAt ? (
                    t('apiKeys.revokedAt', { at: time(key.revokedAt) })
                  ) : (
                    <RowActionForm user={user} action={`/admin/settings/api-keys/${key.id}/revoke`} label={t('apiKeys.revoke')} ariaLabel={`${t('apiKeys.revoke')}: ${key.name}`} tone="danger" inline>
                      <span>{t('apiKeys.active')}</span>{' '}
                    </RowActionForm>
                  )}
                </td>
              </tr>
            )}
          />
        </div>
      </>
    ),
  });
}
