/**
 * Executes the conversation machine's effects inside the step's transaction and turns their
 * outcome into answer events for the machine (SERVICES_LOADED, BOOKING_CONFIRMED, SLOT_TAKEN…).
 */
import { LOCALES, type AnswerEvent, type BookingSummary, type ConversationEffect, type LocalizedNames, type MessageDescriptor, type SlotOption } from '../../machines/conversation-types';
import { toOpeningHours } from './opening-hours';
import { SLOTS_PAGE_SIZE } from '../../machines/conversation.machine';
import { DAYS_PAGE_SIZE } from '../../machines/conversation-messages';
import { findBookingAddOns, findNearestSlots, type BookingRow, type BookingService, type StaffTimeClaim } from '../booking';
import { buildBookingFlowMessage, buildBookingFlowTemplate, completeBookingFlow, issueFlowToken, type FlowCompletion } from '../flows';
import { addJobInTransaction, removeJobInTransaction } from '../jobs';
import type { Clock } from '../platform/clock';
import type { Prisma } from '../platform/database';
import { isDomainError } from '../platform/errors';
import { localDayRange, toLocalDate, type Slot } from '../scheduling';
import type { MessagesRequestBody, TemplateMessageBody } from '../whatsapp';
import type { ConversationBusiness, ConversationChanges, ConversationRow, StepOutbound } from './conversation-repository';
import { notifyStaffOfHandoff } from '../reminders';
import { ensureIcsToken } from '../calendar';
import { renderMessage } from './render-message';
import { executeTakeOver } from './take-over-effect';

/** The job that delivers a system event (timeouts, release) to a conversation. */
export const CONVERSATION_EVENT_TASK = 'conversation_event';

/** Payload of the conversation_event job. */
export interface ConversationEventPayload {
  businessId: string;
  customerId: string;
  event: { type: 'SESSION_TIMED_OUT' | 'HANDOFF_RELEASED' | 'HANDOFF_TIMED_OUT' | 'STAFF_TAKE_OVER' };
  /** For timeouts: the deadline the job was armed for; a later re-arm makes this job stale. */
  deadline?: string;
}

/** Job keys: re-arming a timer replaces its pending job instead of adding another. */
export const inactivityJobKey = (conversationId: string) => `inactivity:${conversationId}`;
/** Job key of the hand-off timeout. */
export const handoffJobKey = (conversationId: string) => `handoff:${conversationId}`;

/** How the booking Flow is sent (a subset of AppConfig['flows']); no bookingFlowId → the list path. */
export interface FlowSendingOptions {
  bookingFlowId: string | undefined;
  tokenTtlMinutes: number;
  /** Approved template with a FLOW button, queued as the fallback outside the 24-hour window. */
  templateName: string | undefined;
  templateLanguage: string;
}

/** Everything an effect may touch during one step. */
export interface EffectContext {
  tx: Prisma.TransactionClient;
  clock: Clock;
  bookings: BookingService;
  business: ConversationBusiness;
  /** `username` (WhatsApp username) greets a customer who shared no profile name. */
  customer: { id: string; waId: string; name?: string | null; username?: string | null };
  conversation: ConversationRow;
  /** Booking Flow settings; absent → no Flow is sent. */
  flows?: FlowSendingOptions;
  /** Public base URL of this server (PUBLIC_BASE_URL), for "Add to calendar" links; absent → no link. */
  publicBaseUrl?: string;
  /** Conversation columns to write at the end of the step (handoff, timers). */
  conversationChanges: ConversationChanges;
  /** Messages to the customer, written when the step closes (one statement), in this order. */
  outbound: StepOutbound[];
  /** The WhatsApp message being answered, for reply context. */
  replyTo?: string;
  /** Whether the step runs SERIALIZABLE; booking changes require it (see SerializableStepRequired). */
  isSerializable: boolean;
}

/**
 * Thrown when an effect changes bookings or holds inside a step that runs READ COMMITTED: the
 * step is rolled back and run again, SERIALIZABLE. Most steps only read (lists, menus), and
 * serializable transactions over the job queue and outbox abort each other under load.
 */
