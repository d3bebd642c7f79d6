/** Settings → API keys (admins only): the keys with their role; create one (shown once) or revoke one. */
import { formatInTimeZone } from 'date-fns-tz';
import { API_KEY_ROLES } from '../../api';
import type { ConsoleUser } from '../auth/accounts';
import type { Translate } from '../i18n';
import { Flash } from './flash';
import { Layout } from './layout';
import { SettingsNav } from './settings/settings-frame';

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
  return (
    <Layout user={user} t={t} title={title} current="settings">
      <SettingsNav t={t} current="apiKeys" />
      <h1>{title}</h1>
      {props.created ? (
        <p class="notice" role="status">
          <span safe>{t('apiKeys.shownOnce', { name: props.created.name })}</span> <code safe>{props.created.key}</code>
        </p>
      ) : (
        ''
      )}
      <Flash notice={props.notice} error={props.error} />
      <div class="inbox">
        <form method="post" action="/admin/settings/api-keys" class="stack">
          <h2>{t('apiKeys.create')}</h2>
          <input type="hidden" name="_csrf" value={user.csrfToken} />
          <label for="key-name">{t('apiKeys.name')}</label>
          <input id="key-name" name="name" required maxlength="100" />
          <label for="key-role">{t('users.role')}</label>
          <select id="key-role" name="role">
            {API_KEY_ROLES.map((role) => (
              <option value={role}>{roleLabel(t, role)}</option>
            ))}
          </select>
          <button type="submit">{t('apiKeys.create')}</button>
        </form>
        {props.keys.length === 0 ? (
          <p class="panel">{t('apiKeys.none')}</p>
        ) : (
          <table class="panel">
            <caption class="muted">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t('apiKeys.name')}</th>
                <th scope="col">{t('users.role')}</th>
                <th scope="col">{t('apiKeys.prefix')}</th>
                <th scope="col">{t('apiKeys.lastUsed')}</th>
                <th scope="col">{t('apiKeys.status')}</th>
              </tr>
            </thead>
            <tbody>
              {props.keys.map((key) => (
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
                      <form method="post" action={`/admin/settings/api-keys/${key.id}/revoke`} class="inline">
                        <input type="hidden" name="_csrf" value={user.csrfToken} />
                        <span>{t('apiKeys.active')}</span>{' '}
                        <button type="submit" class="danger" aria-label={`${t('apiKeys.revoke')}: ${key.name}`}>
                          {t('apiKeys.revoke')}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Layout>
  ) as string;
}
