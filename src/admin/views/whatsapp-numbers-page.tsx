/** Settings → WhatsApp numbers (admins only): each number and whether it can send; the token itself is never shown. */
import { formatInTimeZone } from 'date-fns-tz';
import type { WhatsAppNumberRow } from '../../api';
import type { ConsoleUser } from '../auth/accounts';
import type { Translate } from '../i18n';
import { Layout } from './layout';
import { SettingsNav } from './settings/settings-frame';

/** Renders the numbers page. */
export function renderWhatsAppNumbersPage(props: { user: ConsoleUser; t: Translate; numbers: WhatsAppNumberRow[] }): string {
  const { user, t } = props;
  const title = t('numbers.title');
  const time = (at: Date) => formatInTimeZone(at, user.timeZone, 'yyyy-MM-dd HH:mm');
  return (
    <Layout user={user} t={t} title={title} current="settings">
      <SettingsNav t={t} current="whatsapp" />
      <h1>{title}</h1>
      {props.numbers.length === 0 ? (
        <p class="panel">{t('numbers.none')}</p>
      ) : (
        <table class="panel">
          <caption class="muted">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('numbers.display')}</th>
              <th scope="col">{t('numbers.id')}</th>
              <th scope="col">{t('numbers.token')}</th>
              <th scope="col">{t('numbers.lastSend')}</th>
              <th scope="col">{t('numbers.lastError')}</th>
            </tr>
          </thead>
          <tbody>
            {props.numbers.map((number) => (
              <tr>
                <td safe>{number.displayPhone ?? '—'}</td>
                <td safe>{number.phoneNumberId}</td>
                <td>{number.accessTokenEncrypted ? t('settings.yes') : t('settings.no')}</td>
                <td>{number.lastSuccessfulSendAt ? time(number.lastSuccessfulSendAt) : t('numbers.never')}</td>
                <td safe>
                  {number.lastErrorCode && number.lastErrorAt
                    ? t('numbers.errorLine', { code: number.lastErrorCode, message: number.lastErrorMessage ?? '', count: number.lastErrorCount, at: time(number.lastErrorAt) })
                    : t('numbers.noError')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  ) as string;
}
