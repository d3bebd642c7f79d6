/**
 * The Dashboard: the KPI report of a period (picker: from, to, per day/week/month), two charts drawn
 * by dashboard.js with Chart.js from the numbers in a data attribute, the full table (figures ×
 * periods, total first) and a CSV download of the same table.
 */
import type { ConsoleUser } from '../auth/accounts';
import type { ConsoleTextKey, Translate } from '../i18n';
import type { KpiGranularity, KpiReport, KpiValues } from '../../reports';
import { Layout } from './layout';

/** How a figure is shown: a count, a share, a duration, or a number with one decimal. */
type FigureFormat = 'count' | 'rate' | 'duration' | 'decimal';

/** One table row: its label and how to read it from a period's values. */
interface FigureRow {
  label: string;
  format: FigureFormat;
  read: (values: KpiValues) => number | null;
}

const FIXED_ROWS: ReadonlyArray<[ConsoleTextKey, FigureFormat, (v: KpiValues) => number | null]> = [
  ['kpi.conversationsStarted', 'count', (v) => v.conversationsStarted],
  ['kpi.bookingIntents', 'count', (v) => v.funnel.bookingIntents],
  ['kpi.flowOpened', 'count', (v) => v.funnel.flowOpened],
  ['kpi.listStarted', 'count', (v) => v.funnel.listStarted],
  ['kpi.slotChosen', 'count', (v) => v.funnel.slotChosen],
  ['kpi.bookingsConfirmed', 'count', (v) => v.funnel.bookingsConfirmed],
  ['kpi.confirmedFlow', 'count', (v) => v.funnel.confirmedByPath.flow],
  ['kpi.confirmedList', 'count', (v) => v.funnel.confirmedByPath.list],
  ['kpi.bookingRate', 'rate', (v) => v.bookingRate],
  ['kpi.medianToBooking', 'duration', (v) => v.medianSecondsToBooking],
  ['kpi.botMessages', 'count', (v) => v.botMessages.sent],
  ['kpi.perBookingFlow', 'decimal', (v) => v.botMessages.perConfirmedBooking.flow],
  ['kpi.perBookingList', 'decimal', (v) => v.botMessages.perConfirmedBooking.list],
  ['kpi.sourceChat', 'count', (v) => v.bookingsBySource.chat],
  ['kpi.sourceFlow', 'count', (v) => v.bookingsBySource.flow],
  ['kpi.sourceApi', 'count', (v) => v.bookingsBySource.api],
  ['kpi.sourceConsole', 'count', (v) => v.bookingsBySource.console],
  ['kpi.cancelledCustomer', 'count', (v) => v.cancellations.customer],
  ['kpi.cancelledStaff', 'count', (v) => v.cancellations.staff],
  ['kpi.cancelledApi', 'count', (v) => v.cancellations.api],
  ['kpi.cancelledSystem', 'count', (v) => v.cancellations.system],
  ['kpi.rescheduledCustomer', 'count', (v) => v.reschedules.customer],
  ['kpi.rescheduledStaff', 'count', (v) => v.reschedules.staff],
  ['kpi.rescheduledApi', 'count', (v) => v.reschedules.api],
  ['kpi.completed', 'count', (v) => v.completed],
  ['kpi.noShows', 'count', (v) => v.noShows],
  ['kpi.noShowRate', 'rate', (v) => v.noShowRate],
  ['kpi.ratings', 'count', (v) => v.ratings],
  ['kpi.averageRating', 'decimal', (v) => v.averageRating],
  ['kpi.handoffsAsked', 'count', (v) => v.handoffs.asked],
  ['kpi.handoffsEmergency', 'count', (v) => v.handoffs.emergency],
  ['kpi.handoffsFailure', 'count', (v) => v.handoffs.failure],
  ['kpi.escalationRate', 'rate', (v) => v.escalationRate],
  ['kpi.firstStaffReply', 'duration', (v) => v.medianSecondsToFirstStaffReply],
  ['kpi.unanswered', 'count', (v) => v.handoffsUnanswered],
  ['kpi.holdsExpired', 'count', (v) => v.holdsExpired],
  ['kpi.abandonedFlow', 'count', (v) => v.pathsAbandoned.flow],
  ['kpi.abandonedList', 'count', (v) => v.pathsAbandoned.list],
  ['kpi.slotTaken', 'count', (v) => v.slotTakenAtConfirmation],
  ['kpi.remindersSent', 'count', (v) => v.reminders.sent],
  ['kpi.remindersDelivered', 'count', (v) => v.reminders.delivered],
  ['kpi.remindersRead', 'count', (v) => v.reminders.read],
  ['kpi.remindersFailed', 'count', (v) => v.reminders.failed],
  ['kpi.reminderConfirmations', 'count', (v) => v.reminders.confirmationsTapped],
];

/** The table's rows: the fixed figures, then billable and free messages of each category Meta reported. */
function buildRows(t: Translate, report: KpiReport): FigureRow[] {
  const rows: FigureRow[] = FIXED_ROWS.map(([key, format, read]) => ({ label: t(key), format, read }));
  for (const category of Object.keys(report.totals.billableMessages).sort()) {
    rows.push({ label: t('kpi.billable', { category }), format: 'count', read: (v) => v.billableMessages[category]?.billable ?? 0 });
    rows.push({ label: t('kpi.free', { category }), format: 'count', read: (v) => v.billableMessages[category]?.free ?? 0 });
  }
  return rows;
}

