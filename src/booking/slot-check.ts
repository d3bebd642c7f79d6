/**
 * Whether a requested start can be booked, and what else to offer when it cannot: the checks
 * confirm, hold and reschedule share (hours, notice, window, grid, what is busy).
 */
import { toDomainError, type DomainErrorCode } from '../platform/errors';
import type { Db } from '../platform/database';
import { explainSlot, generateSlots, toLocalDate, type Slot, type SlotVerdict } from '../scheduling';
import type { AddOnRow } from './add-on-repository';
import { extendSpan } from './add-ons';
import { loadAvailability } from './availability-loader';
import type { BusinessSettings } from './booking-repository';

const DAY_MS = 86_400_000;
const ALTERNATIVES = 5;

/** The refusal of each verdict that is the caller's to fix (a busy slot is an answer, not an error). */
export const VERDICT_ERRORS: Record<Exclude<SlotVerdict, 'ok' | 'busy'>, { code: DomainErrorCode; message: string }> = {
  in_past: { code: 'slot_in_past', message: 'That time has already passed. Pick a future slot from the availability list.' },
  too_soon: { code: 'slot_too_soon', message: 'That time is too soon: the business needs more notice. Pick a later slot.' },
  beyond_window: { code: 'slot_beyond_window', message: 'That time is further ahead than the business takes bookings. Pick an earlier slot.' },
  outside_hours: { code: 'slot_outside_hours', message: 'That time is outside the working hours of the staff for this service. Pick a listed slot.' },
  not_on_step: { code: 'slot_not_on_step', message: 'That time is not on the booking grid (for example 09:00, 09:15, ...). Pick a listed slot.' },
};

/**
 * Checks a requested start against hours, notice, window, grid and what is busy.
 * Returns the staff member to book, or null when the slot is taken; throws for invalid requests.
 */
export async function resolveSlot(
  db: Db,
  params: {
    business: BusinessSettings;
    serviceId: string;
    staffId?: string;
    preferredStaffId?: string;
    start: Date;
    now: Date;
    exceptCustomerId?: string;
    exceptBookingId?: string;
    overrideTimeSlotValidation: boolean;
    /** Add-ons booked with the service: the slot must be free for the extended span. */
    addOns?: AddOnRow[];
  },
) {
  const dayFrom = new Date(params.start.getTime() - DAY_MS);
  const dayTo = new Date(params.start.getTime() + DAY_MS);
  const loaded = await loadAvailability(db, { ...params, serviceIdOrUid: params.serviceId, from: dayFrom, to: dayTo });
  const { service } = loaded;
  const span = extendSpan(service, params.addOns ?? []);
  const input = { ...loaded.input, service: span };
  const end = new Date(params.start.getTime() + span.durationMinutes * 60_000);
  const blockedFrom = new Date(params.start.getTime() - span.bufferBeforeMinutes * 60_000);
  const blockedUntil = new Date(end.getTime() + span.bufferAfterMinutes * 60_000);
  let freeStaffIds: string[];
  if (params.overrideTimeSlotValidation) {
    if (params.start.getTime() <= params.now.getTime()) throw toDomainError(VERDICT_ERRORS.in_past.code, VERDICT_ERRORS.in_past.message);
    const candidates = params.staffId ? [params.staffId] : service.staff.map((s) => s.id);
    freeStaffIds = candidates.filter(
      (staffId) => !input.busy.some((b) => b.staffId === staffId && b.start < blockedUntil && b.end > blockedFrom),
    );
  } else {
    const explanation = explainSlot({ ...input, start: params.start, staffId: params.staffId });
    if (explanation.verdict !== 'ok' && explanation.verdict !== 'busy') {
      const error = VERDICT_ERRORS[explanation.verdict];
      throw toDomainError(error.code, error.message, { start: params.start.toISOString() });
    }
    freeStaffIds = explanation.verdict === 'ok' ? explanation.staffIds : [];
  }
  if (freeStaffIds.length === 0) return { service, staffId: null, end, blockedFrom, blockedUntil };
  const staffId =
    params.preferredStaffId && freeStaffIds.includes(params.preferredStaffId)
      ? params.preferredStaffId
      : pickLeastBusyStaff(freeStaffIds, input.busy, params.start, params.business.timeZone);
  return { service, staffId, end, blockedFrom, blockedUntil };
}

/** The nearest free starts around a taken one (a few days before, a week after), in time order. */
export async function findAlternatives(
  db: Db,
  params: { business: BusinessSettings; serviceId: string; staffId?: string; around: Date; now: Date; exceptCustomerId?: string; exceptBookingId?: string; addOns?: AddOnRow[] },
): Promise<Slot[]> {
  const from = new Date(Math.max(params.now.getTime(), params.around.getTime() - 3 * DAY_MS));
  const to = new Date(params.around.getTime() + 7 * DAY_MS);
  const { input } = await loadAvailability(db, { ...params, serviceIdOrUid: params.serviceId, from, to });
  const target = params.around.getTime();
  return generateSlots({ ...input, service: extendSpan(input.service, params.addOns ?? []) })
    .sort((a, b) => Math.abs(a.start.getTime() - target) - Math.abs(b.start.getTime() - target))
    .slice(0, ALTERNATIVES)
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

// Spread "any available" bookings: the free staff member with the fewest bookings that local day.
function pickLeastBusyStaff(staffIds: string[], busy: Array<{ staffId: string; start: Date }>, start: Date, timeZone: string): string {
  const day = toLocalDate(start, timeZone);
  const load = new Map(staffIds.map((id) => [id, 0]));
  for (const interval of busy) {
    if (load.has(interval.staffId) && toLocalDate(interval.start, timeZone) === day) load.set(interval.staffId, load.get(interval.staffId)! + 1);
  }
  return [...staffIds].sort((a, b) => load.get(a)! - load.get(b)!)[0]!;
}
