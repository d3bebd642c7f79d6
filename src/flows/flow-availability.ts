/**
 * Availability as the Flow screens show it: the business's catalog (settings, services, staff,
 * working hours, date overrides) and free slots, with busy times read through the booking
 * component's availability loader (loadBusyForSpan), the same reading of "blocked" that holds and
 * confirmations use.
 *
 * The catalog may be cached per process (`catalogTtlMs`, off by default): a request then skips the
 * catalog's reads, at the price of an edit of hours or services showing up to that long late.
 * Busy times are always read live. Only display uses this: holds and confirmations go through the
 * booking core, which re-reads everything inside its SERIALIZABLE transaction, so a time shown
 * stale is refused ("taken, here are the times left"), never double-booked.
 */
import { loadBusyForSpan, type BusinessSettings } from '../booking';
import type { Db } from '../platform/database';
import { querySql, type SqlStatement, type SqlTarget } from '../platform/sql';
import { addLocalDays, generateSlots, toLocalDate, type DateOverride, type Slot } from '../scheduling';
import { toNames, type FlowService } from './flow-repository';

/** An add-on a customer may pick with a service in the Flow. */
export interface FlowAddOn {
  id: string;
  name: string;
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  price: string;
}

/** A service with what the engine needs about it and its staff. */
export interface ScheduledService extends FlowService {
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  /** Active add-ons offered with it, in the business's order. */
  addOns: FlowAddOn[];
  sortOrder: number;
  schedules: Array<{ staffId: string; weeklyHours: Array<{ weekday: number; startMinute: number; endMinute: number }>; overrides: DateOverride[] }>;
}

/** The slowly changing part of one business. */
export interface BusinessCatalog {
  business: BusinessSettings;
  /** Active services that someone performs, in the business's order. */
  services: ScheduledService[];
  businessOverrides: DateOverride[];
}