export class SerializableStepRequired extends Error {
  override readonly name = 'SerializableStepRequired';
  constructor(
    readonly effectType: string,
    /** The staff time the effect books, when known: the serializable step queues for it first. */
    readonly claim?: StaffTimeClaim,
  ) {
    super(`effect ${effectType} changes bookings and needs a SERIALIZABLE step`);
  }
}

/** The staff time a booking-changing effect is about to book (undefined when it books none or the input is unreadable). */
function toStaffTimeClaim(businessId: string, effect: ConversationEffect): StaffTimeClaim | undefined {
  const at = (value: unknown) => {
    const start = typeof value === 'string' ? new Date(value) : undefined;
    return start && !Number.isNaN(start.getTime()) ? start : undefined;
  };
  if (effect.type === 'confirmBooking') {
    const start = at(effect.params.start);
    return start && { businessId, serviceIdOrUid: effect.params.serviceId, staffId: staffFilter(effect.params.staffId), start };
  }
  if (effect.type === 'rescheduleBooking') {
    const start = at(effect.params.start);
    return start && { businessId, bookingIdOrUid: effect.params.bookingId, staffId: staffFilter(effect.params.staffId), start };
  }
  if (effect.type === 'completeFlow') {
    const { service_id: serviceId, staff_id: staffId, slot_start: slotStart } = effect.params.response;
    const start = at(slotStart);
    return start && typeof serviceId === 'string' && typeof staffId === 'string' ? { businessId, serviceIdOrUid: serviceId, staffId: staffFilter(staffId), start } : undefined;
  }
  return undefined;
}

/** Effects whose correctness rests on the booking core's serializable re-check. */
const BOOKING_CHANGING_EFFECTS = new Set(['confirmBooking', 'holdSlot', 'rescheduleBooking', 'cancelBooking', 'confirmPendingBooking', 'completeFlow']);


/**
 * Queues a message to the step's customer, from the business's number. It is written when the
 * step closes, in the step's transaction, so all of a step's messages cost one statement.
 */
export function queueForCustomer(
  ctx: Pick<EffectContext, 'outbound'>,
  kind: 'reply' | 'read_receipt',
  payload: MessagesRequestBody,
  fallbackPayload?: TemplateMessageBody,
): void {
  ctx.outbound.push({ kind, payload, ...(fallbackPayload ? { fallbackPayload } : {}) });
}

