/** Booking and slot data as the machine reads it, shared by the effects that answer with bookings. */
import { LOCALES, type AnswerEvent, type BookingSummary, type LocalizedNames, type SlotOption } from '../../../machines/conversation-types';
import { findBookingAddOns, findNearestSlots } from '../../booking';
import { ensureIcsToken } from '../../calendar';
import type { Prisma } from '../../platform/database';
import { isDomainError } from '../../platform/errors';
import type { Slot } from '../../scheduling';
import { findSummaryNames } from '../effect-repository';
import type { EffectContext } from './effect-context';

/** The booking core's staff filter: 'any' means none. */
export function staffFilter(staffId: string): string | undefined {
  return staffId === 'any' ? undefined : staffId;
}

/** A slot as an option of the machine, keeping the customer's staff choice ('any' stays 'any'). */
export function toSlotOption(slot: Slot, staffId: string): SlotOption {
  return { start: slot.start.toISOString(), staffId: staffId === 'any' ? 'any' : staffId };
}

/** The audit actor of the step's customer. */
export const customerActor = (ctx: EffectContext) => `customer:${ctx.customer.id}`;

/** A row's `names` column as option data: only the languages with a text; nothing when there are none. */
export function namesOf(raw: unknown): { names?: LocalizedNames } {
  if (!raw || typeof raw !== 'object') return {};
  const names: LocalizedNames = {};
  for (const locale of LOCALES) {
    const value = (raw as Record<string, unknown>)[locale];
    if (typeof value === 'string' && value.trim()) names[locale] = value;
  }
  return Object.keys(names).length > 0 ? { names } : {};
}

// The booking core refuses a time that went by, or came within the minimum notice, while the
// customer sat on the summary (or the business changed its hours meanwhile). To the customer that
// time is simply gone, exactly like a taken one: they get the nearest free times instead of an error.
const SLOT_GONE_CODES = new Set(['slot_in_past', 'slot_too_soon', 'slot_beyond_window', 'slot_outside_hours', 'slot_not_on_step']);

/** Whether the booking core refused a time because it is no longer bookable. */
export function isSlotGone(error: unknown): boolean {
  return isDomainError(error) && SLOT_GONE_CODES.has(error.code);
}

/** SLOT_TAKEN with the nearest free times around the one that is gone. */
export async function slotTakenAfterAll(ctx: EffectContext, params: { serviceId: string; staffId: string; start: string; exceptBookingId?: string }): Promise<AnswerEvent> {
  const staffId = staffFilter(params.staffId);
  const alternatives = await findNearestSlots(ctx.bookings.inTransaction(ctx.tx), {
    businessId: ctx.business.id,
    customerId: ctx.customer.id,
    serviceId: params.serviceId,
    ...(staffId ? { staffId } : {}),
    around: new Date(params.start),
    now: ctx.clock.now(),
    ...(params.exceptBookingId ? { exceptBookingId: params.exceptBookingId } : {}),
  });
  return { type: 'SLOT_TAKEN', alternatives: alternatives.map((slot) => toSlotOption(slot, params.staffId)) };
}

/** The booking columns a summary reads. */
export type SummarizedBooking = { id: string; uid: string; serviceId: string; staffId: string; startsAt: Date; endsAt: Date; timeZone: string; price: Prisma.Decimal; currency: string; status: string };

/** A booking as the machine shows it; `withCalendarLink` adds the "Add to calendar" link when PUBLIC_BASE_URL is set. */
export async function toSummary(ctx: EffectContext, row: SummarizedBooking, options: { withCalendarLink?: boolean } = {}): Promise<BookingSummary> {
  const { service, staff } = await findSummaryNames(ctx.tx, row);
  // Add-ons travel in the service's name ("Consultation + Blood test"), so every message that names the service shows them.
  const addOns = await findBookingAddOns(ctx.tx, { businessId: ctx.business.id, bookingId: row.id });
  const withAddOns = (name: string) => [name, ...addOns.map((addOn) => addOn.name)].join(' + ');
  const localServiceNames = namesOf(service?.names).names;
  const serviceNames = localServiceNames ? (Object.fromEntries(Object.entries(localServiceNames).map(([locale, name]) => [locale, withAddOns(name)])) as LocalizedNames) : undefined;
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
