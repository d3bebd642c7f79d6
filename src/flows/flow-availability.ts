/**
 * Availability as the Flow screens show it, built for the endpoint's latency budget: a business's
 * settings, services, staff, working hours and date overrides are cached per process, until
 * PostgreSQL notifies a change of them while the busy-change listener is listening, for a few
 * seconds when it is not. What changes by the second (bookings, other customers' holds, external busy blocks) is
 * cached per business too, but only while the busy-change listener is listening, and only until
 * PostgreSQL notifies a change of that business (busy-change-listener.ts): a copy is stored only
 * when no change was reported while it was read, and the process's own holds mark the business
 * changed as soon as they commit. Without the listener every request reads busy times live.
 *
 * Only display uses this: holds and confirmations go through the booking core, which re-reads
 * everything inside its SERIALIZABLE transaction, so a stale schedule can never double-book. The
 * notification arrives a fraction of a millisecond to a few milliseconds after another process's
 * commit; in that window a time taken meanwhile may still be shown, and choosing it is refused
 * ("taken, here are the times left"), exactly as for a time taken just after it was shown. Likewise
 * a time edited seconds ago may be offered once and then refused.
 */
import {
  buildBlockedIntervalsSql,
  findBlockedIntervals,
  findBusinessBlockedRows,
  findBusinessSettings,
  type BlockedInterval,
  type BlockedIntervalsQuery,
  type BusinessBlockedRow,
  type BusinessSettings,
} from '../booking';
import type { Db } from '../platform/database';
import { querySql, type SqlTarget } from '../platform/sql';
import { addLocalDays, generateSlots, toLocalDate, type DateOverride, type Slot } from '../scheduling';
import type { BusyChangeListener } from './busy-change-listener';
import { toNames, type FlowService } from './flow-repository';
import { buildUnusedFlowTokenSql, type FlowTokenCheck } from './flow-tokens';

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
  /** Records that this process just changed the business's busy times (a hold placed or moved): its next read is fresh. */
  markBusyChanged(businessId: string): void;
}

// Seconds of staleness an edited working hour may show in an open form when no listener reports edits; see the file comment.
const DEFAULT_TTL_MS = 5_000;
// A catalog the listener vouches for is still re-read this often: a safety net, not a freshness bound.
const TRUSTED_CATALOG_MAX_AGE_MS = 10 * 60_000;
const DAY_MS = 86_400_000;
// A cached copy spans the booking window plus this on both sides, more than any service's reach
// (duration, buffers and the day of margin findFreeSlots adds), so every screen's read falls inside it.
const COPY_MARGIN_MS = 3 * DAY_MS;
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

/** A business's blocking rows in [from, to) as read at `readAt`, trusted while its generation stays `generation`. */
interface BusyCopy {
  generation: number;
  from: number;
  to: number;
  readAt: number;
  rows: BusinessBlockedRow[];
}

/** findBlockedIntervals' answer computed from a copy (same filters, in memory). */
function selectBlocked(copy: BusyCopy, query: BlockedIntervalsQuery): BlockedInterval[] {
  const staff = new Set(query.staffIds);
  const from = query.from.getTime();
  const to = query.to.getTime();
  const now = query.now.getTime();
  const blocked: BlockedInterval[] = [];
  for (const row of copy.rows) {
    if (!staff.has(row.staffId) || row.start.getTime() >= to || row.end.getTime() <= from) continue;
    if (row.holdExpiresAt && (row.holdExpiresAt.getTime() <= now || row.holdCustomerId === query.exceptCustomerId)) continue;
    if (row.bookingId !== null && row.bookingId === query.exceptBookingId) continue;
    blocked.push({ staffId: row.staffId, start: row.start, end: row.end });
  }
  return blocked;
}

/**
 * Per-business copies of busy time kept valid by `listener`; `read` loads a business's rows.
 * Concurrent requests of one generation share one load.
 */
