/** The calendar: day or week, one column per staff member, bookings coloured by status, closed time shaded, "now" marked. */
import type { ConsoleUser } from '../auth/accounts';
import { canPerform } from '../auth/permissions';
import type { CalendarGrid } from '../calendar/calendar-model';
import type { Translate } from '../i18n';
import { Layout } from './layout';

const STATUSES = ['pending', 'confirmed', 'in_progress', 'completed', 'no_show'] as const;

/** Formats a local date (YYYY-MM-DD) for a column head. */
export function formatDateLabel(date: string, locale: string, style: 'short' | 'long' = 'short'): string {
  const options: Intl.DateTimeFormatOptions =
    style === 'short' ? { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' } : { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(locale, options).format(new Date(`${date}T00:00:00Z`));
}

/** The grid alone (htmx refreshes it after a change). */
export function CalendarGridView(props: { grid: CalendarGrid; t: Translate; locale: string }): JSX.Element {
  const { grid, t, locale } = props;
  if (grid.columns.length === 0) return <p>{t('calendar.noStaff')}</p>;
  const lastRow = 7 + grid.rowCount;
  const fullSpan = grid.rowCount;
  const columnsClass = grid.view === 'week' ? `wcols-${grid.columns.length}` : `cols-${grid.columns.length}`;
  return (
    <div class="calendar-scroll" id="calendar-grid">
      <div class={`calendar ${columnsClass}`} role="region" aria-label={t('calendar.title')}>
        <div class="head c-1 r-1"></div>
        {grid.columns.map((column) => (
          <div class={`head c-${column.index} r-1`} title={column.staffName}>
            {grid.view === 'week' ? <span class="muted">{formatDateLabel(column.date, locale)} · </span> : ''}
            <span safe>{column.staffName}</span>
          </div>
        ))}
        {grid.hours.map((hour) => (
          <div class={`hour c-1 r-${hour.row} h-12`}>{hour.label}</div>
        ))}
        {grid.columns.map((column) => (
          <>
            <div class={`closed c-${column.index} r-7 h-${fullSpan}`} title={t('calendar.closed')}></div>
            {column.open.map((range) => (
              <div class={`open c-${column.index} r-${range.row} h-${range.span}`}></div>
            ))}
          </>
        ))}
        {grid.busy.map((block) => (
          <div class={`busy c-${block.column} r-${block.row} h-${block.span}`} title={`${t('calendar.busy')} ${block.label}`}>
            <span>{t('calendar.busy')}</span>
          </div>
        ))}
        {grid.hours.map((hour) => (
          <div class={`line c-2 w-${grid.columns.length} r-${hour.row} h-1`}></div>
        ))}
        {grid.bookings.map((booking) => (
          <a
            class={`booking st-${booking.status} c-${booking.column} r-${booking.row} h-${booking.span}`}
            href={`/admin/bookings/${booking.uid}`}
            hx-get={`/admin/bookings/${booking.uid}`}
            hx-target="#panel"
            hx-swap="innerHTML"
          >
            <strong safe>{booking.customerName}</strong>
            <span>{booking.timeLabel}</span> <span safe>{booking.serviceName}</span>
            <span class="muted"> · {t(`status.${booking.status}`)}</span>
          </a>
        ))}
        {grid.now ? (
          <div class={`now c-${grid.now.column} w-${grid.now.width} r-${grid.now.row} h-1`} aria-label={`${t('calendar.now')} ${grid.now.label}`}>
            <span>{`${t('calendar.now')} ${grid.now.label}`}</span>
          </div>
        ) : (
          ''
        )}
        <div class={`c-1 r-${lastRow} h-1`}></div>
      </div>
    </div>
  );
}

/** The calendar page, optionally with a booking panel already open. */
export function renderCalendarPage(props: { user: ConsoleUser; t: Translate; grid: CalendarGrid; date: string; today: string; previous: string; next: string; panel?: string }): string {
  const { user, t, grid } = props;
  const view = grid.view;
  const title = t('calendar.title');
  return (
    <Layout user={user} t={t} title={title} current="calendar">
      <div class="toolbar">
        <h1>{title}</h1>
        <a class="button secondary" href={`/admin/calendar?view=${view}&date=${props.previous}`}>
          {t('calendar.previous')}
        </a>
        <a class="button secondary" href={`/admin/calendar?view=${view}&date=${props.today}`}>
          {t('calendar.today')}
        </a>
        <a class="button secondary" href={`/admin/calendar?view=${view}&date=${props.next}`}>
          {t('calendar.next')}
        </a>
        <form class="inline" method="get" action="/admin/calendar">
          <label for="calendar-date">{t('calendar.date')}</label>
          <input id="calendar-date" type="date" name="date" value={props.date} />
          <label for="calendar-view">{t('calendar.day')}/{t('calendar.week')}</label>
          <select id="calendar-view" name="view">
            <option value="day" selected={view === 'day'}>
              {t('calendar.day')}
            </option>
            <option value="week" selected={view === 'week'}>
              {t('calendar.week')}
            </option>
          </select>
          <button type="submit">{t('calendar.show')}</button>
        </form>
        {canPerform(user.role, 'manage_bookings') ? (
          <a class="button" href={`/admin/bookings/new?date=${props.date}`} hx-get={`/admin/bookings/new?date=${props.date}`} hx-target="#panel" hx-swap="innerHTML">
            {t('calendar.newBooking')}
          </a>
        ) : (
          ''
        )}
      </div>
      <p>
        <strong>
          {view === 'day' ? formatDateLabel(props.date, user.locale, 'long') : `${formatDateLabel(grid.dates[0]!, user.locale)} – ${formatDateLabel(grid.dates[6]!, user.locale)}`}
        </strong>{' '}
        <span class="zone" safe>
          {t('calendar.timeZone', { zone: grid.timeZone })}
        </span>
      </p>
      <div class="workspace">
        <div hx-get={`/admin/calendar/grid?view=${view}&date=${props.date}`} hx-trigger="booking-changed from:body" hx-select="#calendar-grid" hx-swap="innerHTML" hx-disinherit="*">
          <CalendarGridView grid={grid} t={t} locale={user.locale} />
        </div>
        <aside id="panel" class="panel" aria-label={t('panel.label')} aria-live="polite">
          {(props.panel ?? '') as 'safe'}
        </aside>
      </div>
      <ul class="legend" aria-label={t('calendar.legend')}>
        {STATUSES.map((status) => (
          <li class={`st-${status}`}>{t(`status.${status}`)}</li>
        ))}
      </ul>
    </Layout>
  ) as string;
}