/** Runs one effect; returns the answer event to feed back to the machine, if any. */
export async function executeEffect(ctx: EffectContext, effect: ConversationEffect): Promise<AnswerEvent | undefined> {
  const { tx, business, customer } = ctx;
  const bookings = ctx.bookings.inTransaction(tx);
  const actor = `customer:${customer.id}`;
  if (!ctx.isSerializable && BOOKING_CHANGING_EFFECTS.has(effect.type)) throw new SerializableStepRequired(effect.type, toStaffTimeClaim(business.id, effect));
  try {
    switch (effect.type) {
      case 'reply': {
        const descriptor = await fillOpeningHours(tx, business.id, effect.params.message);
        const payload = renderMessage({ descriptor, locale: effect.params.locale, to: customer.waId, timeZone: business.timeZone });
        queueForCustomer(ctx, 'reply', payload);
        return undefined;
      }
      case 'loadServices': {
        const services = await tx.service.findMany({
          // An add-on is booked with its services (in the Flow), never alone.
          where: { businessId: business.id, isActive: true, staff: { some: { staff: { isActive: true } } }, addOnOf: { none: {} } },
          orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }],
          take: 10,
        });
        return {
          type: 'SERVICES_LOADED',
          services: services.map((s) => ({ id: s.id, name: s.name, ...namesOf(s.names), durationMinutes: s.durationMinutes, price: s.price.toFixed(2), currency: s.currency })),
        };
      }
      case 'loadStaff': {
        const staff = await tx.staff.findMany({
          where: { businessId: business.id, isActive: true, services: { some: { serviceId: effect.params.serviceId } } },
          orderBy: { name: 'asc' },
          take: 9,
        });
        return { type: 'STAFF_LOADED', staff: staff.map((s) => ({ id: s.id, name: s.name, ...namesOf(s.names) })) };
      }
      case 'loadDays': {
        const { slots } = await bookings.findSlots({
          businessId: business.id,
          serviceId: effect.params.serviceId,
          staffId: staffFilter(effect.params.staffId),
          exceptCustomerId: customer.id,
        });
        // Every day of the booking window with a free time, one page at a time.
        const all = [...new Set(slots.map((slot) => slot.localDate))];
        const offset = effect.params.page * DAYS_PAGE_SIZE;
        const dates = all.slice(offset, offset + DAYS_PAGE_SIZE);
        return { type: 'DAYS_LOADED', days: dates.map((date) => ({ date })), hasMore: all.length > offset + DAYS_PAGE_SIZE };
      }
      case 'loadSlots': {
        const day = localDayRange(effect.params.date, business.timeZone);
        const { slots } = await bookings.findSlots({
          businessId: business.id,
          serviceId: effect.params.serviceId,
          staffId: staffFilter(effect.params.staffId),
          from: day.start,
          to: day.end,
          exceptCustomerId: customer.id,
        });
        const offset = effect.params.page * SLOTS_PAGE_SIZE;
        const page = slots.slice(offset, offset + SLOTS_PAGE_SIZE);
        const options = page.map((slot) => toSlotOption(slot, effect.params.staffId));
        const shown = effect.params.preferredStaffId ? await nameServingStaff(ctx, page, options, effect.params.preferredStaffId) : options;
        return { type: 'SLOTS_LOADED', slots: shown, hasMore: slots.length > offset + SLOTS_PAGE_SIZE };
      }
      case 'confirmBooking': {
        const { serviceId, staffId, start } = effect.params;
        try {
          const result = await bookings.confirmSlot({ businessId: business.id, customerId: customer.id, serviceId, staffId: staffFilter(staffId), start: new Date(start), source: 'whatsapp', actor });
          if (!result.ok) return { type: 'SLOT_TAKEN', alternatives: result.alternatives.map((slot) => toSlotOption(slot, staffId)) };
          return { type: 'BOOKING_CONFIRMED', booking: await toSummary(ctx, result.booking, { withCalendarLink: true }) };
        } catch (error) {
          if (!isSlotGone(error)) throw error;
          return slotTakenAfterAll(ctx, { serviceId, staffId, start });
        }
      }
      case 'holdSlot': {
        const { serviceId, staffId, start } = effect.params;
        try {
          const hold = await bookings.placeHold({ businessId: business.id, customerId: customer.id, serviceId, staffId: staffFilter(staffId), start: new Date(start) });
          if (!hold.ok) return { type: 'SLOT_TAKEN', alternatives: hold.alternatives.map((slot) => toSlotOption(slot, staffId)) };
          return { type: 'SLOT_HELD' };
        } catch (error) {
          if (!isSlotGone(error)) throw error;
          return slotTakenAfterAll(ctx, { serviceId, staffId, start });
        }
      }
      case 'loadAppointments': {
        const rows = await bookings.findUpcomingForCustomer({ businessId: business.id, customerId: customer.id, limit: 10 });
        const summaries: BookingSummary[] = [];
        for (const row of rows) summaries.push(await toSummary(ctx, row));
        return { type: 'APPOINTMENTS_LOADED', bookings: summaries };
      }
      case 'loadBooking': {
        const row = await tx.booking.findFirst({ where: { businessId: business.id, customerId: customer.id, OR: [{ uid: effect.params.bookingId }, ...(isUuid(effect.params.bookingId) ? [{ id: effect.params.bookingId }] : [])] } });
        if (!row) return { type: 'OPERATION_FAILED', code: 'booking_not_found' };
        return { type: 'BOOKING_LOADED', booking: await toSummary(ctx, row) };
      }
      case 'cancelBooking': {
        const owned = await findOwnedBooking(ctx, effect.params.bookingId);
        if (!owned) return { type: 'OPERATION_FAILED', code: 'booking_not_found' };
        try {
          const row = await bookings.cancel({ businessId: business.id, bookingId: owned.id, actor, enforceChangeLock: true, reason: 'Cancelled by the customer on WhatsApp' });
          return { type: 'BOOKING_CANCELLED', booking: await toSummary(ctx, row) };
        } catch (error) {
          if (isDomainError(error, 'change_locked')) return { type: 'CHANGE_LOCKED', booking: await toSummary(ctx, owned) };
          throw error;
        }
      }
      case 'rescheduleBooking': {
        const owned = await findOwnedBooking(ctx, effect.params.bookingId);
        if (!owned) return { type: 'OPERATION_FAILED', code: 'booking_not_found' };
        try {
          const result = await bookings.reschedule({
            businessId: business.id,
            bookingId: owned.id,
            start: new Date(effect.params.start),
            staffId: staffFilter(effect.params.staffId),
            actor,
            enforceChangeLock: true,
            reason: 'Rescheduled by the customer on WhatsApp',
          });
          if (!result.ok) return { type: 'SLOT_TAKEN', alternatives: result.alternatives.map((slot) => toSlotOption(slot, effect.params.staffId)) };
          return { type: 'BOOKING_RESCHEDULED', booking: await toSummary(ctx, result.booking, { withCalendarLink: true }) };
        } catch (error) {
          if (isDomainError(error, 'change_locked')) return { type: 'CHANGE_LOCKED', booking: await toSummary(ctx, owned) };
          if (isSlotGone(error)) return slotTakenAfterAll(ctx, { serviceId: owned.serviceId, staffId: effect.params.staffId, start: effect.params.start, exceptBookingId: owned.id });
          throw error;
        }
      }
      case 'confirmPendingBooking': {
        const owned = await findOwnedBooking(ctx, effect.params.bookingId);
        if (!owned) return { type: 'OPERATION_FAILED', code: 'booking_not_found' };
        const row = owned.status === 'pending' ? await bookings.applyLifecycle({ businessId: business.id, bookingId: owned.id, event: 'CONFIRM', actor }) : owned;
        return { type: 'BOOKING_CONFIRMED', booking: await toSummary(ctx, row) };
      }
      case 'startHandoff': {
        const now = ctx.clock.now();
        const deadline = new Date(now.getTime() + business.handoffTimeoutMinutes * 60_000);
        Object.assign(ctx.conversationChanges, { isHandoff: true, handoffReason: effect.params.reason, handoffAt: now, inactivityDeadline: null });
        await removeJobInTransaction(tx, inactivityJobKey(ctx.conversation.id));
        await scheduleEvent(ctx, 'HANDOFF_TIMED_OUT', deadline, handoffJobKey(ctx.conversation.id));
        await notifyStaffOfHandoff(tx, { businessId: business.id, customerId: customer.id, now });
        return undefined;
      }
      case 'takeOver':
        return executeTakeOver(ctx);
      case 'endHandoff': {
        Object.assign(ctx.conversationChanges, { isHandoff: false, handoffReason: null, handoffAt: null });
        await removeJobInTransaction(tx, handoffJobKey(ctx.conversation.id));
        return undefined;
      }
      case 'setOptOut': {
        await tx.customer.update({
          where: { id: customer.id },
          data: { isOptedOut: effect.params.isOptedOut, optedOutAt: effect.params.isOptedOut ? ctx.clock.now() : null },
        });
        return undefined;
      }
      case 'setLocale': {
        await tx.customer.update({ where: { id: customer.id }, data: { locale: effect.params.locale } });
        return undefined;
      }
      case 'armInactivityTimer': {
        const deadline = new Date(ctx.clock.now().getTime() + business.inactivityTimeoutMinutes * 60_000);
        ctx.conversationChanges.inactivityDeadline = deadline;
        await scheduleEvent(ctx, 'SESSION_TIMED_OUT', deadline, inactivityJobKey(ctx.conversation.id));
        return undefined;
      }
      case 'disarmInactivityTimer': {
        ctx.conversationChanges.inactivityDeadline = null;
        await removeJobInTransaction(tx, inactivityJobKey(ctx.conversation.id));
        return undefined;
      }
      case 'releaseHolds': {
        await bookings.releaseHold({ businessId: business.id, customerId: customer.id });
        return undefined;
      }
      case 'sendBookingFlow': {
        const flows = ctx.flows;
        if (!flows?.bookingFlowId) throw new Error('sendBookingFlow without BOOKING_FLOW_ID: the runtime told the machine a Flow is configured when none is');
        let bookingId: string | undefined;
        if (effect.params.mode === 'reschedule') {
          const owned = await findOwnedBooking(ctx, effect.params.bookingId ?? '');
          if (!owned) return { type: 'OPERATION_FAILED', code: 'booking_not_found' };
          bookingId = owned.id;
        }
        const flowToken = await issueFlowToken(tx, {
          businessId: business.id,
          customerId: customer.id,
          mode: effect.params.mode,
          ...(bookingId ? { bookingId } : {}),
          locale: effect.params.locale,
          ttlMinutes: flows.tokenTtlMinutes,
          now: ctx.clock.now(),
        });
        const payload = buildBookingFlowMessage({
          to: customer.waId,
          flowId: flows.bookingFlowId,
          flowToken,
          locale: effect.params.locale,
          businessName: business.name,
          customerName: customer.name?.trim() ? customer.name : customer.username,
          ...(effect.params.mode === 'reschedule' ? { rescheduleServiceName: effect.params.serviceName ?? '' } : {}),
        });
        // Interactive messages need the 24-hour window; outside it the sender swaps in the approved template.
        const fallbackPayload = flows.templateName
          ? buildBookingFlowTemplate({ to: customer.waId, templateName: flows.templateName, languageCode: flows.templateLanguage, flowToken })
          : undefined;
        queueForCustomer(ctx, 'reply', payload, fallbackPayload);
        return undefined;
      }
      case 'completeFlow': {
        const outcome = await completeBookingFlow({
          tx,
          bookings,
          now: ctx.clock.now(),
          businessId: business.id,
          customerId: customer.id,
          flowToken: effect.params.flowToken,
          response: effect.params.response,
        });
        return toFlowAnswer(ctx, outcome);
      }
    }
  } catch (error) {
    // A refusal the customer should hear about; anything else aborts the step (and is retried).
    if (isDomainError(error)) return { type: 'OPERATION_FAILED', code: error.code };
    throw error;
  }
}

