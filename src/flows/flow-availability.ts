/**
 * Availability as the Flow screens show it, built for the endpoint's latency budget: a business's
 * settings, services, staff, working hours and date overrides are cached for a few seconds per
 * process, while what changes by the second (bookings and other customers' holds) is read live on
 * every request. Only display uses this: holds and confirmations go through the booking core,
 * which re-reads everything inside its SERIALIZABLE transaction, so a stale schedule can never
 * double-book; at worst a time edited seconds ago is offered once and then refused.
 */
import { buildBlockedIntervalsSql, findBlockedIntervals, findBusinessSettings, type BlockedInterval, type BlockedIntervalsQuery, type BusinessSettings } from '../booking';
import type { Db } from '../platform/database';
import { querySql, type SqlTarget } from '../platform/sql';
import { addLocalDays, generateSlots, toLocalDate, type DateOverride, type Slot } from '../scheduling';
import type { FlowService } from './flow-repository';
import { buildUnusedFlowTokenSql, type FlowTokenCheck } from './flow-tokens';

/** A service with what the engine needs about it and its staff. */
export interface ScheduledService extends FlowService {
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  sortOrder: number;
  schedules: Array<{ staffId: string; weeklyHours: Array<{ weekday: number; startMinute: number; endMinute: number }>; overrides: DateOverride[] }>;
}

/** The cached, slowly changing part of one business. */
export interface BusinessCatalog {
  business: BusinessSettings;
  /** Active services that someone performs, in the business's order. */
  services: ScheduledService[];
  businessOverrides: DateOverride[];
}

/** Reads and caches Flow availability. */
export interface FlowAvailability {
  /** The business's catalog (null when the business does not exist). */
  loadCatalog(businessId: string, now: Date): Promise<BusinessCatalog | null>;
  /**
   * Free slots of a service in [from, to), for one staff member or anyone; `exceptCustomerId`'s own hold is theirs.
   * A pending `usedCheck` is answered by the same round trip (throws FlowTokenUsedError for a token used meanwhile).
   */
  findFreeSlots(params: { catalog: BusinessCatalog; service: ScheduledService; staffId?: string; from: Date; to: Date; now: Date; exceptCustomerId: string; usedCheck?: FlowTokenCheck | null }): Promise<Slot[]>;
}

// Seconds of staleness an edited working hour may show in an open form; see the file comment.
const DEFAULT_TTL_MS = 5_000;
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

async function readCatalog(db: Db, businessId: string, now: Date): Promise<BusinessCatalog | null> {
  const business = await findBusinessSettings(db, businessId);
  if (!business) return null;
  // Overrides are keyed by local date; a day of margin on both sides covers ranges crossing midnight.
  const fromDate = new Date(`${addLocalDays(toLocalDate(now, business.timeZone), -2)}T00:00:00Z`);
  const [services, overrides] = await Promise.all([
    db.service.findMany({
      where: { businessId, isActive: true },
      orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }],
      select: {
        id: true,
        name: true,
        durationMinutes: true,
        bufferBeforeMinutes: true,
        bufferAfterMinutes: true,
        price: true,
        currency: true,
        sortOrder: true,
        staff: { where: { staff: { isActive: true } }, select: { staff: { select: { id: true, name: true, workingHours: { select: { weekday: true, startMinute: true, endMinute: true } } } } } },
      },
    }),
    db.dateOverride.findMany({ where: { businessId, date: { gte: fromDate } }, select: { staffId: true, date: true, isClosed: true, startMinute: true, endMinute: true } }),
  ]);
  const overridesOf = (staffId: string | null) => groupOverrides(overrides.filter((row) => row.staffId === staffId));
  return {
    business,
    businessOverrides: overridesOf(null),
    services: services
      .filter((service) => service.staff.length > 0)
      .map((service) => {
        const staff = service.staff.map((link) => link.staff).sort((a, b) => a.name.localeCompare(b.name));
        return {
          id: service.id,
          name: service.name,
          durationMinutes: service.durationMinutes,
          bufferBeforeMinutes: service.bufferBeforeMinutes,
          bufferAfterMinutes: service.bufferAfterMinutes,
          price: service.price.toFixed(2),
          currency: service.currency,
          sortOrder: service.sortOrder,
          staff: staff.map((member) => ({ id: member.id, name: member.name })),
          schedules: staff.map((member) => ({ staffId: member.id, weeklyHours: member.workingHours, overrides: overridesOf(member.id) })),
        };
      }),
  };
}

