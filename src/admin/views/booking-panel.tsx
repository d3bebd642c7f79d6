/** The booking panel: who, what, when, source, notes, reminders, history, and the actions the user's role allows. */
import { formatInTimeZone } from 'date-fns-tz';
import { findNextStatus } from '../../../machines/booking.machine';
import type { ConsoleUser } from '../auth/accounts';
import { canPerform } from '../auth/permissions';
import type { BookingDetail } from '../bookings/booking-detail-repository';
import type { Translate } from '../i18n';
import { formatDateLabel } from './calendar-page';
import { formatCustomerContact, formatCustomerName } from './customer-label';

/** A free time offered in the panel. */
export interface OfferedSlot {
  start: string;
  label: string;
}

/** Messages shown on top of the panel after an action. */
export interface PanelMessages {
  notice?: string;
  error?: string;
  alternatives?: OfferedSlot[];
  freeTimes?: { date: string; slots: OfferedSlot[] };
}

function Csrf(props: { user: ConsoleUser }): JSX.Element {
  return <input type="hidden" name="_csrf" value={props.user.csrfToken} />;
}

/** An action form that posts with htmx into the panel and still works as a plain form. */
function ActionForm(props: { user: ConsoleUser; action: string; class?: string; children: JSX.Element | JSX.Element[] | string }): JSX.Element {
  return (
    <form method="post" action={props.action} hx-post={props.action} hx-target="#panel" hx-swap="innerHTML" class={props.class}>
      <Csrf user={props.user} />
      {props.children as 'safe'}
    </form>
  );
}

function SlotButtons(props: { user: ConsoleUser; t: Translate; uid: string; slots: OfferedSlot[] }): JSX.Element {
  return (
    <ul class="slots">
      {props.slots.map((slot) => (
        <li>
          <ActionForm user={props.user} action={`/admin/bookings/${props.uid}/reschedule`}>
            <input type="hidden" name="start" value={slot.start} />
            <button type="submit" class="secondary">
              {props.t('booking.moveTo', { time: slot.label })}
            </button>
          </ActionForm>
        </li>
      ))}
    </ul>
  );
}