async function toFlowAnswer(ctx: EffectContext, outcome: FlowCompletion): Promise<AnswerEvent> {
  switch (outcome.kind) {
    case 'booked':
    case 'rescheduled':
      if (outcome.isReplay) return { type: 'BOOKING_ALREADY_DONE', booking: await toSummary(ctx, outcome.booking) };
      if (outcome.kind === 'rescheduled') return { type: 'BOOKING_RESCHEDULED', booking: await toSummary(ctx, outcome.booking, { withCalendarLink: true }) };
      return { type: 'BOOKING_CONFIRMED', booking: await toSummary(ctx, outcome.booking, { withCalendarLink: true }) };
    case 'change_locked':
      return { type: 'CHANGE_LOCKED', booking: await toSummary(ctx, outcome.booking) };
    case 'rejected':
      return { type: 'FLOW_REJECTED', reason: outcome.reason };
    case 'slot_taken': {
      const service = await ctx.tx.service.findFirst({ where: { id: outcome.serviceId, businessId: ctx.business.id } });
      if (!service) return { type: 'FLOW_REJECTED', reason: 'invalid_response' };
      const moved = outcome.bookingId ? await ctx.tx.booking.findFirst({ where: { id: outcome.bookingId, businessId: ctx.business.id, customerId: ctx.customer.id } }) : null;
      return {
        type: 'FLOW_SLOT_TAKEN',
        mode: outcome.mode,
        service: { id: service.id, name: service.name, price: service.price.toFixed(2), currency: service.currency, durationMinutes: service.durationMinutes },
        staffId: outcome.staffId,
        date: toLocalDate(outcome.requestedStart, ctx.business.timeZone),
        alternatives: outcome.alternatives.map((slot) => toSlotOption(slot, outcome.staffId)),
        ...(moved ? { booking: await toSummary(ctx, moved) } : {}),
      };
    }
  }
}