function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A figure as the page shows it, in the user's language ("—" for no value). */
export function formatFigure(value: number | null, format: FigureFormat, locale: string): string {
  if (value === null) return '—';
  if (format === 'rate') return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);
  if (format === 'duration') return formatDuration(value);
  if (format === 'decimal') return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value);
  return new Intl.NumberFormat(locale).format(value);
}

/** What the charts draw (read by dashboard.js from the data attribute; labels already translated). */
function buildChartData(t: Translate, report: KpiReport) {
  const funnel = report.totals.funnel;
  return {
    periods: {
      labels: report.periods.map((period) => (period.start === period.end ? period.start : `${period.start} – ${period.end}`)),
      series: [
        { label: t('kpi.conversationsStarted'), kind: 'line', values: report.periods.map((p) => p.conversationsStarted) },
        { label: t('kpi.bookingIntents'), kind: 'bar', values: report.periods.map((p) => p.funnel.bookingIntents) },
        { label: t('kpi.bookingsConfirmed'), kind: 'bar', values: report.periods.map((p) => p.funnel.bookingsConfirmed) },
      ],
    },
    funnel: {
      labels: [t('kpi.bookingIntents'), t('kpi.flowOpened'), t('kpi.listStarted'), t('kpi.slotChosen'), t('kpi.bookingsConfirmed')],
      values: [funnel.bookingIntents, funnel.flowOpened, funnel.listStarted, funnel.slotChosen, funnel.bookingsConfirmed],
    },
  };
}

/** The picker's values as a query string (also the CSV link's). */
export function toDashboardQuery(params: { from: string; to: string; granularity: KpiGranularity }): string {
  return new URLSearchParams({ from: params.from, to: params.to, granularity: params.granularity }).toString();
}

/** Renders the Dashboard for a report, or the picker with a message when the range was refused. */
export function renderDashboardPage(props: {
  user: ConsoleUser;
  t: Translate;
  picker: { from: string; to: string; granularity: KpiGranularity };
  report?: KpiReport;
  error?: string;
}): string {
  const { user, t, report, picker } = props;
  const title = t('dashboard.title');
  const rows = report ? buildRows(t, report) : [];
  return (
    <Layout user={user} t={t} title={title} current="dashboard" scripts={['chart.umd.min.js', 'dashboard.js']}>
      <div class="toolbar">
        <h1>{title}</h1>
        <form class="inline" method="get" action="/admin/dashboard">
          <label for="kpi-from">{t('dashboard.from')}</label>
          <input id="kpi-from" name="from" type="date" value={picker.from} required />
          <label for="kpi-to">{t('dashboard.to')}</label>
          <input id="kpi-to" name="to" type="date" value={picker.to} required />
          <label for="kpi-granularity">{t('dashboard.granularity')}</label>
          <select id="kpi-granularity" name="granularity">
            {(['day', 'week', 'month'] as const).map((value) => (
              <option value={value} selected={value === picker.granularity}>
                {t(`dashboard.${value}`)}
              </option>
            ))}
          </select>
          <button type="submit">{t('dashboard.show')}</button>
        </form>
        {report ? (
          <a class="button secondary" href={`/admin/dashboard.csv?${toDashboardQuery(picker)}`} download={`kpis-${picker.from}-${picker.to}.csv`}>
            {t('dashboard.csv')}
          </a>
        ) : (
          ''
        )}
        <span class="zone" safe>
          {t('dashboard.zone', { zone: user.timeZone })}
        </span>
      </div>
      {props.error ? (
        <p class="error" role="alert" safe>
          {t('dashboard.invalid', { message: props.error })}
        </p>
      ) : (
        ''
      )}
      {report ? (
        <div>
          <div class="charts" id="kpi-charts" data-kpis={JSON.stringify(buildChartData(t, report))}>
            <figure class="panel">
              <figcaption>{t('dashboard.chartPeriods')}</figcaption>
              <canvas id="kpi-chart-periods" role="img" aria-label={t('dashboard.chartPeriods')}></canvas>
            </figure>
            <figure class="panel">
              <figcaption>{t('dashboard.chartFunnel')}</figcaption>
              <canvas id="kpi-chart-funnel" role="img" aria-label={t('dashboard.chartFunnel')}></canvas>
            </figure>
          </div>
          <h2>{t('dashboard.table')}</h2>
          {Object.keys(report.totals.billableMessages).length === 0 ? <p class="muted">{t('dashboard.noPricing')}</p> : ''}
          <div class="table-scroll">
            <table class="kpis">
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.kpi')}</th>
                  <th scope="col">{t('dashboard.total')}</th>
                  {report.periods.map((period) => (
                    <th scope="col" safe>
                      {period.start === period.end ? period.start : `${period.start} – ${period.end}`}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr>
                    <th scope="row" safe>
                      {row.label}
                    </th>
                    <td>{formatFigure(row.read(report.totals), row.format, user.locale)}</td>
                    {report.periods.map((period) => (
                      <td>{formatFigure(row.read(period), row.format, user.locale)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : (
        ''
      )}
    </Layout>
  ) as string;
}