/** Reads Flow availability. */
export interface FlowAvailability {
  /** The business's catalog (null when the business does not exist). */
  loadCatalog(businessId: string, now: Date): Promise<BusinessCatalog | null>;
  /** Free slots of a service in [from, to), for one staff member or anyone; `exceptCustomerId`'s own hold is theirs. */
  findFreeSlots(params: { catalog: BusinessCatalog; service: ScheduledService; staffId?: string; from: Date; to: Date; now: Date; exceptCustomerId: string }): Promise<Slot[]>;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type OverrideRow = { date: string; isClosed: boolean; startMinute: number | null; endMinute: number | null };

function groupOverrides(rows: OverrideRow[]): DateOverride[] {
  const byDate = new Map<string, DateOverride>();
  for (const row of rows) {
    const entry = byDate.get(row.date) ?? { date: row.date, isClosed: false, ranges: [] };
    if (row.isClosed) entry.isClosed = true;
    else if (row.startMinute !== null && row.endMinute !== null) entry.ranges.push({ startMinute: row.startMinute, endMinute: row.endMinute });
    byDate.set(row.date, entry);
  }
  return [...byDate.values()];
}

type NamedJson = { id: string; name: string; names: unknown };
type AddOnJson = Omit<FlowAddOn, 'price'> & { price: string; sortOrder: number };
type StaffJson = NamedJson & { workingHours: Array<{ weekday: number; startMinute: number; endMinute: number }> };
type ServiceJson = NamedJson & Omit<ScheduledService, 'id' | 'name' | 'names' | 'addOns' | 'staff' | 'schedules'> & { staff: StaffJson[]; addOns: AddOnJson[] };
type CatalogRow = BusinessSettings & { services: ServiceJson[]; overrides: Array<OverrideRow & { staffId: string | null }> };

/**
 * The business's settings, its active services that are not add-ons (an add-on is offered with its
 * services, never alone) with their active staff, the staff's hours and the active add-ons, and the
 * date overrides from $2: one round trip. Every table is filtered by the business (service_add_ons,
 * which has no business column, through its services), so a link across businesses shows nothing.
 * Staff and add-ons are sorted in JS: by localeCompare, which the database's collation need not match.
 * The settings columns are those of the booking engine's findBusinessSettings, written again to save
 * a round trip: test/flows/flow-catalog.test.ts fails when the two reads differ.
 */
const CATALOG_SQL: SqlStatement = {
  name: 'flow_catalog',
  text: `
    SELECT b.id::text AS "id", b.name AS "name", b.time_zone AS "timeZone", b.currency AS "currency",
           b.slot_step_minutes AS "slotStepMinutes", b.minimum_notice_minutes AS "minimumNoticeMinutes",
           b.max_advance_days AS "maxAdvanceDays", b.fill_gaps_after_busy AS "fillGapsAfterBusy",
           b.hold_minutes AS "holdMinutes", b.change_lock_minutes AS "changeLockMinutes",
           (SELECT coalesce(json_agg(json_build_object(
                     'id', s.id, 'name', s.name, 'names', s.names, 'durationMinutes', s.duration_minutes,
                     'bufferBeforeMinutes', s.buffer_before_minutes, 'bufferAfterMinutes', s.buffer_after_minutes,
                     'price', s.price::text, 'currency', s.currency, 'sortOrder', s.sort_order,
                     'staff', (SELECT coalesce(json_agg(json_build_object(
                                        'id', st.id, 'name', st.name, 'names', st.names,
                                        'workingHours', (SELECT coalesce(json_agg(json_build_object('weekday', wh.weekday, 'startMinute', wh.start_minute, 'endMinute', wh.end_minute)
                                                                                  ORDER BY wh.weekday, wh.start_minute, wh.end_minute), '[]')
                                                           FROM working_hours wh WHERE wh.business_id = $1::uuid AND wh.staff_id = st.id))), '[]')
                                 FROM staff_services ss JOIN staff st ON st.id = ss.staff_id
                                WHERE ss.business_id = $1::uuid AND ss.service_id = s.id AND st.business_id = $1::uuid AND st.is_active),
                     'addOns', (SELECT coalesce(json_agg(json_build_object(
                                         'id', a.id, 'name', a.name, 'durationMinutes', a.duration_minutes, 'bufferBeforeMinutes', a.buffer_before_minutes,
                                         'bufferAfterMinutes', a.buffer_after_minutes, 'price', a.price::text, 'sortOrder', a.sort_order)), '[]')
                                  FROM service_add_ons sa JOIN services a ON a.id = sa.add_on_id
                                 WHERE sa.service_id = s.id AND a.business_id = $1::uuid AND a.is_active)
                   ) ORDER BY s.sort_order, s.name), '[]')
              FROM services s
             WHERE s.business_id = $1::uuid AND s.is_active AND NOT EXISTS (SELECT 1 FROM service_add_ons x WHERE x.add_on_id = s.id)) AS "services",
           (SELECT coalesce(json_agg(json_build_object('staffId', o.staff_id, 'date', o.date, 'isClosed', o.is_closed, 'startMinute', o.start_minute, 'endMinute', o.end_minute)
                                     ORDER BY o.date, o.start_minute), '[]')
              FROM date_overrides o WHERE o.business_id = $1::uuid AND o.date >= $2::date) AS "overrides"
      FROM businesses b
     WHERE b.id = $1::uuid`,
};

async function readCatalog(db: SqlTarget, businessId: string, now: Date): Promise<BusinessCatalog | null> {
  if (!UUID_PATTERN.test(businessId)) return null;
  // Overrides are keyed by local date, from two local days back (a day of margin for ranges crossing
  // midnight). The time zone comes with the row, so SQL reads from three UTC days back (no zone is a
  // full day off UTC) and the exact local cut-off is applied here.
  const [row] = await querySql<CatalogRow>(db, CATALOG_SQL, [businessId, addLocalDays(now.toISOString().slice(0, 10), -3)]);
  if (!row) return null;
  const { services, overrides, ...business } = row;
  const fromDate = addLocalDays(toLocalDate(now, business.timeZone), -2);
  const recent = overrides.filter((override) => override.date >= fromDate);
  const overridesOf = (staffId: string | null) => groupOverrides(recent.filter((override) => override.staffId === staffId));
  return {
    business,
    businessOverrides: overridesOf(null),
    services: services.filter((service) => service.staff.length > 0).map((service) => toScheduledService(service, overridesOf)),
  };
}

/** A service row with its staff and add-ons as the Flow screens use it: staff by name, add-ons in the business's order. */
function toScheduledService(service: ServiceJson, overridesOf: (staffId: string | null) => DateOverride[]): ScheduledService {
  const staff = [...service.staff].sort((a, b) => a.name.localeCompare(b.name));
  return {
    id: service.id,
    name: service.name,
    names: toNames(service.names),
    durationMinutes: service.durationMinutes,
    bufferBeforeMinutes: service.bufferBeforeMinutes,
    bufferAfterMinutes: service.bufferAfterMinutes,
    price: service.price,
    currency: service.currency,
    sortOrder: service.sortOrder,
    addOns: [...service.addOns]
      .sort((a, b) => a.sortOrder - b.sortOrder || a.name.localeCompare(b.name))
      .map((addOn) => ({
        id: addOn.id,
        name: addOn.name,
        durationMinutes: addOn.durationMinutes,
        bufferBeforeMinutes: addOn.bufferBeforeMinutes,
        bufferAfterMinutes: addOn.bufferAfterMinutes,
        price: addOn.price,
      })),
    staff: staff.map((member) => ({ id: member.id, name: member.name, names: toNames(member.names) })),
    schedules: staff.map((member) => ({ staffId: member.id, weeklyHours: member.workingHours, overrides: overridesOf(member.id) })),
  };
}

/**
 * Creates the reader around a database client. `liveReads` (a pg pool) runs the per-request catalog and
 * busy-time queries as prepared statements; without it the Prisma client does. `catalogTtlMs` > 0 caches each
 * business's catalog that long (see the file comment).
 * @example const availability = createFlowAvailability({ db: prisma }); const catalog = await availability.loadCatalog(businessId, now)
 */
export function createFlowAvailability(deps: { db: Db; liveReads?: SqlTarget; catalogTtlMs?: number; monotonicMs?: () => number }): FlowAvailability {
  const reads = deps.liveReads ?? deps.db;
  const ttlMs = deps.catalogTtlMs ?? 0;
  // Cache age is process time, not the business clock: a test's frozen clock must not freeze the cache.
  const monotonicMs = deps.monotonicMs ?? (() => performance.now());
  const cache = new Map<string, { loadedAt: number; forDate: string; catalog: Promise<BusinessCatalog | null> }>();

  return {
    loadCatalog(businessId, now) {
      if (ttlMs <= 0) return readCatalog(reads, businessId, now);
      const forDate = now.toISOString().slice(0, 10);
      const cached = cache.get(businessId);
      if (cached && cached.forDate === forDate && monotonicMs() - cached.loadedAt < ttlMs) return cached.catalog;
      const catalog = readCatalog(reads, businessId, now);
      cache.set(businessId, { loadedAt: monotonicMs(), forDate, catalog });
      catalog.catch(() => cache.delete(businessId));
      return catalog;
    },

    async findFreeSlots({ catalog, service, staffId, from, to, now, exceptCustomerId }) {
      const staffIds = staffId ? [staffId] : service.staff.map((member) => member.id);
      if (staffIds.length === 0 || !staffIds.every((id) => UUID_PATTERN.test(id))) return [];
      const { business } = catalog;
      const busy = await loadBusyForSpan(reads, { businessId: business.id, staffIds, span: service, from, to, now, exceptCustomerId });
      return generateSlots({
        now,
        timeZone: business.timeZone,
        service: { durationMinutes: service.durationMinutes, bufferBeforeMinutes: service.bufferBeforeMinutes, bufferAfterMinutes: service.bufferAfterMinutes },
        rules: { stepMinutes: business.slotStepMinutes, minimumNoticeMinutes: business.minimumNoticeMinutes, maxAdvanceDays: business.maxAdvanceDays, fillGapsAfterBusy: business.fillGapsAfterBusy },
        staff: service.schedules,
        businessOverrides: catalog.businessOverrides,
        busy,
        ...(staffId ? { staffIds: [staffId] } : {}),
        from,
        to,
      });
    },
  };
}
