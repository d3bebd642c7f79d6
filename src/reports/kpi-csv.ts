/**
 * The KPI table as CSV (one row per period, a header row first), the same numbers the console shows.
 * Rates are fractions (0–1) and durations seconds, as in the API; an empty cell is "no value".
 */
import type { KpiPeriod, KpiReport, KpiValues } from './kpi-report';

type Cell = string | number | null;

/** The fixed columns, in order: header and how to read it from a period. */
const COLUMNS: ReadonlyArray<[string, (v: KpiValues) => Cell]> = [
  ['conversations_started', (v) => v.conversationsStarted],
  ['booking_intents', (v) => v.funnel.bookingIntents],
  ['flow_opened', (v) => v.funnel.flowOpened],
  ['list_started', (v) => v.funnel.listStarted],
  ['slot_chosen', (v) => v.funnel.slotChosen],
  ['bookings_confirmed', (v) => v.funnel.bookingsConfirmed],
  ['bookings_confirmed_flow', (v) => v.funnel.confirmedByPath.flow],
  ['bookings_confirmed_list', (v) => v.funnel.confirmedByPath.list],
  ['booking_rate', (v) => v.bookingRate],
  ['median_seconds_to_booking', (v) => v.medianSecondsToBooking],
  ['bot_messages_sent', (v) => v.botMessages.sent],
  ['bot_messages_per_booking_flow', (v) => v.botMessages.perConfirmedBooking.flow],
  ['bot_messages_per_booking_list', (v) => v.botMessages.perConfirmedBooking.list],
  ['bookings_chat', (v) => v.bookingsBySource.chat],
  ['bookings_flow', (v) => v.bookingsBySource.flow],
  ['bookings_api', (v) => v.bookingsBySource.api],
  ['bookings_console', (v) => v.bookingsBySource.console],
  ['cancelled_by_customer', (v) => v.cancellations.customer],
  ['cancelled_by_staff', (v) => v.cancellations.staff],
  ['cancelled_by_api', (v) => v.cancellations.api],
  ['cancelled_by_system', (v) => v.cancellations.system],
  ['rescheduled_by_customer', (v) => v.reschedules.customer],
  ['rescheduled_by_staff', (v) => v.reschedules.staff],
  ['rescheduled_by_api', (v) => v.reschedules.api],
  ['rescheduled_by_system', (v) => v.reschedules.system],
  ['completed', (v) => v.completed],
  ['no_shows', (v) => v.noShows],
  ['no_show_rate', (v) => v.noShowRate],
  ['ratings', (v) => v.ratings],
  ['average_rating', (v) => v.averageRating],
  ['handoffs_asked', (v) => v.handoffs.asked],
  ['handoffs_emergency', (v) => v.handoffs.emergency],
  ['handoffs_failure', (v) => v.handoffs.failure],
  ['escalation_rate', (v) => v.escalationRate],
  ['median_seconds_to_first_staff_reply', (v) => v.medianSecondsToFirstStaffReply],
  ['handoffs_unanswered', (v) => v.handoffsUnanswered],
  ['holds_expired', (v) => v.holdsExpired],
  ['paths_abandoned_flow', (v) => v.pathsAbandoned.flow],
  ['paths_abandoned_list', (v) => v.pathsAbandoned.list],
  ['slot_taken_at_confirmation', (v) => v.slotTakenAtConfirmation],
  ['reminders_sent', (v) => v.reminders.sent],
  ['reminders_delivered', (v) => v.reminders.delivered],
  ['reminders_read', (v) => v.reminders.read],
  ['reminders_failed', (v) => v.reminders.failed],
  ['reminder_confirmations_tapped', (v) => v.reminders.confirmationsTapped],
];

function formatCell(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isInteger(cell) ? String(cell) : String(Math.round(cell * 10_000) / 10_000);
  // RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** The report as CSV text: columns period_start, period_end, the KPIs, then billable/free counts per pricing category Meta reported. */
export function toKpiCsv(report: KpiReport): string {
  const categories = Object.keys(report.totals.billableMessages).sort();
  const header = ['period_start', 'period_end', ...COLUMNS.map(([name]) => name), ...categories.flatMap((c) => [`billable_${c}`, `free_${c}`])];
  const row = (period: KpiPeriod): Cell[] => [
    period.start,
    period.end,
    ...COLUMNS.map(([, read]) => read(period)),
    ...categories.flatMap((c) => [period.billableMessages[c]?.billable ?? 0, period.billableMessages[c]?.free ?? 0]),
  ];
  return [header, ...report.periods.map(row)].map((cells) => cells.map(formatCell).join(',')).join('\r\n') + '\r\n';
}
