/**
 * The booking core: holds, confirm (SERIALIZABLE, retried), reschedule, cancel and the
 * lifecycle actions. Every change writes its audit row and runs the registered listeners in the
 * same transaction (reminders, outgoing events), so nothing is half-written.
 */
import type { Clock } from '../platform/clock';
import { poolOf, Prisma, type Db, type PrismaClient } from '../platform/database';
import type { SqlTarget } from '../platform/sql';
import { toDomainError } from '../platform/errors';
import { recordBookingResult } from '../platform/metrics';
import { generateSlots, type Slot } from '../scheduling';
import { findBookingAddOns, insertBookingAddOns } from './add-on-repository';
import { addUpPrice, extendSpan, resolveAddOns } from './add-ons';
import { loadAvailability } from './availability-loader';
import { findAlternatives, resolveSlot } from './slot-check';
import { ensureNotChangeLocked, ensureTransition, newBookingUid } from './booking-rules';
import {
  cancelSchema,
  confirmSlotSchema,
  parseInput,
  rateSchema,
  rescheduleSchema,
  updateDetailsSchema,
  type CancelInput,
  type ConfirmSlotInput,
  type RateInput,
  type RescheduleInput,
  type UpdateDetailsInput,
} from './booking-input';
import {
  customerExists,
  deleteHoldOfCustomer,
  findBooking,
  findBookingByIdempotencyKey,
  findBusinessSettings,
  findUpcomingBookingsOfCustomer,
  insertBooking,
  insertBookingLog,
  lockBooking,
  tryLockStaffTime,
  waitForStaffTime,
  updateBooking,
  upsertHold,
  type BookingRow,
  type BusinessSettings,
  type StaffTime,
} from './booking-repository';
import { runSerializable, WaitAndRetry } from './serializable';

/** What changed, handed to listeners inside the transaction. */
export interface BookingChange {
  kind: 'created' | 'rescheduled' | 'cancelled' | 'confirmed' | 'started' | 'completed' | 'no_show' | 'rated' | 'details_updated';
  booking: BookingRow;
  before: BookingRow | null;
  actor: string;
}

/** Runs inside the booking's transaction (plan reminders, write outgoing events...). */
export type BookingChangeListener = (tx: Prisma.TransactionClient, change: BookingChange) => Promise<void>;

/** The answer to a confirm or reschedule: the booking, or the slot is gone with the nearest alternatives. */
export type SlotResult =
  | { ok: true; booking: BookingRow; isReplay: boolean }
  | { ok: false; code: 'slot_no_longer_available'; alternatives: Slot[] };

/** Dependencies of the booking core. */
export interface BookingServiceDeps {
  prisma: PrismaClient;
  clock: Clock;
  listeners?: BookingChangeListener[];
  /** When set, every operation runs inside this (caller's SERIALIZABLE) transaction instead of its own. */
  tx?: Prisma.TransactionClient;
  /** Aborted when the process stops: retries of a conflicting transaction end instead of going on. */
  signal?: AbortSignal;
  /** Total milliseconds for all attempts of one operation (default: runSerializable's). */
  transactionBudgetMs?: number;
}

// A booking that raced past the checks still hits the exclusion constraint (23P01); running the
// transaction again re-reads the winner's row and answers with the ordinary "slot taken".
const OVERLAP_IS_RETRYABLE = { retryOnStates: ['23P01'] } as const;
const DAY_MS = 86_400_000;