/** Renders the panel fragment. */
export function renderBookingPanel(props: { user: ConsoleUser; t: Translate; booking: BookingDetail; messages?: PanelMessages }): string {
  const { user, t, booking } = props;
  const messages = props.messages ?? {};
  const zone = user.timeZone;
  const localDate = formatInTimeZone(booking.startsAt, zone, 'yyyy-MM-dd');
  const when = `${formatDateLabel(localDate, user.locale, 'long')}, ${formatInTimeZone(booking.startsAt, zone, 'HH:mm')}–${formatInTimeZone(booking.endsAt, zone, 'HH:mm')}`;
  const canManage = canPerform(user.role, 'manage_bookings');
  const can = (event: 'CONFIRM' | 'COMPLETE' | 'MARK_NO_SHOW' | 'CANCEL' | 'RESCHEDULE' | 'UPDATE_DETAILS') => canManage && findNextStatus(booking.status, event) !== null;
  const customerName = formatCustomerName(booking.customer);
  return (
    <section aria-labelledby="panel-title">
      <h2 id="panel-title">
        {t('booking.title')}: <span safe>{customerName}</span>
      </h2>
      {messages.notice ? (
        <p class="notice" role="status" safe>
          {messages.notice}
        </p>
      ) : (
        ''
      )}
      {messages.error ? (
        <p class="error" role="alert" safe>
          {messages.error}
        </p>
      ) : (
        ''
      )}
      {messages.alternatives ? (
        messages.alternatives.length > 0 ? (
          <SlotButtons user={user} t={t} uid={booking.uid} slots={messages.alternatives} />
        ) : (
          <p>{t('booking.noFreeTimes')}</p>
        )
      ) : (
        ''
      )}
      <dl>
        <dt>{t('booking.customer')}</dt>
        <dd safe>{customerName}</dd>
        <dt>{booking.customer.phoneE164 || !booking.customer.username ? t('booking.phone') : t('customers.username')}</dt>
        <dd safe>{booking.customer.phoneE164 || booking.customer.username ? formatCustomerContact(booking.customer) : '—'}</dd>
        <dt>{t('booking.service')}</dt>
        <dd safe>{booking.service.name}</dd>
        {booking.addOns.length > 0 ? (
          <>
            <dt>{t('booking.addOns')}</dt>
            <dd>
              <ul class="add-ons">
                {booking.addOns.map((addOn) => (
                  <li safe>{`${addOn.service.name} (+${addOn.durationMinutes} min, ${addOn.price.toFixed(2)} ${booking.currency})`}</li>
                ))}
              </ul>
            </dd>
          </>
        ) : (
          ''
        )}
        <dt>{t('booking.staff')}</dt>
        <dd safe>{booking.staff.name}</dd>
        <dt>{t('booking.when')}</dt>
        <dd safe>{`${when} (${zone})`}</dd>
        <dt>{t('booking.status')}</dt>
        <dd>{t(`status.${booking.status}`)}</dd>
        <dt>{t('booking.source')}</dt>
        <dd>{t(`source.${booking.source}`)}</dd>
        <dt>{t('booking.price')}</dt>
        <dd safe>{`${booking.price.toFixed(2)} ${booking.currency}`}</dd>
        {booking.rating !== null ? (
          <>
            <dt>{t('booking.rating')}</dt>
            <dd>{String(booking.rating)}</dd>
          </>
        ) : (
          ''
        )}
        {booking.cancellationReason ? (
          <>
            <dt>{t('booking.cancellationReason')}</dt>
            <dd safe>{booking.cancellationReason}</dd>
          </>
        ) : (
          ''
        )}
        <dt>{t('booking.notes')}</dt>
        <dd safe>{booking.notes ?? '—'}</dd>
      </dl>
      {canManage ? (
        <div class="actions">
          {can('CONFIRM') ? (
            <ActionForm user={user} action={`/admin/bookings/${booking.uid}/confirm`}>
              <button type="submit">{t('booking.confirm')}</button>
            </ActionForm>
          ) : (
            ''
          )}
          {can('COMPLETE') ? (
            <ActionForm user={user} action={`/admin/bookings/${booking.uid}/complete`}>
              <button type="submit" class="secondary">
                {t('booking.complete')}
              </button>
            </ActionForm>
          ) : (
            ''
          )}
          {can('MARK_NO_SHOW') ? (
            <ActionForm user={user} action={`/admin/bookings/${booking.uid}/no-show`}>
              <button type="submit" class="secondary">
                {t('booking.noShow')}
              </button>
            </ActionForm>
          ) : (
            ''
          )}
        </div>
      ) : (
        ''
      )}
      {can('UPDATE_DETAILS') ? (
        <ActionForm user={user} action={`/admin/bookings/${booking.uid}/notes`} class="column">
          <label for="booking-notes">{t('booking.notes')}</label>
          <textarea id="booking-notes" name="notes" rows="2" maxlength="1000" safe>
            {booking.notes ?? ''}
          </textarea>
          <button type="submit" class="secondary">
            {t('booking.saveNotes')}
          </button>
        </ActionForm>
      ) : (
        ''
      )}
      {can('RESCHEDULE') ? (
        <form method="get" action={`/admin/bookings/${booking.uid}/times`} hx-get={`/admin/bookings/${booking.uid}/times`} hx-target="#panel" hx-swap="innerHTML">
          <label for="reschedule-date">{t('booking.newDate')}</label>
          <input id="reschedule-date" type="date" name="date" required value={messages.freeTimes?.date ?? localDate} />
          <button type="submit" class="secondary">
            {t('booking.findTimes')}
          </button>
        </form>
      ) : (
        ''
      )}
      {messages.freeTimes ? (
        <>
          <h3>{t('booking.freeTimes', { date: formatDateLabel(messages.freeTimes.date, user.locale, 'long') })}</h3>
          {messages.freeTimes.slots.length > 0 ? <SlotButtons user={user} t={t} uid={booking.uid} slots={messages.freeTimes.slots} /> : <p>{t('booking.noFreeTimes')}</p>}
        </>
      ) : (
        ''
      )}
      {can('CANCEL') ? (
        <ActionForm user={user} action={`/admin/bookings/${booking.uid}/cancel`} class="column">
          <label for="cancel-reason">{t('booking.cancelReason')}</label>
          <input id="cancel-reason" name="reason" maxlength="500" required />
          <button type="submit" class="danger">
            {t('booking.cancel')}
          </button>
        </ActionForm>
      ) : (
        ''
      )}
      <h3>{t('booking.reminders')}</h3>
      {booking.reminders.length === 0 ? (
        <p class="muted">{t('booking.noReminders')}</p>
      ) : (
        <ul class="audit">
          {booking.reminders.map((reminder) => (
            <li safe>{`${reminder.kind} ${reminder.sequence}: ${reminder.status}, ${formatInTimeZone(reminder.dueAt, zone, 'yyyy-MM-dd HH:mm')}`}</li>
          ))}
        </ul>
      )}
      <h3>{t('booking.audit')}</h3>
      <ol class="audit">
        {booking.logs.map((log) => (
          <li safe>{`${formatInTimeZone(log.createdAt, zone, 'yyyy-MM-dd HH:mm')} · ${log.action} · ${log.actor}`}</li>
        ))}
      </ol>
      <p>
        <a href={`/admin/calendar?date=${localDate}`}>{t('booking.close')}</a>
      </p>
    </section>
  ) as string;
}
