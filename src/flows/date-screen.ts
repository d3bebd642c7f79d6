/**
 * DATE: a CalendarPicker limited to the booking window, with every day that has no free slot
 * (closed days included) disabled, from live availability. Its Footer sends
 * `{ screen_action: "choose_date", date, service_id, staff_id }` → TIME.
 */
import { addLocalDays, toLocalDate } from '../scheduling';
import type { ScheduledService } from './flow-availability';
import { resolveFlowService, resolveFlowStaff, toStaffFilter, toVisitSpan, type FlowScreenAnswer, type FlowSession } from './flow-session';
import { buildTimeScreen, findTimesOfDay } from './time-screen';

const DAY_MS = 86_400_000;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** First and last local dates of the booking window: what the DATE screen offers. */
function findWindowDates(session: FlowSession): { windowEnd: Date; minDate: string; maxDate: string } {
  const { business, now } = session;
  const windowEnd = new Date(now.getTime() + business.maxAdvanceDays * DAY_MS);
  // Starts must lie strictly before the window's end, so its last day is that of the last millisecond.
  return { windowEnd, minDate: toLocalDate(now, business.timeZone), maxDate: toLocalDate(new Date(windowEnd.getTime() - 1), business.timeZone) };
}

/** The DATE screen for a service and a staff choice ('any' or an id). */
export async function buildDateScreen(session: FlowSession, service: ScheduledService, staffId: string, errorMessage?: string): Promise<FlowScreenAnswer> {
  const { now, texts } = session;
  const { windowEnd, minDate, maxDate } = findWindowDates(session);
  const slots = await session.availability.findFreeSlots({
    catalog: session.catalog,
    service: toVisitSpan(session, service),
    staffId: toStaffFilter(staffId),
    from: now,
    to: windowEnd,
    now,
    exceptCustomerId: session.customer.id,
  });
  const freeDates = new Set(slots.map((slot) => slot.localDate));
  const unavailableDates: string[] = [];
  for (let date = minDate; date <= maxDate; date = addLocalDays(date, 1)) if (!freeDates.has(date)) unavailableDates.push(date);
  const error = errorMessage ?? (freeDates.size === 0 ? texts.errorNoDays : undefined);
  return {
    screen: 'DATE',
    data: {
      heading: texts.dateHeading,
      date_label: texts.dateLabel,
      min_date: minDate,
      max_date: maxDate,
      unavailable_dates: unavailableDates,
      footer_label: texts.continueLabel,
      service_id: service.id,
      staff_id: staffId,
      ...(error ? { error_message: error } : {}),
    },
  };
}

/** choose_date: the free times of that day, or the days again when it filled up meanwhile. */
export async function handleChooseDate(session: FlowSession, data: Record<string, unknown>): Promise<FlowScreenAnswer> {
  const service = resolveFlowService(session, data.service_id);
  const staffId = resolveFlowStaff(service, data.staff_id, { isAnyAllowed: true });
  const date = typeof data.date === 'string' ? data.date : '';
  const { minDate, maxDate } = findWindowDates(session);
  // A day outside the window was never offered (the CalendarPicker stops at min_date and max_date).
  if (!DATE_PATTERN.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || date < minDate || date > maxDate) {
    return buildDateScreen(session, service, staffId, session.texts.errorChooseOption);
  }
  const times = await findTimesOfDay(session, service, staffId, date);
  if (times.length === 0) return buildDateScreen(session, service, staffId, session.texts.errorDayFull);
  return buildTimeScreen(session, service, staffId, date, times);
}