/**
 * findBlockedIntervals plus the cached token's "still unused?" in one statement: the endpoint's
 * busiest step (a day's times) then costs one database round trip instead of two. The blocked rows
 * come back only for a usable token; the first column answers the check.
 */
async function findBlockedIntervalsCheckingToken(db: SqlTarget, query: BlockedIntervalsQuery, usedCheck: FlowTokenCheck): Promise<BlockedInterval[]> {
  const blocked = buildBlockedIntervalsSql(query);
  const rows = await querySql<{ isTokenUsable: boolean } & (BlockedInterval | { staffId: null; start: null; end: null })>(
    db,
    { name: 'find_blocked_intervals_checking_token', text: wrapWithTokenCheck(blocked.text) },
    [...blocked.values, usedCheck.tokenId],
  );
  usedCheck.settle(rows[0]?.isTokenUsable === true);
  return rows.filter((row): row is { isTokenUsable: boolean } & BlockedInterval => row.staffId !== null);
}

// Built once: the inner text is a constant, and pg prepares the statement once per connection by its name.
let tokenCheckingSql: string | undefined;
function wrapWithTokenCheck(innerSql: string): string {
  tokenCheckingSql ??= `
    WITH token AS (SELECT ${buildUnusedFlowTokenSql('$9', '$1')} AS usable)
    SELECT token.usable AS "isTokenUsable", blocked."staffId", blocked."start", blocked."end"
    FROM token LEFT JOIN (${innerSql}) AS blocked ON token.usable`;
  return tokenCheckingSql;
}

/**
 * Creates the cache around a database client. `liveReads` (a pg pool) runs the per-request busy-time query
 * as a prepared statement; without it the Prisma client does.
 * @example const availability = createFlowAvailability({ db: prisma }); const catalog = await availability.loadCatalog(businessId, now)
 */
export function createFlowAvailability(deps: { db: Db; liveReads?: SqlTarget; ttlMs?: number; monotonicMs?: () => number }): FlowAvailability {
  const ttlMs = deps.ttlMs ?? DEFAULT_TTL_MS;
  // Cache age is process time, not the business clock: a test's frozen clock must not freeze the cache.
  const monotonicMs = deps.monotonicMs ?? (() => performance.now());
  const cache = new Map<string, { loadedAt: number; forDate: string; catalog: Promise<BusinessCatalog | null> }>();

  return {
    loadCatalog(businessId, now) {
      const forDate = now.toISOString().slice(0, 10);
      const cached = cache.get(businessId);
      if (cached && cached.forDate === forDate && monotonicMs() - cached.loadedAt < ttlMs) return cached.catalog;
      const catalog = readCatalog(deps.db, businessId, now);
      cache.set(businessId, { loadedAt: monotonicMs(), forDate, catalog });
      catalog.catch(() => cache.delete(businessId));
      return catalog;
    },

    async findFreeSlots({ catalog, service, staffId, from, to, now, exceptCustomerId, usedCheck }) {
      const staffIds = staffId ? [staffId] : service.staff.map((member) => member.id);
      if (staffIds.length === 0 || !staffIds.every((id) => UUID_PATTERN.test(id))) return [];
      // Buffers reach beyond the slot; widen the window so a neighbour's buffer is seen (as the booking core does).
      const margin = (service.bufferBeforeMinutes + service.bufferAfterMinutes + service.durationMinutes + 24 * 60) * 60_000;
      const until = new Date(to.getTime() + margin);
      const since = new Date(from.getTime() - margin);
      const businessId = catalog.business.id;
      // The booking core's own reading of what blocks staff (bookings, other customers' holds,
      // external calendars), so the form never offers a time the confirm would refuse.
      const query = { businessId, staffIds, from: since, to: until, now, exceptCustomerId };
      const reads = deps.liveReads ?? deps.db;
      const busy = usedCheck?.isPending ? await findBlockedIntervalsCheckingToken(reads, query, usedCheck) : await findBlockedIntervals(reads, query);
      const { business } = catalog;
      return generateSlots({
        now,
        timeZone: business.timeZone,
        service: { durationMinutes: service.durationMinutes, bufferBeforeMinutes: service.bufferBeforeMinutes, bufferAfterMinutes: service.bufferAfterMinutes },
        rules: { stepMinutes: business.slotStepMinutes, minimumNoticeMinutes: business.minimumNoticeMinutes, maxAdvanceDays: business.maxAdvanceDays },
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
