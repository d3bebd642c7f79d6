/** Settings → WhatsApp numbers (admins only): each number and whether it can send; the token itself is never shown. */
import { formatInTimeZone } from 'date-fns-tz';
import type { WhatsAppNumberRow } from '../../api';
import type { ConsoleUser } from '../auth/accounts';
import type { Translate } from '../i18n';
import { SettingsFrame } from './settings/settings-frame';
import { SettingsTable } from './settings/settings-parts';

/** Renders the numbers page. */
export function renderWhatsAppNumbersPage(props: { user: ConsoleUser; t: Translate; numbers: WhatsAppNumberRow[] }): string {
  const { user, t } = props;
  const title = t('numbers.title');
  const time = (at: Date) => formatInTimeZone(at, user.timeZone, 'yyyy-MM-dd HH:mm');
  return SettingsFrame({
    user,
    t,
    section: 'whatsapp',
    title,
    children: (
      <SettingsTable
        caption={title}
        columns={[t('numbers.display'), t('numbers.id'), t('numbers.token'), t('numbers.lastSend'), t('numbers.lastError')]}
        rows={props.numbers}
        empty={t('numbers.none')}
        row={(number) => (
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
        )}
      />
    ),
  });
}