// The booking core refuses a time that went by, or came within the minimum notice, while the
// customer sat on the summary (or the business changed its hours meanwhile). To the customer that
// time is simply gone, exactly like a taken one: they get the nearest free times instead of an error.
const SLOT_GONE_CODES = new Set(['slot_in_past', 'slot_too_soon', 'slot_beyond_window', 'slot_outside_hours', 'slot_not_on_step']);

function isSlotGone(error: unknown): boolean {
  return isDomainError(error) && SLOT_GONE_CODES.has(error.code);
}

async function slotTakenAfterAll(
  ctx: EffectContext,
  params: { serviceId: string; staffId: string; start: string; exceptBookingId?: string },
): Promise<AnswerEvent> {
  const alternatives = await findNearestSlots(ctx.bookings.inTransaction(ctx.tx), {
    businessId: ctx.business.id,
    customerId: ctx.customer.id,
    serviceId: params.serviceId,
    ...(staffFilter(params.staffId) ? { staffId: staffFilter(params.staffId) } : {}),
    around: new Date(params.start),
    now: ctx.clock.now(),
    ...(params.exceptBookingId ? { exceptBookingId: params.exceptBookingId } : {}),
  });
  return { type: 'SLOT_TAKEN', alternatives: alternatives.map((slot) => toSlotOption(slot, params.staffId)) };
}

