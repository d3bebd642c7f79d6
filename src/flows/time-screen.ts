/**
 * TIME: the free start times of the chosen day as local "HH:mm" labels, with the zone named in
 * the heading. Choosing one places (or moves) this customer's hold on it, so other customers stop
 * seeing it; a time taken meanwhile re-shows TIME with fresh times. Footer:
 * `{ screen_action: "choose_time", time, service_id, staff_id }` → DETAILS.
 */
import type { Slot } from '../scheduling';
import { formatIsoInstant, localDayRange, toLocalDate } from '../scheduling';
import { isDomainError } from '../platform/errors';
import { fillText, formatFlowDay, formatFlowZone } from '../texts';
import { buildDateScreen } from './date-screen';
import { buildDetailsScreen } from './details-screen';
import type { ScheduledService } from './flow-availability';
import { findHoldId } from './flow-repository';
import { isWithinBookingWindow, resolveFlowService, resolveFlowStaff, toStaffFilter, toVisitSpan, type FlowScreenAnswer, type FlowSession } from './flow-session';

// Dropdown: 1–200 options (WHATSAPP.md §3.7).
const MAX_TIMES = 200;

/** Free slots of one business-local day for the service and staff choice (the customer's own hold not counted). */
export async function findTimesOfDay(session: FlowSession, service: ScheduledService, staffId: string, date: string): Promise<Slot[]> {
  const day = localDayRange(date, session.business.timeZone);
  const slots = await session.availability.findFreeSlots({
    catalog: session.catalog,
    service: toVisitSpan(session, service),
    staffId: toStaffFilter(staffId),
    from: day.start,
    to: day.end,
    now: session.now,
    exceptCustomerId: session.customer.id,
  });
  return slots.slice(0, MAX_TIMES);
}

/** The TIME screen of a day from its free slots. */
export function buildTimeScreen(session: FlowSession, service: ScheduledService, staffId: string, date: string, slots: Slot[], errorMessage?: string): FlowScreenAnswer {
  const { business, texts, locale } = session;
  const zoneAt = slots[0]?.start ?? localDayRange(date, business.timeZone).start;
  return {
    screen: 'TIME',
    data: {
      heading: fillText(texts.timeHeading, { day: formatFlowDay(date, locale), zone: formatFlowZone(zoneAt, business.timeZone, locale) }),
      time_label: texts.timeLabel,
      times: slots.map((slot) => ({ id: formatIsoInstant(slot.start.getTime()), title: slot.localTime })),
      footer_label: texts.continueLabel,
      service_id: service.id,
      staff_id: staffId,
      ...(errorMessage ? { error_message: errorMessage } : {}),
    },
  };
}

/** choose_time: hold the slot for this customer, then ask for their details. */
export async function handleChooseTime(session: FlowSession, data: Record<string, unknown>): Promise<FlowScreenAnswer> {
  const service = resolveFlowService(session, data.service_id);
  const staffId = resolveFlowStaff(service, data.staff_id, { isAnyAllowed: true });
  const start = typeof data.time === 'string' ? new Date(data.time) : new Date(Number.NaN);
  if (!isWithinBookingWindow(session, start)) return buildDateScreen(session, service, staffId, session.texts.errorChooseOption);
  const { business, customer } = session;
  let isHeld = false;
  let heldStaffId = '';
  try {
    const hold = await session.bookings.placeHold({ businessId: business.id, customerId: customer.id, serviceId: service.id, staffId: toStaffFilter(staffId), start });
    isHeld = hold.ok;
    if (hold.ok) heldStaffId = hold.staffId;
  } catch (error) {
    // In the past, too soon, off the grid…: for the customer that time is simply no longer there.
    if (!isDomainError(error) || !error.code.startsWith('slot_')) throw error;
  }
  if (!isHeld) {
    const date = toLocalDate(start, business.timeZone);
    const times = await findTimesOfDay(session, service, staffId, date);
    if (times.length === 0) return buildDateScreen(session, service, staffId, session.texts.errorDayFull);
    return buildTimeScreen(session, service, staffId, date, times, session.texts.errorSlotTaken);
  }
  const holdId = (await findHoldId(session.db, { businessId: business.id, customerId: customer.id })) ?? '';
  return buildDetailsScreen(session, { serviceId: service.id, staffId: heldStaffId, slotStart: start.toISOString(), holdId, name: customer.name ?? '' });
}
