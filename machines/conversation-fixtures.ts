/**
 * Fixed data for conversation machine tests (services, staff, days, slots, bookings) and the
 * concrete event payloads the model-based tests traverse with. Test-only; fixed ISO instants.
 */
import type { SnapshotFrom } from 'xstate';
import type { conversationMachine } from './conversation.machine';
import type { BookingSummary, ConversationEvent, ConversationInput, ServiceOption, SlotOption, StaffOption } from './conversation-types';

/** Input of a new conversation in tests. */
export const TEST_INPUT: ConversationInput = { businessName: 'Clínica Sol', locale: 'en' };

/** Business zone used when rendering in tests. */
export const TEST_TIME_ZONE = 'Europe/Madrid';

/** Two services; the second has a name longer than a list row allows. */
export const SERVICES: ServiceOption[] = [
  { id: 'svc-cut', name: 'Haircut', durationMinutes: 45, price: '25.00', currency: 'EUR' },
  { id: 'svc-long', name: 'Full colour, cut, wash and styling with treatment', durationMinutes: 150, price: '120.50', currency: 'EUR' },
];

/** Two staff members. */
export const STAFF: StaffOption[] = [
  { id: 'stf-ana', name: 'Ana' },
  { id: 'stf-ben', name: 'Benedita Gonçalves da Silva Santos' },
];

/** Ten free starts on Monday 30 March 2026 from 09:00 Madrid time (CEST), every 30 minutes. */
export const SLOTS: SlotOption[] = Array.from({ length: 10 }, (_, i) => ({
  start: new Date(Date.parse('2026-03-30T07:00:00.000Z') + i * 30 * 60_000).toISOString(),
  staffId: i % 2 === 0 ? 'stf-ana' : 'stf-ben',
  staffName: i % 2 === 0 ? 'Ana' : 'Benedita Gonçalves da Silva Santos',
}));

/** The first slot (09:00 Madrid). */
export const FIRST_SLOT: SlotOption = SLOTS[0] as SlotOption;

/** Days with free slots. */
export const DAYS = [{ date: '2026-03-30' }, { date: '2026-03-31' }, { date: '2026-04-01' }];

/** A changeable upcoming booking. */
export const BOOKING: BookingSummary = {
  id: 'bk-1',
  serviceId: 'svc-cut',
  serviceName: 'Haircut',
  staffId: 'stf-ana',
  staffName: 'Ana',
  start: '2026-04-02T08:00:00.000Z',
  end: '2026-04-02T08:45:00.000Z',
  timeZone: 'Europe/Madrid',
  price: '25.00',
  currency: 'EUR',
  status: 'confirmed',
  isChangeLocked: false,
};

/** A booking inside the change-lock window. */
export const LOCKED_BOOKING: BookingSummary = { ...BOOKING, id: 'bk-2', start: '2026-03-30T15:00:00.000Z', end: '2026-03-30T15:45:00.000Z', isChangeLocked: true };

/** A booking that was already cancelled. */
export const CANCELLED_BOOKING: BookingSummary = { ...BOOKING, id: 'bk-3', status: 'cancelled' };

/** The `complete` payload of the booking Flow's SUMMARY screen, as the nfm_reply carries it. */
export const FLOW_RESPONSE: Record<string, unknown> = {
  flow: 'booking',
  service_id: 'svc-cut',
  staff_id: 'stf-ana',
  slot_start: '2026-03-30T07:00:00.000Z',
  hold_id: 'hold-1',
  customer_name: 'Maria Silva',
  note: '',
};

/** The service of FLOW_RESPONSE as an answer event carries it. */
export const FLOW_SERVICE = { id: 'svc-cut', name: 'Haircut', price: '25.00', currency: 'EUR', durationMinutes: 45 };

