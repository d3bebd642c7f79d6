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
import { findBusinessSettings, loadBusyForSpan, type BusinessSettings } from '../booking';
import type { Db } from '../platform/database';
import type { SqlTarget } from '../platform/sql';
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

type OverrideRow = { date: Date; isClosed: boolean; startMinute: number | null; endMinute: number | null };

function groupOverrides(rows: OverrideRow[]): DateOverride[] {
  const byDate = new Map<string, DateOverride>();
  for (const row of rows) {
    const date = row.date.toISOString().slice(0, 10);
    const entry = byDate.get(date) ?? { date, isClosed: false, ranges: [] };
    if (row.isClosed) entry.isClosed = true;
    else if (row.startMinute !== null && row.endMinute !== null) entry.ranges.push({ startMinute: row.startMinute, endMinute: row.endMinute });
    byDate.set(date, entry);
  }
  return [...byDate.values()];
}

/** Active services of the business that are not add-ons, with their active staff (and hours) and active add-ons. */
function readServices(db: Db, businessId: string) {
  return db.service.findMany({
    // An add-on is offered with its services (DETAILS), never alone.
    where: { businessId, isActive: true, addOnOf: { none: {} } },
    orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }],
    select: {
      id: true,
      name: true,
      names: true,
      durationMinutes: true,
      bufferBeforeMinutes: true,
      bufferAfterMinutes: true,
      price: true,
      currency: true,
      sortOrder: true,
      staff: { where: { staff: { isActive: true } }, select: { staff: { select: { id: true, name: true, names: true, workingHours: { select: { weekday: true, startMinute: true, endMinute: true } } } } } },
      addOns: {
        where: { addOn: { isActive: true } },
        select: { addOn: { select: { id: true, name: true, durationMinutes: true, bufferBeforeMinutes: true, bufferAfterMinutes: true, price: true, sortOrder: true } } },
      },
    },
  });
}

async function readCatalog(db: Db, businessId: string, now: Date): Promise<BusinessCatalog | null> {
  const business = await findBusinessSettings(db, businessId);
  if (!business) return null;
  // Overrides are keyed by local date; a day of margin on both sides covers ranges crossing midnight.
  const fromDate = new Date(`${addLocalDays(toLocalDate(now, business.timeZone), -2)}T00:00:00Z`);
  const [services, overrides] = await Promise.all([
    readServices(db, businessId),
    db.dateOverride.findMany({ where: { businessId, date: { gte: fromDate } }, select: { staffId: true, date: true, isClosed: true, startMinute: true, endMinute: true } }),
  ]);
  const overridesOf = (staffId: string | null) => groupOverrides(overrides.filter((row) => row.staffId === staffId));
  return {
    business,
    businessOverrides: overridesOf(null),
    services: services.filter((service) => service.staff.length > 0).map((service) => toScheduledService(service, overridesOf)),
  };
}

type ServiceRow = Awaited<ReturnType<typeof readServices>>[number];

/** A service row with its staff and add-ons as the Flow screens use it: staff by name, add-ons in the business's order. */
function toScheduledService(service: ServiceRow, overridesOf: (staffId: string | null) => DateOverride[]): ScheduledService {
  const staff = service.staff.map((link) => link.staff).sort((a, b) => a.name.localeCompare(b.name));
  return {
    id: service.id,
    name: service.name,
    names: toNames(service.names),
    durationMinutes: service.durationMinutes,
    bufferBeforeMinutes: service.bufferBeforeMinutes,
    bufferAfterMinutes: service.bufferAfterMinutes,
    price: service.price.toFixed(2),
    currency: service.currency,
    sortOrder: service.sortOrder,
    addOns: service.addOns
      .map((link) => link.addOn)
      .sort((a, b) => a.sortOrder - b.sortOrder || a.name.localeCompare(b.name))
      .map((addOn) => ({
        id: addOn.id,
        name: addOn.name,
        durationMinutes: addOn.durationMinutes,
        bufferBeforeMinutes: addOn.bufferBeforeMinutes,
        bufferAfterMinutes: addOn.bufferAfterMinutes,
        price: addOn.price.toFixed(2),
      })),
    staff: staff.map((member) => ({ id: member.id, name: member.name, names: toNames(member.names) })),
    schedules: staff.map((member) => ({ staffId: member.id, weeklyHours: member.workingHours, overrides: overridesOf(member.id) })),
  };
}

/**
 * Creates the reader around a database client. `liveReads` (a pg pool) runs the per-request busy-time
 * query as a prepared statement; without it the Prisma client does. `catalogTtlMs` > 0 caches each
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
      if (ttlMs <= 0) return readCatalog(deps.db, businessId, now);
      const forDate = now.toISOString().slice(0, 10);
      const cached = cache.get(businessId);
      if (cached && cached.forDate === forDate && monotonicMs() - cached.loadedAt < ttlMs) return cached.catalog;
      const catalog = readCatalog(deps.db, businessId, now);
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
