/**
 * Turns database rows into the pure availability engine's input: the service, the staff who
 * perform it with their hours and overrides, and everything that blocks them.
 */
import type { AvailabilityInput, DateOverride } from '../scheduling';
import { addLocalDays, toLocalDate } from '../scheduling';
import type { Db } from '../platform/database';
import { toDomainError } from '../platform/errors';
import type { SqlTarget } from '../platform/sql';
import {
  findBlockedIntervals,
  type BlockedInterval,
  findBusinessOverrides,
  findServiceWithSchedules,
  type BusinessSettings,
  type ServiceWithSchedules,
} from './booking-repository';

/** The engine input for one service plus the rows it came from. */
export interface LoadedAvailability {
  service: ServiceWithSchedules;
  input: AvailabilityInput;
}

function groupOverrides(rows: Array<{ date: string; isClosed: boolean; startMinute: number | null; endMinute: number | null }>): DateOverride[] {
  const byDate = new Map<string, DateOverride>();
  for (const row of rows) {
    const entry = byDate.get(row.date) ?? { date: row.date, isClosed: false, ranges: [] };
    if (row.isClosed) entry.isClosed = true;
    else if (row.startMinute !== null && row.endMinute !== null) entry.ranges.push({ startMinute: row.startMinute, endMinute: row.endMinute });
    byDate.set(row.date, entry);
  }
  return [...byDate.values()];
}

/**
 * Loads what the engine needs to answer for [from, to). `exceptCustomerId` lets a customer's own
 * hold not block them; `exceptBookingId` lets a booking being moved not block its new time.
 */
export async function loadAvailability(
  db: Db,
  params: {
    business: BusinessSettings;
    serviceIdOrUid: string;
    staffId?: string;
    from: Date;
    to: Date;
    now: Date;
    exceptCustomerId?: string;
    exceptBookingId?: string;
  },
): Promise<LoadedAvailability> {
  const { business } = params;
  // Overrides are keyed by local date; widen by a day on both sides for ranges crossing midnight.
  const fromDate = new Date(`${addLocalDays(toLocalDate(params.from, business.timeZone), -1)}T00:00:00Z`);
  const toDate = new Date(`${addLocalDays(toLocalDate(params.to, business.timeZone), 1)}T00:00:00Z`);
  const service = await findServiceWithSchedules(db, { businessId: business.id, serviceIdOrUid: params.serviceIdOrUid, fromDate, toDate });
  if (!service || !service.isActive) {
    throw toDomainError('service_not_found', `No active service "${params.serviceIdOrUid}" in this business. List services to find valid ids.`);
  }
  if (params.staffId && !service.staff.some((staff) => staff.id === params.staffId)) {
    throw toDomainError(
      'staff_does_not_perform_service',
      `Staff member ${params.staffId} does not perform "${service.name}" (or is inactive). Choose one of the staff who do, or "any".`,
      { serviceId: service.id, staffIds: service.staff.map((staff) => staff.id) },
    );
  }
  // One after the other: `db` is often a transaction, whose one connection runs one query at a time anyway.
  const businessOverrides = await findBusinessOverrides(db, { businessId: business.id, fromDate, toDate });
  const busy = await loadBusyForSpan(db, {
    businessId: business.id,
    staffIds: service.staff.map((staff) => staff.id),
    span: service,
    from: params.from,
    to: params.to,
    now: params.now,
    exceptCustomerId: params.exceptCustomerId,
    exceptBookingId: params.exceptBookingId,
  });
  const input = toEngineInput(business, service, { businessOverrides, busy, staffId: params.staffId, from: params.from, to: params.to, now: params.now });
  return { service, input };
}

/** The pure engine's input from the loaded rows. */
function toEngineInput(
  business: BusinessSettings,
  service: ServiceWithSchedules,
  loaded: { businessOverrides: Parameters<typeof groupOverrides>[0]; busy: BlockedInterval[]; staffId: string | undefined; from: Date; to: Date; now: Date },
): AvailabilityInput {
  return {
    now: loaded.now,
    timeZone: business.timeZone,
    service: { durationMinutes: service.durationMinutes, bufferBeforeMinutes: service.bufferBeforeMinutes, bufferAfterMinutes: service.bufferAfterMinutes },
    rules: {
      stepMinutes: business.slotStepMinutes,
      minimumNoticeMinutes: business.minimumNoticeMinutes,
      maxAdvanceDays: business.maxAdvanceDays,
      fillGapsAfterBusy: business.fillGapsAfterBusy,
    },
    staff: service.staff.map((staff) => ({ staffId: staff.id, weeklyHours: staff.weeklyHours, overrides: groupOverrides(staff.overrides) })),
    businessOverrides: groupOverrides(loaded.businessOverrides),
    busy: loaded.busy,
    staffIds: loaded.staffId ? [loaded.staffId] : undefined,
    from: loaded.from,
    to: loaded.to,
  };
}

/** A visit's length and buffers: what decides how far around a window busy times can matter. */
export interface VisitSpan {
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
}

/**
 * What blocks `staffIds` for visits of `span` starting in [from, to): the one reading of "blocked"
 * (findBlockedIntervals), over the window widened by the visit and its buffers plus a day, so a
 * neighbour's buffer is seen. The booking core and the Flows endpoint both read busy times here.
 */
export function loadBusyForSpan(
  db: SqlTarget,
  params: { businessId: string; staffIds: string[]; span: VisitSpan; from: Date; to: Date; now: Date; exceptCustomerId?: string; exceptBookingId?: string },
): Promise<BlockedInterval[]> {
  const { span } = params;
  const margin = (span.bufferBeforeMinutes + span.bufferAfterMinutes + span.durationMinutes + 24 * 60) * 60_000;
  return findBlockedIntervals(db, {
    businessId: params.businessId,
    staffIds: params.staffIds,
    from: new Date(params.from.getTime() - margin),
    to: new Date(params.to.getTime() + margin),
    now: params.now,
    exceptCustomerId: params.exceptCustomerId,
    exceptBookingId: params.exceptBookingId,
  });
}