async function scheduleEvent(ctx: EffectContext, type: ConversationEventPayload['event']['type'], deadline: Date, jobKey: string) {
  const payload: ConversationEventPayload = { businessId: ctx.business.id, customerId: ctx.customer.id, event: { type }, deadline: deadline.toISOString() };
  await addJobInTransaction(ctx.tx, CONVERSATION_EVENT_TASK, payload, { runAt: deadline, jobKey, maxAttempts: 25 });
}

/** A row's `names` column as option data: only the languages with a text; nothing when there are none. */
function namesOf(raw: unknown): { names?: LocalizedNames } {
  if (!raw || typeof raw !== 'object') return {};
  const names: LocalizedNames = {};
  for (const locale of LOCALES) {
    const value = (raw as Record<string, unknown>)[locale];
    if (typeof value === 'string' && value.trim()) names[locale] = value;
  }
  return Object.keys(names).length > 0 ? { names } : {};
}

/**
 * Names the staff member who would serve each "any available" time: the preferred one (a moved
 * booking keeps its staff member when free, as the booking core does), else the first free.
 */
async function nameServingStaff(ctx: EffectContext, slots: Slot[], options: SlotOption[], preferredStaffId: string): Promise<SlotOption[]> {
  const serving = slots.map((slot) => (slot.staffIds.includes(preferredStaffId) ? preferredStaffId : slot.staffIds[0]));
  const ids = [...new Set(serving.filter((id): id is string => id !== undefined))];
  const staff = await ctx.tx.staff.findMany({ where: { businessId: ctx.business.id, id: { in: ids } }, select: { id: true, name: true, names: true } });
  return options.map((option, index) => {
    const member = staff.find((s) => s.id === serving[index]);
    if (!member) return option;
    const { names } = namesOf(member.names);
    return { ...option, staffName: member.name, ...(names ? { staffNames: names } : {}) };
  });
}

