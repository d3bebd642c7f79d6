/** Settings → webhook subscriptions (admins only): where signed event webhooks go; add one (secret shown once) or delete one. */
import type { WebhookSubscriptionRow } from '../../api';
import type { ConsoleUser } from '../auth/accounts';
import type { Translate } from '../i18n';
import { Flash } from './flash';
import { Layout } from './layout';
import { SettingsNav } from './settings/settings-frame';

/** Renders the webhooks page; `created` carries the signing secret, shown only in this answer. */
export function renderWebhooksPage(props: {
  user: ConsoleUser;
  t: Translate;
  subscriptions: WebhookSubscriptionRow[];
  created?: { url: string; secret: string };
  /** The URL typed in, kept after a refusal so it can be corrected. */
  url?: string;
  notice?: string;
  error?: string;
}): string {
  const { user, t } = props;
  const title = t('webhooks.title');
  return (
    <Layout user={user} t={t} title={title} current="settings">
      <SettingsNav t={t} current="webhooks" />
      <h1>{title}</h1>
      {props.created ? (
        <p class="notice" role="status">
          <span safe>{t('webhooks.secret', { url: props.created.url })}</span> <code safe>{props.created.secret}</code>
        </p>
      ) : (
        ''
      )}
      <Flash notice={props.notice} error={props.error} />
      <div class="inbox">
        <form method="post" action="/admin/settings/webhooks" class="stack">
          <h2>{t('webhooks.create')}</h2>
          <input type="hidden" name="_csrf" value={user.csrfToken} />
          <label for="webhook-url">{t('webhooks.url')}</label>
          <input id="webhook-url" name="url" type="url" required maxlength="2000" placeholder="https://" value={props.url ?? ''} />
          <button type="submit">{t('webhooks.create')}</button>
        </form>
        {props.subscriptions.length === 0 ? (
          <p class="panel">{t('webhooks.none')}</p>
        ) : (
          <table class="panel">
            <caption class="muted">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t('webhooks.url')}</th>
                <th scope="col">{t('webhooks.events')}</th>
                <th scope="col">{t('webhooks.active')}</th>
                <th scope="col">
                  <span class="muted">{t('webhooks.delete')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.subscriptions.map((subscription) => (
                <tr>
                  <td safe>{subscription.url}</td>
                  <td safe>{subscription.events.length === 0 ? t('webhooks.allEvents') : subscription.events.join(', ')}</td>
                  <td>{subscription.isActive ? t('settings.yes') : t('settings.no')}</td>
                  <td>
                    <form method="post" action={`/admin/settings/webhooks/${subscription.id}/delete`}>
                      <input type="hidden" name="_csrf" value={user.csrfToken} />
                      <button type="submit" class="danger" aria-label={`${t('webhooks.delete')}: ${subscription.url}`}>
                        {t('webhooks.delete')}
                      </button>
                    </form>
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
