/** Settings → webhook subscriptions (admins only): where signed event webhooks go; add one (secret shown once) or delete one. */
import type { WebhookSubscriptionRow } from '../../api';
import type { ConsoleUser } from '../auth/accounts';
import type { Translate } from '../i18n';
import { SettingsFrame } from './settings/settings-frame';
import { RowActionForm, SettingsForm, SettingsTable, ShownOnce } from './settings/settings-parts';

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
  return SettingsFrame({
    user,
    t,
    section: 'webhooks',
    title,
    notice: props.notice,
    error: props.error,
    children: (
      <>
        {props.created ? <ShownOnce text={t('webhooks.secret', { url: props.created.url })} secret={props.created.secret} /> : ''}
        <div class="inbox">
          <SettingsForm user={user} action="/admin/settings/webhooks" id="webhook-create" title={t('webhooks.create')} submit={t('webhooks.create')} class="stack" browserValidates>
            <label for="webhook-url">{t('webhooks.url')}</label>
            <input id="webhook-url" name="url" type="url" required maxlength="2000" placeholder="https://" value={props.url ?? ''} />
          </SettingsForm>
          <SettingsTable
            caption={title}
            columns={[t('webhooks.url'), t('webhooks.events'), t('webhooks.active')]}
            actions={t('webhooks.delete')}
            rows={props.subscriptions}
            empty={t('webhooks.none')}
            row={(subscription) => (
              <tr>
                <td safe>{subscription.url}</td>
                <td safe>{subscription.events.length === 0 ? t('webhooks.allEvents') : subscription.events.join(', ')}</td>
                <td>{subscription.isActive ? t('settings.yes') : t('settings.no')}</td>
                <td>
                  <RowActionForm user={user} action={`/admin/settings/webhooks/${subscription.id}/delete`} label={t('webhooks.delete')} ariaLabel={`${t('webhooks.delete')}: ${subscription.url}`} tone="danger" />
                </td>
              </tr>
            )}
          />
        </div>
      </>
    ),
  });
}