/** Fills the business's opening hours into a hand-off notice (the machine does not know them). */
async function fillOpeningHours(tx: Prisma.TransactionClient, businessId: string, message: MessageDescriptor): Promise<MessageDescriptor> {
  const params = message.params;
  if (!params || !Object.values(params).some((param) => typeof param === 'object' && param.kind === 'openingHours' && !param.hours)) return message;
  const ranges = await tx.workingHours.findMany({ where: { businessId, staff: { isActive: true } }, select: { weekday: true, startMinute: true, endMinute: true } });
  const hours = toOpeningHours(ranges);
  const filled = Object.fromEntries(Object.entries(params).map(([name, param]) => [name, typeof param === 'object' && param.kind === 'openingHours' ? { ...param, hours } : param]));
  return { ...message, params: filled } as MessageDescriptor;
}

function staffFilter(staffId: string): string | undefined {
  return staffId === 'any' ? undefined : staffId;
}

function toSlotOption(slot: Slot, staffId: string): SlotOption {
  return { start: slot.start.toISOString(), staffId: staffId === 'any' ? 'any' : staffId };
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

async function findOwnedBooking(ctx: EffectContext, bookingId: string): Promise<BookingRow | null> {
  // Only the customer's own bookings: a stale or forged button id must not reach anyone else's.
  const row = await ctx.tx.booking.findFirst({
    where: { businessId: ctx.business.id, customerId: ctx.customer.id, OR: [{ uid: bookingId }, ...(isUuid(bookingId) ? [{ id: bookingId }] : [])] },
  });
  return row as BookingRow | null;
}

async function toSummary(ctx: EffectContext, row: { id: string; uid: string; serviceId: string; staffId: string; startsAt: Date; endsAt: Date; timeZone: string; price: Prisma.Decimal; currency: string; status: string }, options: { withCalendarLink?: boolean } = {}): Promise<BookingSummary> {
  // Sequential: a transaction's one connection runs one query at a time (pg deprecates overlapping them).
  const service = await ctx.tx.service.findUnique({ where: { id: row.serviceId }, select: { name: true, names: true } });
  const staff = await ctx.tx.staff.findUnique({ where: { id: row.staffId }, select: { name: true, names: true } });
  // Add-ons travel in the service's name ("Consultation + Blood test"), so every message that names the service shows them.
  const addOns = await findBookingAddOns(ctx.tx, { businessId: ctx.business.id, bookingId: row.id });
  const withAddOns = (name: string) => [name, ...addOns.map((addOn) => addOn.name)].join(' + ');
  const localServiceNames = namesOf(service?.names).names;
  const serviceNames = localServiceNames
    ? (Object.fromEntries(Object.entries(localServiceNames).map(([locale, name]) => [locale, withAddOns(name)])) as LocalizedNames)
    : undefined;
  const staffNames = namesOf(staff?.names).names;
  return {
    id: row.uid,
    serviceId: row.serviceId,
    serviceName: withAddOns(service?.name ?? ''),
    ...(serviceNames ? { serviceNames } : {}),
    staffId: row.staffId,
    staffName: staff?.name ?? '',
    ...(staffNames ? { staffNames } : {}),
    start: row.startsAt.toISOString(),
    end: row.endsAt.toISOString(),
    timeZone: row.timeZone,
    price: row.price.toFixed(2),
    currency: row.currency,
    status: row.status,
    isChangeLocked: row.startsAt.getTime() - ctx.clock.now().getTime() < ctx.business.changeLockMinutes * 60_000,
    ...(options.withCalendarLink ? await findCalendarUrl(ctx, row.id) : {}),
  };
}


async function findCalendarUrl(ctx: EffectContext, bookingId: string): Promise<{ calendarUrl?: string }> {
  if (!ctx.publicBaseUrl) return {};
  const token = await ensureIcsToken(ctx.tx, { businessId: ctx.business.id, bookingId });
  return token ? { calendarUrl: `${ctx.publicBaseUrl}/calendar/bookings/${token}.ics` } : {};
}