/** One or more concrete payloads per event type, for xstate/graph traversal. */
export const MODEL_EVENTS: ConversationEvent[] = [
  { type: 'MENU_BOOK' },
  { type: 'MENU_APPOINTMENTS' },
  { type: 'MENU_TALK' },
  { type: 'SERVICE_CHOSEN', serviceId: 'svc-cut' },
  { type: 'SERVICE_CHOSEN', serviceId: 'svc-gone' },
  { type: 'STAFF_CHOSEN', staffId: 'any' },
  { type: 'STAFF_CHOSEN', staffId: 'stf-ben' },
  { type: 'DAY_CHOSEN', date: '2026-03-30' },
  { type: 'DAY_CHOSEN', date: '2025-01-01' },
  { type: 'SLOT_CHOSEN', start: FIRST_SLOT.start, staffId: FIRST_SLOT.staffId },
  { type: 'SLOT_CHOSEN', start: '2025-01-01T10:00:00.000Z', staffId: 'stf-ana' },
  { type: 'MORE_SLOTS' },
  { type: 'MORE_DAYS' },
  { type: 'EARLIER_DAYS' },
  { type: 'CONFIRM' },
  { type: 'CHANGE' },
  { type: 'BOOKING_CHOSEN', bookingId: 'bk-1' },
  { type: 'BOOKING_CHOSEN', bookingId: 'bk-2' },
  { type: 'RESCHEDULE' },
  { type: 'CANCEL' },
  { type: 'BACK' },
  { type: 'CANCEL_YES' },
  { type: 'CANCEL_KEEP' },
  { type: 'REMINDER_CONFIRM', bookingId: 'bk-1' },
  { type: 'REMINDER_RESCHEDULE', bookingId: 'bk-1' },
  { type: 'REMINDER_CANCEL', bookingId: 'bk-1' },
  { type: 'GREETING' },
  { type: 'GREETING', locale: 'es' },
  { type: 'GREETING', isMenuKeyword: true },
  { type: 'TEXT_UNRECOGNIZED' },
  { type: 'TEXT_UNRECOGNIZED', detectedLocale: 'es' },
  { type: 'MENU_BOOK', locale: 'es' },
  { type: 'INTENT_EMERGENCY', locale: 'pt' },
  { type: 'HANDOFF_LEAVE' },
  { type: 'HANDOFF_STAY' },
  { type: 'UNSUPPORTED_MESSAGE' },
  { type: 'REACTION_RECEIVED' },
  { type: 'CONTACT_SHARED' },
  { type: 'INTENT_HANDOFF' },
  { type: 'INTENT_EMERGENCY' },
  { type: 'INTENT_OPT_OUT' },
  { type: 'INTENT_OPT_IN' },
  { type: 'INTENT_LANGUAGE', locale: 'pt' },
  { type: 'FLOW_COMPLETED', flowToken: 'ft-1', response: {} },
  { type: 'FLOW_COMPLETED', flowToken: 'ft-1', response: FLOW_RESPONSE },
  { type: 'SESSION_TIMED_OUT' },
  { type: 'HANDOFF_RELEASED' },
  { type: 'HANDOFF_TIMED_OUT' },
  { type: 'RATING_GIVEN', bookingUid: 'bk-1', rating: 4 },
  { type: 'RATING_RECORDED', rating: 4 },
  { type: 'RATING_REFUSED' },
  { type: 'SERVICES_LOADED', services: SERVICES },
  { type: 'SERVICES_LOADED', services: [] },
  { type: 'STAFF_LOADED', staff: [STAFF[0] as StaffOption] },
  { type: 'STAFF_LOADED', staff: STAFF },
  { type: 'STAFF_LOADED', staff: [] },
  { type: 'DAYS_LOADED', days: DAYS },
  { type: 'DAYS_LOADED', days: DAYS, hasMore: true },
  { type: 'DAYS_LOADED', days: [] },
  { type: 'SLOTS_LOADED', slots: SLOTS.slice(0, 9), hasMore: true },
  { type: 'SLOTS_LOADED', slots: SLOTS.slice(0, 3), hasMore: false },
  { type: 'SLOTS_LOADED', slots: [], hasMore: false },
  { type: 'BOOKING_CONFIRMED', booking: BOOKING },
  { type: 'BOOKING_ALREADY_DONE', booking: BOOKING },
  { type: 'SLOT_TAKEN', alternatives: [FIRST_SLOT, SLOTS[3] as SlotOption, { start: '2026-03-31T16:30:00.000Z', staffId: 'stf-ben', staffName: 'Benedita Gonçalves da Silva Santos' }] },
  { type: 'SLOT_TAKEN', alternatives: [] },
  { type: 'SLOT_HELD' },
  { type: 'APPOINTMENTS_LOADED', bookings: [BOOKING, LOCKED_BOOKING] },
  { type: 'APPOINTMENTS_LOADED', bookings: [] },
  { type: 'BOOKING_LOADED', booking: BOOKING },
  { type: 'BOOKING_LOADED', booking: LOCKED_BOOKING },
  { type: 'BOOKING_LOADED', booking: CANCELLED_BOOKING },
  { type: 'BOOKING_CANCELLED', booking: BOOKING },
  { type: 'BOOKING_RESCHEDULED', booking: { ...BOOKING, start: '2026-03-30T07:00:00.000Z', end: '2026-03-30T07:45:00.000Z' } },
  { type: 'CHANGE_LOCKED', booking: LOCKED_BOOKING },
  { type: 'OPERATION_FAILED', code: 'conflict' },
  { type: 'FLOW_SLOT_TAKEN', mode: 'book', service: FLOW_SERVICE, staffId: 'stf-ana', date: '2026-03-30', alternatives: [FIRST_SLOT, { start: '2026-03-31T16:30:00.000Z', staffId: 'stf-ana' }] },
  { type: 'FLOW_SLOT_TAKEN', mode: 'book', service: FLOW_SERVICE, staffId: 'stf-ana', date: '2026-03-30', alternatives: [] },
  { type: 'FLOW_SLOT_TAKEN', mode: 'reschedule', service: FLOW_SERVICE, staffId: 'stf-ana', date: '2026-03-30', booking: BOOKING, alternatives: [FIRST_SLOT] },
  { type: 'FLOW_REJECTED', reason: 'expired' },
];