function createBusyCopies(listener: BusyChangeListener, read: (params: { businessId: string; from: Date; to: Date; now: Date }) => Promise<BusinessBlockedRow[]>) {
  const copies = new Map<string, BusyCopy>();
  const loading = new Map<string, Promise<BusyCopy>>();

  const load = (businessId: string, window: { from: number; to: number }, now: Date): Promise<BusyCopy> => {
    const generation = listener.generationOf(businessId);
    const pending = read({ businessId, from: new Date(window.from), to: new Date(window.to), now }).then((rows) => {
      const copy = { generation, ...window, readAt: now.getTime(), rows };
      // A change reported during the read may be missing from it: such a copy answers the requests
      // that waited for it (it is as fresh as a live read they would have made) but is not kept.
      if (listener.isListening && listener.generationOf(businessId) === generation) copies.set(businessId, copy);
      return copy;
    });
    const shared = pending.finally(() => {
      if (loading.get(businessId) === shared) loading.delete(businessId);
    });
    loading.set(businessId, shared);
    return shared;
  };

  return {
    /** The blocked intervals of `query`, from a trusted copy or a fresh load of the business. */
    async find(query: BlockedIntervalsQuery, bookingWindowMs: number): Promise<BlockedInterval[]> {
      const { businessId, now } = query;
      const generation = listener.generationOf(businessId);
      // A test clock may jump back: only a copy read at or before `now` can judge holds' expiry at `now`.
      const covers = (copy: BusyCopy) =>
        copy.generation === generation && copy.from <= query.from.getTime() && copy.to >= query.to.getTime() && copy.readAt <= now.getTime();
      const copy = copies.get(businessId);
      if (copy && covers(copy)) return selectBlocked(copy, query);
      const inFlight = loading.get(businessId);
      const joined = inFlight ? await inFlight : undefined;
      if (joined && covers(joined)) return selectBlocked(joined, query);
      const window = {
        from: Math.min(query.from.getTime(), now.getTime() - COPY_MARGIN_MS),
        to: Math.max(query.to.getTime(), now.getTime() + bookingWindowMs + COPY_MARGIN_MS),
      };
      return selectBlocked(await load(businessId, window, now), query);
    },
    markChanged(businessId: string): void {
      listener.markChanged(businessId);
      copies.delete(businessId);
    },
  };
}

/**
 * Creates the cache around a database client. `liveReads` (a pg pool) runs the per-request busy-time query
 * as a prepared statement; without it the Prisma client does. With `busyChanges`, busy times are served from
 * per-business copies while it is listening (see the file comment).
 * @example const availability = createFlowAvailability({ db: prisma }); const catalog = await availability.loadCatalog(businessId, now)
 */
export function createFlowAvailability(deps: { db: Db; liveReads?: SqlTarget; busyChanges?: BusyChangeListener; ttlMs?: number; monotonicMs?: () => number }): FlowAvailability {
  const ttlMs = deps.ttlMs ?? DEFAULT_TTL_MS;
  const reads = deps.liveReads ?? deps.db;
  const listener = deps.busyChanges;
  const busyCopies = listener ? createBusyCopies(listener, (params) => findBusinessBlockedRows(reads, params)) : undefined;
  // Cache age is process time, not the business clock: a test's frozen clock must not freeze the cache.
  const monotonicMs = deps.monotonicMs ?? (() => performance.now());
  const cache = new Map<string, { loadedAt: number; forDate: string; generation: number | null; catalog: Promise<BusinessCatalog | null> }>();
  // The generation is taken before the read: an edit reported during it moves the generation, so the next request reads again.
  const catalogGeneration = (businessId: string) => (listener?.isListening ? listener.catalogGenerationOf(businessId) : null);

  return {
    loadCatalog(businessId, now) {
      const forDate = now.toISOString().slice(0, 10);
      const cached = cache.get(businessId);
      if (cached && cached.forDate === forDate) {
        const age = monotonicMs() - cached.loadedAt;
        const generation = catalogGeneration(businessId);
        const isVouchedFor = generation !== null && cached.generation === generation && age < TRUSTED_CATALOG_MAX_AGE_MS;
        if (isVouchedFor || (generation === null && age < ttlMs)) return cached.catalog;
      }
      const generation = catalogGeneration(businessId);
      const catalog = readCatalog(deps.db, businessId, now);
      cache.set(businessId, { loadedAt: monotonicMs(), forDate, generation, catalog });
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
      const { business } = catalog;
      // A token still to be checked rides on a live read (one round trip for both), as before the copies.
      const busy = usedCheck?.isPending
        ? await findBlockedIntervalsCheckingToken(reads, query, usedCheck)
        : busyCopies && listener?.isListening
          ? await busyCopies.find(query, business.maxAdvanceDays * DAY_MS)
          : await findBlockedIntervals(reads, query);
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

    markBusyChanged(businessId) {
      busyCopies?.markChanged(businessId);
    },
  };
}