/** Creates the booking core around a Prisma client and a clock. */
export function createBookingService(deps: BookingServiceDeps) {
  const listeners = deps.listeners ?? [];
  const db: Db = deps.tx ?? deps.prisma;
  // Inside a caller's transaction the caller owns retries (it must re-run its whole step).
  const run = <T>(fn: (tx: Prisma.TransactionClient) => Promise<T>, options?: { retryOnStates?: readonly string[] }): Promise<T> =>
    deps.tx ? fn(deps.tx) : runSerializable(deps.prisma, fn, { ...options, signal: deps.signal, budgetMs: deps.transactionBudgetMs });
  // Right before a write of staff time: its locks, or back out and queue for them outside the
  // transaction (WaitAndRetry; a caller's own transaction, such as a conversation step, is retried whole).
  const lockStaffTime = async (tx: Prisma.TransactionClient, times: StaffTime[]) => {
    if (!(await tryLockStaffTime(tx, times))) throw new WaitAndRetry(() => waitOutside((db) => waitForStaffTime(db, times)));
  };
  // On a connection of its own, timing only the wait for the lock (not the queue for the connection).
  const waitOutside = async (wait: (db: SqlTarget) => Promise<void>): Promise<number> => {
    const client = await poolOf(deps.prisma).connect();
    const from = performance.now();
    try {
      await wait(client);
    } catch (error) {
      // A connection that failed mid-wait is dropped, not handed to the next caller.
      client.release(error as Error);
      throw error;
    }
    client.release();
    return performance.now() - from;
  };
  const notify = async (tx: Prisma.TransactionClient, change: BookingChange) => {
    for (const listener of listeners) await listener(tx, change);
  };

  async function requireBusiness(db: Db, businessId: string): Promise<BusinessSettings> {
    const business = await findBusinessSettings(db, businessId);
    if (!business) throw toDomainError('not_found', `Business ${businessId} does not exist.`);
    return business;
  }

  async function requireBooking(db: Db, businessId: string, bookingId: string): Promise<BookingRow> {
    const booking = await findBooking(db, businessId, bookingId);
    if (!booking) throw toDomainError('booking_not_found', `No booking "${bookingId}" in this business.`);
    await lockBooking(db, booking.id);
    // Re-read under the lock: a concurrent change may have committed between find and lock.
    return (await findBooking(db, businessId, booking.id))!;
  }

  return {
    /** Free slots of a service in [from, to) (default: the whole booking window), for any or one staff member. */
    async findSlots(params: { businessId: string; serviceId: string; staffId?: string; from?: Date; to?: Date; exceptCustomerId?: string; exceptBookingId?: string; addOnServiceIds?: string[] }) {
      const now = deps.clock.now();
      const business = await requireBusiness(db, params.businessId);
      const from = params.from ?? now;
      const to = params.to ?? new Date(now.getTime() + business.maxAdvanceDays * DAY_MS);
      const { service, input } = await loadAvailability(db, { ...params, business, serviceIdOrUid: params.serviceId, from, to, now });
      const addOns = await resolveAddOns(db, { businessId: business.id, serviceIdOrUid: service.id, addOnIdsOrUids: params.addOnServiceIds ?? [] });
      return { business, service, slots: generateSlots({ ...input, service: extendSpan(input.service, addOns) }) };
    },

    /** Places or refreshes this customer's hold on a slot; other customers stop seeing it. */
    async placeHold(params: { businessId: string; customerId: string; serviceId: string; staffId?: string; start: Date; addOnServiceIds?: string[] }): Promise<
      { ok: true; staffId: string; expiresAt: Date } | { ok: false; code: 'slot_no_longer_available'; alternatives: Slot[] }
    > {
      return run(async (tx) => {
        const now = deps.clock.now();
        const business = await requireBusiness(tx, params.businessId);
        if (!(await customerExists(tx, business.id, params.customerId))) throw toDomainError('customer_not_found', 'Unknown customer.');
        const addOns = await resolveAddOns(tx, { businessId: business.id, serviceIdOrUid: params.serviceId, addOnIdsOrUids: params.addOnServiceIds ?? [] });
        const slot = await resolveSlot(tx, { ...params, business, now, exceptCustomerId: params.customerId, overrideTimeSlotValidation: false, addOns });
        if (!slot.staffId) {
          await deleteHoldOfCustomer(tx, params);
          const alternatives = await findAlternatives(tx, { business, serviceId: slot.service.id, staffId: params.staffId, around: params.start, now, exceptCustomerId: params.customerId, addOns });
          return { ok: false as const, code: 'slot_no_longer_available' as const, alternatives };
        }
        const expiresAt = new Date(now.getTime() + business.holdMinutes * 60_000);
        await upsertHold(tx, {
          businessId: business.id,
          customerId: params.customerId,
          staffId: slot.staffId,
          serviceId: slot.service.id,
          startsAt: params.start,
          endsAt: slot.end,
          blockedFrom: slot.blockedFrom,
          blockedUntil: slot.blockedUntil,
          expiresAt,
        });
        return { ok: true as const, staffId: slot.staffId, expiresAt };
      });
    },

    /** Releases this customer's hold (no-op when there is none). */
    async releaseHold(params: { businessId: string; customerId: string }): Promise<void> {
      await deleteHoldOfCustomer(db, params);
    },

    /**
     * Books a slot inside a SERIALIZABLE transaction: re-reads overlapping bookings and other
     * customers' holds, then inserts. A taken slot is an answer, not an error.
     */
    async confirmSlot(raw: ConfirmSlotInput): Promise<SlotResult> {
      const input = parseInput(confirmSlotSchema, raw);
      return recordBookingResult(input.source, run(
        async (tx) => {
          const now = deps.clock.now();
          const business = await requireBusiness(tx, input.businessId);
          if (input.idempotencyKey) {
            const existing = await findBookingByIdempotencyKey(tx, business.id, input.idempotencyKey);
            if (existing) return { ok: true as const, booking: existing, isReplay: true };
          }
          if (!(await customerExists(tx, business.id, input.customerId))) {
            throw toDomainError('customer_not_found', `No customer "${input.customerId}" in this business.`);
          }
          const addOns = await resolveAddOns(tx, { businessId: business.id, serviceIdOrUid: input.serviceId, addOnIdsOrUids: input.addOnServiceIds });
          const slot = await resolveSlot(tx, { ...input, business, now, exceptCustomerId: input.customerId, addOns });
          if (!slot.staffId) {
            const alternatives = await findAlternatives(tx, {
              business, serviceId: slot.service.id, staffId: input.staffId, around: input.start, now, exceptCustomerId: input.customerId, addOns,
            });
            return { ok: false as const, code: 'slot_no_longer_available' as const, alternatives };
          }
          await lockStaffTime(tx, [{ staffId: slot.staffId, from: slot.blockedFrom, to: slot.blockedUntil }]);
          const booking = await insertBooking(tx, {
            uid: newBookingUid(),
            businessId: business.id,
            customerId: input.customerId,
            staffId: slot.staffId,
            serviceId: slot.service.id,
            locationId: input.locationId,
            startsAt: input.start,
            endsAt: slot.end,
            blockedFrom: slot.blockedFrom,
            blockedUntil: slot.blockedUntil,
            timeZone: business.timeZone,
            status: input.status,
            source: input.source,
            price: addUpPrice(slot.service.price, addOns),
            currency: slot.service.currency,
            notes: input.notes,
            locationText: input.locationText,
            metadata: input.metadata as Prisma.InputJsonValue | undefined,
            idempotencyKey: input.idempotencyKey,
            confirmedAt: input.status === 'confirmed' ? now : null,
          });
          await insertBookingAddOns(tx, { bookingId: booking.id, addOns });
          await deleteHoldOfCustomer(tx, { businessId: business.id, customerId: input.customerId });
          await insertBookingLog(tx, { businessId: business.id, bookingId: booking.id, actor: input.actor, action: 'created', before: null, after: toAuditView(booking) });
          await notify(tx, { kind: 'created', booking, before: null, actor: input.actor });
          return { ok: true as const, booking, isReplay: false };
        },
        OVERLAP_IS_RETRYABLE,
      ));
    },

    /** Moves a booking to a new slot (re-checked like a new booking); count +1, reason and history kept. */
    async reschedule(raw: RescheduleInput): Promise<SlotResult> {
      const input = parseInput(rescheduleSchema, raw);
      return run(
        async (tx) => {
          const now = deps.clock.now();
          const business = await requireBusiness(tx, input.businessId);
          const before = await requireBooking(tx, business.id, input.bookingId);
          ensureTransition(before, 'RESCHEDULE');
          if (input.enforceChangeLock) ensureNotChangeLocked(before, business, now);
          const addOns = await findBookingAddOns(tx, { businessId: business.id, bookingId: before.id });
          const slot = await resolveSlot(tx, {
            ...input,
            business,
            serviceId: before.serviceId,
            preferredStaffId: before.staffId,
            now,
            exceptBookingId: before.id,
            exceptCustomerId: before.customerId,
            addOns,
          });
          if (!slot.staffId) {
            const alternatives = await findAlternatives(tx, {
              business, serviceId: before.serviceId, staffId: input.staffId, around: input.start, now, exceptBookingId: before.id, exceptCustomerId: before.customerId, addOns,
            });
            return { ok: false as const, code: 'slot_no_longer_available' as const, alternatives };
          }
          // The time it frees too: a confirm there must not wait on this row's old version inside the constraint.
          await lockStaffTime(tx, [
            { staffId: before.staffId, from: before.blockedFrom, to: before.blockedUntil },
            { staffId: slot.staffId, from: slot.blockedFrom, to: slot.blockedUntil },
          ]);
          const booking = await updateBooking(tx, before.id, {
            staffId: slot.staffId,
            startsAt: input.start,
            endsAt: slot.end,
            blockedFrom: slot.blockedFrom,
            blockedUntil: slot.blockedUntil,
            rescheduleCount: { increment: 1 },
            rescheduleReason: input.reason ?? null,
          });
          await deleteHoldOfCustomer(tx, { businessId: business.id, customerId: before.customerId });
          await insertBookingLog(tx, { businessId: business.id, bookingId: booking.id, actor: input.actor, action: 'rescheduled', before: toAuditView(before), after: toAuditView(booking) });
          await notify(tx, { kind: 'rescheduled', booking, before, actor: input.actor });
          return { ok: true as const, booking, isReplay: false };
        },
        OVERLAP_IS_RETRYABLE,
      );
    },

    /** Cancels a booking (reason ≤ 500); final states refuse. */
    async cancel(raw: CancelInput): Promise<BookingRow> {
      const input = parseInput(cancelSchema, raw);
      return run(async (tx) => {
        const now = deps.clock.now();
        const business = await requireBusiness(tx, input.businessId);
        const before = await requireBooking(tx, business.id, input.bookingId);
        ensureTransition(before, 'CANCEL');
        if (input.enforceChangeLock) ensureNotChangeLocked(before, business, now);
        const booking = await updateBooking(tx, before.id, { status: 'cancelled', cancelledAt: now, cancellationReason: input.reason ?? null });
        await insertBookingLog(tx, { businessId: business.id, bookingId: booking.id, actor: input.actor, action: 'cancelled', before: toAuditView(before), after: toAuditView(booking) });
        await notify(tx, { kind: 'cancelled', booking, before, actor: input.actor });
        return booking;
      });
    },

    /** Applies a lifecycle action (confirm a pending booking, start, complete, no-show). */
    async applyLifecycle(params: { businessId: string; bookingId: string; event: 'CONFIRM' | 'START' | 'COMPLETE' | 'MARK_NO_SHOW'; actor: string }): Promise<BookingRow> {
      return run(async (tx) => {
        const now = deps.clock.now();
        const business = await requireBusiness(tx, params.businessId);
        const before = await requireBooking(tx, business.id, params.bookingId);
        const status = ensureTransition(before, params.event);
        const stamps: Prisma.BookingUncheckedUpdateInput =
          params.event === 'CONFIRM' ? { confirmedAt: now } : params.event === 'COMPLETE' ? { completedAt: now } : {};
        const booking = await updateBooking(tx, before.id, { status, ...stamps });
        const kind = ({ CONFIRM: 'confirmed', START: 'started', COMPLETE: 'completed', MARK_NO_SHOW: 'no_show' } as const)[params.event];
        await insertBookingLog(tx, { businessId: business.id, bookingId: booking.id, actor: params.actor, action: kind, before: toAuditView(before), after: toAuditView(booking) });
        await notify(tx, { kind, booking, before, actor: params.actor });
        return booking;
      });
    },

    /** Stores the customer's 0–5 rating of a completed visit. */
    async rate(raw: RateInput): Promise<BookingRow> {
      const input = parseInput(rateSchema, raw);
      return run(async (tx) => {
        const before = await requireBooking(tx, input.businessId, input.bookingId);
        ensureTransition(before, 'RATE');
        const booking = await updateBooking(tx, before.id, { rating: input.rating });
        await insertBookingLog(tx, { businessId: input.businessId, bookingId: booking.id, actor: input.actor, action: 'rated', before: toAuditView(before), after: toAuditView(booking) });
        await notify(tx, { kind: 'rated', booking, before, actor: input.actor });
        return booking;
      });
    },

    /** Changes location, source, metadata or notes. */
    async updateDetails(raw: UpdateDetailsInput): Promise<BookingRow> {
      const input = parseInput(updateDetailsSchema, raw);
      return run(async (tx) => {
        const before = await requireBooking(tx, input.businessId, input.bookingId);
        ensureTransition(before, 'UPDATE_DETAILS');
        if (input.locationId) {
          const location = await tx.location.count({ where: { id: input.locationId, businessId: input.businessId } });
          if (!location) throw toDomainError('location_not_found', `No location "${input.locationId}" in this business.`);
        }
        const booking = await updateBooking(tx, before.id, {
          ...(input.locationId !== undefined ? { locationId: input.locationId } : {}),
          ...(input.locationText !== undefined ? { locationText: input.locationText } : {}),
          ...(input.source !== undefined ? { source: input.source } : {}),
          ...(input.notes !== undefined ? { notes: input.notes } : {}),
          ...(input.metadata !== undefined ? { metadata: input.metadata === null ? Prisma.JsonNull : (input.metadata as Prisma.InputJsonValue) } : {}),
        });
        await insertBookingLog(tx, { businessId: input.businessId, bookingId: booking.id, actor: input.actor, action: 'details_updated', before: toAuditView(before), after: toAuditView(booking) });
        await notify(tx, { kind: 'details_updated', booking, before, actor: input.actor });
        return booking;
      });
    },

    /** Upcoming pending/confirmed bookings of a customer, soonest first. */
    async findUpcomingForCustomer(params: { businessId: string; customerId: string; limit?: number }) {
      return findUpcomingBookingsOfCustomer(db, { ...params, now: deps.clock.now(), limit: params.limit ?? 10 });
    },

    /** How this core bounds its retries, for a caller that runs its own serializable transaction around it. */
    retryBounds: { signal: deps.signal, budgetMs: deps.transactionBudgetMs },

    /** The same operations, run inside the caller's transaction (the caller retries on 40001). */
    inTransaction(tx: Prisma.TransactionClient) {
      return createBookingService({ ...deps, tx });
    },

    /** True when the booking starts within the business's change-lock window. */
    isChangeLocked(booking: { startsAt: Date }, business: { changeLockMinutes: number }): boolean {
      return booking.startsAt.getTime() - deps.clock.now().getTime() < business.changeLockMinutes * 60_000;
    },
  };
}

/** The booking core's public surface. */
export type BookingService = ReturnType<typeof createBookingService>;

/** The fields the audit log keeps before/after a change. */
export function toAuditView(booking: BookingRow) {
  return {
    status: booking.status,
    staffId: booking.staffId,
    serviceId: booking.serviceId,
    startsAt: booking.startsAt.toISOString(),
    endsAt: booking.endsAt.toISOString(),
    locationId: booking.locationId,
    locationText: booking.locationText,
    source: booking.source,
    notes: booking.notes,
    metadata: booking.metadata,
    rating: booking.rating,
    cancellationReason: booking.cancellationReason,
    rescheduleReason: booking.rescheduleReason,
    rescheduleCount: booking.rescheduleCount,
  };
}