type Snapshot = SnapshotFrom<typeof conversationMachine>;

/** 'booking.choosingSlot' → { booking: 'choosingSlot' } (the typed form of `matches`). */
function toStateValue(id: string): Parameters<Snapshot['matches']>[0] {
  const [parent, child] = id.split('.');
  return (child ? { [parent ?? '']: child } : parent) as Parameters<Snapshot['matches']>[0];
}

/** Whether the snapshot is in the state with that dotted id ('booking', 'booking.choosingSlot'). */
export function isIn(snapshot: Snapshot, id: string): boolean {
  return snapshot.matches(toStateValue(id));
}

/**
 * The model-based tests' state key: the state value plus the few context flags that change what
 * the next event does; everything else (option lists, names, locale) would only multiply equivalent states.
 */
export function serializeState(snapshot: Snapshot): string {
  const { context } = snapshot;
  const isBooking = isIn(snapshot, 'booking');
  return JSON.stringify({
    value: snapshot.value,
    mode: isBooking ? context.mode : null,
    hasStaffChoice: isBooking && context.hasStaffChoice,
    hasMoreSlots: isIn(snapshot, 'booking.choosingSlot') && context.offered.hasMoreSlots === true,
    hasMoreDays: isIn(snapshot, 'booking.choosingDay') && context.offered.hasMoreDays === true,
    isLaterDayPage: (isIn(snapshot, 'booking.choosingDay') || isIn(snapshot, 'booking.loadingDays')) && (context.dayPage ?? 0) > 0,
    isLocked: isIn(snapshot, 'managing.choosingAction') && context.booking?.isChangeLocked === true,
    reminderIntent: isIn(snapshot, 'managing.loadingBooking') ? (context.reminderIntent ?? null) : null,
  });
}
