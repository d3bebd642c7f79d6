/** Customers: search by name or phone; one customer's language, opt-out state, bookings and conversation. */
import { formatInTimeZone } from 'date-fns-tz';
import type { ConsoleUser } from '../auth/accounts';
import type { CustomerDetail, CustomerListRow } from '../customers/customer-repository';
import type { Translate } from '../i18n';
import { formatCustomerContact, formatCustomerName } from './customer-label';
import { Layout } from './layout';
import { SearchForm } from './search-form';

const LANGUAGES: Record<string, string> = { en: 'English', es: 'Español', pt: 'Português' };

/** Renders the customer list page, optionally with one customer open. */
export function renderCustomersPage(props: { user: ConsoleUser; t: Translate; rows: CustomerListRow[]; search?: string; detail?: CustomerDetail }): string {
  const { user, t } = props;
  const title = t('customers.title');
  const detail = props.detail;
  return (
    <Layout user={user} t={t} title={title} current="customers">
      <div class="toolbar">
        <h1>{title}</h1>
        <SearchForm t={t} action="/admin/customers" id="customer-search" value={props.search} />
      </div>
      <div class="inbox">
        <ul class="conversations" aria-label={title}>
          {props.rows.length === 0 ? (
            <li>
              <p class="muted">{t('customers.none')}</p>
            </li>
          ) : (
            props.rows.map((row) => (
              <li>
                <a href={`/admin/customers/${row.id}${props.search ? `?q=${encodeURIComponent(props.search)}` : ''}`} aria-current={row.id === detail?.id ? 'true' : undefined}>
                  <strong safe>{formatCustomerName(row)}</strong>
                  <span class="reason" safe>
                    {`${formatCustomerContact(row)}${row.isOptedOut ? ` · ${t('customers.optedOut')}` : ''}`}
                  </span>
                </a>
              </li>
            ))
          )}
        </ul>
        <div>
          {detail ? (
            <section class="panel" aria-labelledby="customer-title">
              <h2 id="customer-title" safe>
                {formatCustomerName(detail)}
              </h2>
              <dl>
                <dt>{detail.phoneE164 || !detail.username ? t('booking.phone') : t('customers.username')}</dt>
                <dd safe>{formatCustomerContact(detail)}</dd>
                <dt>{t('nav.language')}</dt>
                <dd>{LANGUAGES[detail.locale ?? ''] ?? '—'}</dd>
                <dt>{t('customers.messages')}</dt>
                <dd>{detail.isOptedOut ? <strong class="error">{t('customers.optedOutLong')}</strong> : t('customers.optedIn')}</dd>
                <dt>{t('customers.lastMessage')}</dt>
                <dd>{detail.lastInboundAt ? formatInTimeZone(detail.lastInboundAt, user.timeZone, 'yyyy-MM-dd HH:mm') : '—'}</dd>
              </dl>
              {detail.conversation ? (
                <p>
                  <a href={`/admin/inbox?c=${detail.conversation.id}`}>{t('customers.openConversation')}</a>
                </p>
              ) : (
                ''
              )}
              <h3>{t('customers.bookings')}</h3>
              {detail.bookings.length === 0 ? (
                <p class="muted">{t('customers.noBookings')}</p>
              ) : (
                <ul class="audit">
                  {detail.bookings.map((booking) => (
                    <li>
                      <a href={`/admin/bookings/${booking.uid}`} safe>
                        {`${formatInTimeZone(booking.startsAt, user.timeZone, 'yyyy-MM-dd HH:mm')} · ${booking.service.name} · ${booking.staff.name}`}
                      </a>{' '}
                      <span class="muted">{t(`status.${booking.status}`)}</span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          ) : (
            <p class="panel">{t('customers.select')}</p>
          )}
        </div>
      </div>
    </Layout>
  ) as string;
}
