/** The "New booking" panel: customer phone and name, service, staff or any, date → free times from live availability. */
import type { ConsoleUser } from '../auth/accounts';
import type { Translate } from '../i18n';
import type { OfferedSlot } from './booking-panel';

/** What the form holds between steps. */
export interface NewBookingValues {
  phone: string;
  name: string;
  serviceId: string;
  staffId: string;
  date: string;
  start?: string;
  slots?: OfferedSlot[];
  error?: string;
}

/** Renders the form fragment. */
export function renderNewBookingForm(props: {
  user: ConsoleUser;
  t: Translate;
  values: NewBookingValues;
  services: Array<{ id: string; name: string; durationMinutes: number }>;
  staff: Array<{ id: string; name: string }>;
}): string {
  const { user, t, values } = props;
  return (
    <section aria-labelledby="new-title">
      <h2 id="new-title">{t('new.title')}</h2>
      {values.error ? (
        <p class="error" role="alert" safe>
          {values.error}
        </p>
      ) : (
        ''
      )}
      <form method="get" action="/admin/bookings/new" hx-get="/admin/bookings/new" hx-target="#panel" hx-swap="innerHTML" class="column">
        <input type="hidden" name="find" value="1" />
        <label for="new-phone">{t('new.phone')}</label>
        <input id="new-phone" name="phone" type="tel" autocomplete="off" required value={values.phone} />
        <label for="new-name">{t('new.name')}</label>
        <input id="new-name" name="name" value={values.name} />
        <label for="new-service">{t('new.service')}</label>
        <select id="new-service" name="serviceId" required>
          {props.services.map((service) => (
            <option value={service.id} selected={service.id === values.serviceId} safe>
              {`${service.name} (${service.durationMinutes} min)`}
            </option>
          ))}
        </select>
        <label for="new-staff">{t('new.staff')}</label>
        <select id="new-staff" name="staffId">
          <option value="">{t('new.anyStaff')}</option>
          {props.staff.map((member) => (
            <option value={member.id} selected={member.id === values.staffId} safe>
              {member.name}
            </option>
          ))}
        </select>
        <label for="new-date">{t('new.date')}</label>
        <input id="new-date" name="date" type="date" required value={values.date} />
        <button type="submit" class="secondary">
          {t('booking.findTimes')}
        </button>
      </form>
      {values.slots ? (
        values.slots.length === 0 ? (
          <p>{t('booking.noFreeTimes')}</p>
        ) : (
          <ul class="slots">
            {values.slots.map((slot) => (
              <li>
                <form method="post" action="/admin/bookings" hx-post="/admin/bookings" hx-target="#panel" hx-swap="innerHTML">
                  <input type="hidden" name="_csrf" value={user.csrfToken} />
                  <input type="hidden" name="phone" value={values.phone} />
                  <input type="hidden" name="name" value={values.name} />
                  <input type="hidden" name="serviceId" value={values.serviceId} />
                  <input type="hidden" name="staffId" value={values.staffId} />
                  <input type="hidden" name="date" value={values.date} />
                  <input type="hidden" name="start" value={slot.start} />
                  <button type="submit">{t('new.bookAt', { time: slot.label })}</button>
                </form>
              </li>
            ))}
          </ul>
        )
      ) : (
        ''
      )}
    </section>
  ) as string;
}
