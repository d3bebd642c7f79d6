/**
 * The test model of the conversation machine that the HTTP model-based tests walk: the symbolic
 * world (services S_CONS/S_PHYSIO, bookings B_UP/B_LOCKED…), the events the traversal tries, which
 * answers the real runtime can give in a situation (`isRealistic`), and the graph of customer
 * steps built from xstate/graph's adjacency map.
 *
 * One customer step = one processing step of the runtime: a customer or system event from a
 * persistable state, followed by the answer events (SERVICES_LOADED, BOOKING_CONFIRMED…) the
 * runtime feeds back inside the same step, ending in the next persistable state.
 */
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { createTestModel } from 'xstate/graph';
import type { BookingSummary, ConversationEvent, Locale, MessageDescriptor, ServiceOption, SlotOption, StaffOption } from '../../machines/conversation-types';
import { conversationMachine, toConversationEffects } from '../../machines/conversation.machine';

/** A snapshot of the conversation machine. */
export type Snapshot = SnapshotFrom<typeof conversationMachine>;

// ---- the symbolic world the model talks about -------------------------------------------------
const S_CONS: ServiceOption = { id: 'S_CONS', name: 'Consultation', durationMinutes: 30, price: '60.00', currency: 'EUR' };
const S_PHYSIO: ServiceOption = { id: 'S_PHYSIO', name: 'Physiotherapy session', durationMinutes: 45, price: '50.00', currency: 'EUR' };
/** Staff per symbolic service, as the demo business has them. */
export const STAFF_OF: Record<string, StaffOption[]> = {
  S_CONS: [{ id: 'ANA', name: 'Dr. Ana García' }, { id: 'BEN', name: 'Dr. Ben Okafor' }],
  S_PHYSIO: [{ id: 'CARLA', name: 'Carla Ruiz' }],
};
// Symbolic times are still ISO instants (the machine compares them as times); the driver always
// taps the first time the real list offers.
const SLOTS: SlotOption[] = Array.from({ length: 9 }, (_, i) => ({ start: new Date(Date.UTC(2030, 0, 7, 8, 15 * i)).toISOString(), staffId: 'any' }));
const T1 = SLOTS[0]!.start;
/** A symbolic booking summary (B_UP upcoming, B_LOCKED inside the change lock, B_CANCELLED closed). */
export const summary = (id: string, overrides: Partial<BookingSummary> = {}): BookingSummary => ({
  id, serviceId: 'S_CONS', serviceName: 'Consultation', staffName: 'Dr. Ana García', start: T1, end: T1, timeZone: 'Europe/Madrid',
  price: '60.00', currency: 'EUR', status: 'confirmed', isChangeLocked: false, ...overrides,
});
const B_UP = summary('B_UP');
const B_LOCKED = summary('B_LOCKED', { isChangeLocked: true });
const B_CANCELLED = summary('B_CANCELLED', { status: 'cancelled' });
/** Business name of the demo business (the model renders texts with it). */
export const MODEL_INPUT = { businessName: 'Demo Clinic', locale: 'en' as const };
/** The machine's input with a booking WhatsApp Flow configured (BOOKING_FLOW_ID set), as the runtime builds it. */
export const FLOW_MODEL_INPUT = { ...MODEL_INPUT, isFlowEnabled: true };
/** Input of the conversation machine as the model gives it. */
export type ModelInput = typeof MODEL_INPUT & { isFlowEnabled?: boolean };

/** Every event the traversal tries (the concrete payloads of each type), answers included. */
export const MODEL_EVENTS: ConversationEvent[] = [
  { type: 'MENU_BOOK' }, { type: 'MENU_APPOINTMENTS' }, { type: 'MENU_TALK' },
  { type: 'SERVICE_CHOSEN', serviceId: 'S_CONS' }, { type: 'SERVICE_CHOSEN', serviceId: 'S_PHYSIO' },
  { type: 'STAFF_CHOSEN', staffId: 'any' }, { type: 'STAFF_CHOSEN', staffId: 'ANA' },
  { type: 'DAY_CHOSEN', date: 'D1' },
  { type: 'SLOT_CHOSEN', start: T1, staffId: 'any' },
  { type: 'MORE_SLOTS' }, { type: 'MORE_DAYS' }, { type: 'EARLIER_DAYS' }, { type: 'CONFIRM' }, { type: 'CHANGE' },
  { type: 'BOOKING_CHOSEN', bookingId: 'B_UP' }, { type: 'BOOKING_CHOSEN', bookingId: 'B_LOCKED' },
  { type: 'RESCHEDULE' }, { type: 'CANCEL' }, { type: 'BACK' }, { type: 'CANCEL_YES' }, { type: 'CANCEL_KEEP' },
  { type: 'REMINDER_CONFIRM', bookingId: 'B_UP' }, { type: 'REMINDER_RESCHEDULE', bookingId: 'B_UP' }, { type: 'REMINDER_CANCEL', bookingId: 'B_UP' },
  { type: 'GREETING', isMenuKeyword: true }, { type: 'TEXT_UNRECOGNIZED' }, { type: 'UNSUPPORTED_MESSAGE' }, { type: 'REACTION_RECEIVED' }, { type: 'CONTACT_SHARED' },
  { type: 'INTENT_HANDOFF' }, { type: 'INTENT_EMERGENCY' }, { type: 'INTENT_OPT_OUT' }, { type: 'INTENT_OPT_IN' },
  // Free text that gives its language away: a Spanish question, a Spanish emergency, "Hola, quiero una cita".
  { type: 'TEXT_UNRECOGNIZED', detectedLocale: 'es' }, { type: 'INTENT_EMERGENCY', locale: 'es' }, { type: 'MENU_BOOK', locale: 'es' },
  // The way back from a hand-off ("menu" asks first).
  { type: 'HANDOFF_LEAVE' }, { type: 'HANDOFF_STAY' },
  { type: 'INTENT_LANGUAGE', locale: 'pt' },
  // A Flow reply that is not our booking form (no flow token): the demo business has no booking Flow.
  { type: 'FLOW_COMPLETED', response: {} },
  { type: 'SESSION_TIMED_OUT' }, { type: 'HANDOFF_RELEASED' }, { type: 'HANDOFF_TIMED_OUT' },
  // Answers, as the real demo business gives them.
  { type: 'SERVICES_LOADED', services: [S_CONS, S_PHYSIO] },
  { type: 'STAFF_LOADED', staff: STAFF_OF.S_CONS! }, { type: 'STAFF_LOADED', staff: STAFF_OF.S_PHYSIO! },
  // The demo's 60-day window always has more than one page of days.
  { type: 'DAYS_LOADED', days: [{ date: 'D1' }, { date: 'D2' }], hasMore: true },
  { type: 'SLOTS_LOADED', slots: SLOTS, hasMore: true },
  { type: 'BOOKING_CONFIRMED', booking: summary('B_NEW') },
  { type: 'SLOT_TAKEN', alternatives: SLOTS.slice(1, 4) },
  { type: 'SLOT_HELD' },
  { type: 'APPOINTMENTS_LOADED', bookings: [B_UP, B_LOCKED] }, { type: 'APPOINTMENTS_LOADED', bookings: [] },
  { type: 'BOOKING_LOADED', booking: B_UP }, { type: 'BOOKING_LOADED', booking: B_LOCKED }, { type: 'BOOKING_LOADED', booking: B_CANCELLED },
  { type: 'BOOKING_CANCELLED', booking: B_UP }, { type: 'BOOKING_RESCHEDULED', booking: B_UP },
  { type: 'CHANGE_LOCKED', booking: B_LOCKED },
  { type: 'OPERATION_FAILED', code: 'invalid_transition' },
];

/**
 * The events of the Flow model: the form sent instead of the lists, its completion with a token
 * (T_NEW: one not completed yet; T_USED: completed before, sent again), and the list path the
 * runtime falls back to when the form's time is gone.
 */
export const FLOW_MODEL_EVENTS: ConversationEvent[] = [
  { type: 'MENU_BOOK' },
  { type: 'FLOW_COMPLETED', flowToken: 'T_NEW', response: { flow: 'booking' } },
  { type: 'FLOW_COMPLETED', flowToken: 'T_USED', response: { flow: 'booking' } },
  { type: 'SLOT_CHOSEN', start: SLOTS[1]!.start, staffId: 'ANA' },
  { type: 'CONFIRM' },
  // Answers.
  { type: 'SLOT_HELD' },
  { type: 'BOOKING_CONFIRMED', booking: summary('B_NEW') },
  { type: 'BOOKING_ALREADY_DONE', booking: summary('B_NEW') },
  { type: 'BOOKING_RESCHEDULED', booking: B_UP },
  {
    type: 'FLOW_SLOT_TAKEN', mode: 'book', staffId: 'ANA', date: 'D1', alternatives: SLOTS.slice(1, 4).map((slot) => ({ ...slot, staffId: 'ANA' })),
    service: { id: S_CONS.id, name: S_CONS.name, price: S_CONS.price, currency: S_CONS.currency, durationMinutes: S_CONS.durationMinutes },
  },
  { type: 'FLOW_REJECTED', reason: 'used' },
];

/** What a completion with this symbolic token can come to: a used token only replays its booking or is refused. */
export function isRealisticFlowAnswer(trigger: ConversationEvent, answer: ConversationEvent): boolean {
  if (trigger.type !== 'FLOW_COMPLETED') return true;
  return trigger.flowToken === 'T_USED' ? answer.type === 'BOOKING_ALREADY_DONE' || answer.type === 'FLOW_REJECTED' : answer.type !== 'FLOW_REJECTED' && answer.type !== 'BOOKING_ALREADY_DONE';
}

// Waiting states live only inside one processing step (the runtime answers before it commits),
// so nothing else can arrive in them.
const TRANSIENT = /"(loading\w*|completing\w*|holding\w*|confirming|rescheduling|cancelling|confirmingAttendance)"/;

/** The runtime's answers to effects: they arrive only inside the step that asked for them. */
export const ANSWER_TYPES = new Set([
  'SERVICES_LOADED', 'STAFF_LOADED', 'DAYS_LOADED', 'SLOTS_LOADED', 'BOOKING_CONFIRMED', 'SLOT_TAKEN', 'SLOT_HELD', 'BOOKING_ALREADY_DONE', 'APPOINTMENTS_LOADED',
  'BOOKING_LOADED', 'BOOKING_CANCELLED', 'BOOKING_RESCHEDULED', 'CHANGE_LOCKED', 'OPERATION_FAILED', 'FLOW_SLOT_TAKEN', 'FLOW_REJECTED',
]);
/** The answers to a completed booking Flow (booking.completingFlow). */
const FLOW_ANSWER_TYPES = new Set(['BOOKING_CONFIRMED', 'BOOKING_ALREADY_DONE', 'BOOKING_RESCHEDULED', 'FLOW_SLOT_TAKEN', 'FLOW_REJECTED', 'CHANGE_LOCKED']);

/** Whether the runtime commits in this state (false for the waiting states inside one step). */
export const isPersistable = (state: Snapshot): boolean => !TRANSIENT.test(JSON.stringify(state.value));

const isWaitingIn = (snapshot: Snapshot, names: string[]) => names.some((name) => JSON.stringify(snapshot.value).includes(`"${name}"`));

/** Keeps the traversal to answers the real system gives in that situation (the driver arranges the world to match). */
export function isRealistic(snapshot: Snapshot, event: ConversationEvent): boolean {
  const { context } = snapshot;
  // While the machine waits for an answer the runtime is still inside the same step: nothing else can arrive.
  if (isPersistable(snapshot) === ANSWER_TYPES.has(event.type)) return false;
  // The form's answer does not depend on the path in context (it is reset to the menu when the Flow is sent).
  if (isWaitingIn(snapshot, ['completingFlow'])) return FLOW_ANSWER_TYPES.has(event.type);
  switch (event.type) {
    // A follow-up's rating is answered from any step without moving it, so its answer (recorded or
    // refused) comes back in a persistable state, which this step graph cannot represent. The
    // machine's own model test walks it (machines/conversation.model.test.ts) and the runtime's
    // path is test/reminders/rating-and-staff.test.ts.
    case 'RATING_GIVEN':
    case 'RATING_RECORDED':
    case 'RATING_REFUSED':
      return false;
    case 'STAFF_LOADED':
      return JSON.stringify(event.staff) === JSON.stringify(STAFF_OF[context.service?.id ?? ''] ?? null);
    case 'BOOKING_CANCELLED':
    case 'BOOKING_RESCHEDULED':
      return context.booking?.id === 'B_UP';
    case 'CHANGE_LOCKED':
      // B_LOCKED is refused outright; B_UP is made to start within the lock while the customer decides.
      return context.booking?.id === 'B_LOCKED' || context.booking?.id === 'B_UP';
    case 'OPERATION_FAILED':
      // Cancelling or moving a booking cancelled behind the customer's back; a reminder button of a
      // booking that no longer exists. Loading lists never fails this way.
      return isWaitingIn(snapshot, ['cancelling', 'rescheduling']) ? context.booking?.id === 'B_UP' : isWaitingIn(snapshot, ['loadingBooking', 'confirmingAttendance']);
    default:
      return true;
  }
}

/** The state value plus the context that decides what the next events do and what the world must hold. */
export function serializeState(snapshot: Snapshot): string {
  const { context } = snapshot;
  const isBooking = snapshot.matches('booking');
  return JSON.stringify({
    value: snapshot.value,
    mode: isBooking ? context.mode : null,
    service: isBooking ? (context.service?.id ?? null) : null,
    hasStaffChoice: isBooking && context.hasStaffChoice,
    // An alternatives list has no "Later times" row: MORE_SLOTS there is a stale tap.
    hasMoreSlots: snapshot.matches({ booking: 'choosingSlot' }) && context.offered.hasMoreSlots === true,
    // A later page of days has an "Earlier dates" row (what page exactly does not change what comes next).
    isLaterDayPage: (snapshot.matches({ booking: 'choosingDay' }) || snapshot.matches({ booking: 'loadingDays' })) && (context.dayPage ?? 0) > 0,
    // The booking in hand matters once chosen (locked or not, what cancelling answers); the list
    // of appointments and the menu replace it, so there it would only multiply equal states.
    booking: isBooking ? (context.mode === 'reschedule' ? (context.booking?.id ?? null) : null)
      : snapshot.matches('managing') && !snapshot.matches({ managing: 'choosingBooking' }) ? (context.booking?.id ?? null) : null,
    // Read only when the reminder's booking has loaded.
    reminderIntent: snapshot.matches({ managing: 'loadingBooking' }) ? (context.reminderIntent ?? null) : null,
  });
}

const serializeEvent = (event: ConversationEvent): string => JSON.stringify(event);

/** The id of one customer step: source state, event, answers. */
export function toStepId(source: Snapshot, event: ConversationEvent, answers: ConversationEvent[]): string {
  return `${serializeState(source)} ${serializeEvent(event)} ${answers.map(serializeEvent).join(' ')}`;
}

/** Creates an xstate/graph test model of the conversation machine over `events`. */
export function createConversationModel(events: ConversationEvent[], isAllowed: (event: ConversationEvent) => boolean = () => true, input: ModelInput = MODEL_INPUT) {
  return createTestModel(conversationMachine, {
    events,
    fromState: initialTransition(conversationMachine, input)[0],
    serializeState: (s: unknown) => serializeState(s as Snapshot),
    // Event types left out of `events` would otherwise be tried as bare { type } objects.
    filterEvents: (s: unknown, e: unknown) => isAllowed(e as ConversationEvent) && isRealistic(s as Snapshot, e as ConversationEvent),
  } as never);
}

/** The full model (every event of MODEL_EVENTS). */
export const conversationModel = createConversationModel(MODEL_EVENTS);

const FLOW_EVENT_TYPES = new Set(FLOW_MODEL_EVENTS.map((event) => event.type));
/** The Flow model: the machine with a booking Flow configured, over FLOW_MODEL_EVENTS. */
export const flowConversationModel = createConversationModel(FLOW_MODEL_EVENTS, (event) => FLOW_EVENT_TYPES.has(event.type), FLOW_MODEL_INPUT);

/** Which model a step graph is built from. */
export interface ModelVariant {
  model: typeof conversationModel;
  events: ConversationEvent[];
  input: ModelInput;
  /** Whether `answer` can follow the customer event `trigger` (beyond what the state decides). */
  isRealisticAnswer?: (trigger: ConversationEvent, answer: ConversationEvent) => boolean;
}
/** The demo business, booking through the lists. */
export const LIST_VARIANT: ModelVariant = { model: conversationModel, events: MODEL_EVENTS, input: MODEL_INPUT };
/** The demo business with a booking Flow configured. */
export const FLOW_VARIANT: ModelVariant = { model: flowConversationModel, events: FLOW_MODEL_EVENTS, input: FLOW_MODEL_INPUT, isRealisticAnswer: isRealisticFlowAnswer };

/** One customer step: an event from a persistable state, the answers inside the same processing step, the state committed. */
export interface StepEdge {
  /** Unique: source state key, event and answers. */
  id: string;
  /** The (source state, event) pair this outcome belongs to. */
  pairId: string;
  from: string;
  to: string;
  source: Snapshot;
  event: ConversationEvent;
  answers: ConversationEvent[];
  /** The machine's snapshot after the event and after each answer. */
  states: Snapshot[];
  target: Snapshot;
}

/** The graph of customer steps between persistable states. */
export interface StepGraph {
  start: string;
  nodes: Map<string, Snapshot>;
  edges: StepEdge[];
  /** Outgoing edges per node key. */
  outgoing: Map<string, StepEdge[]>;
  /** Every (state, event) and (waiting state, answer) edge of xstate/graph's adjacency map reachable from the start. */
  graphEdgeCount: number;
}

/**
 * Builds the step graph from xstate/graph's adjacency map: each adjacency edge leaving a persistable
 * state is followed through the answer edges of the waiting states until the next persistable
 * state; every such outcome is one StepEdge.
 */
export function buildStepGraph(variant: ModelVariant = LIST_VARIANT): StepGraph {
  const adjacency = variant.model.getAdjacencyMap() as unknown as Record<string, { state: Snapshot; transitions: Record<string, { event: ConversationEvent; state: Snapshot }> }>;
  const nodes = new Map<string, Snapshot>();
  const edges: StepEdge[] = [];
  let graphEdgeCount = 0;
  for (const [key, { state, transitions }] of Object.entries(adjacency)) {
    graphEdgeCount += Object.keys(transitions).length;
    if (!isPersistable(state)) continue;
    nodes.set(key, state);
    for (const { event, state: next } of Object.values(transitions)) {
      const pairId = `${key} ${serializeEvent(event)}`;
      const expand = (answers: ConversationEvent[], states: Snapshot[]): void => {
        const current = states[states.length - 1]!;
        if (isPersistable(current)) {
          const to = serializeState(current);
          if (!adjacency[to]) throw new Error(`step graph: ${to} is missing from the adjacency map`);
          edges.push({ id: toStepId(state, event, answers), pairId, from: key, to, source: state, event, answers, states, target: current });
          return;
        }
        if (answers.length > 6) throw new Error(`step graph: answers do not settle after ${pairId}`);
        const candidates = variant.events.filter(
          (answer) => ANSWER_TYPES.has(answer.type) && current.can(answer) && isRealistic(current, answer) && (variant.isRealisticAnswer?.(event, answer) ?? true),
        );
        for (const answer of candidates) expand([...answers, answer], [...states, transition(conversationMachine, current, answer)[0]]);
      };
      expand([], [next]);
    }
  }
  const outgoing = new Map<string, StepEdge[]>([...nodes.keys()].map((key) => [key, []]));
  for (const edge of edges) outgoing.get(edge.from)!.push(edge);
  return { start: serializeState(initialTransition(conversationMachine, variant.input)[0]), nodes, edges, outgoing, graphEdgeCount };
}

/** A reply the machine asks for: the message and the customer's language at that moment, or the booking Flow. */
export type ExpectedReply = { message: MessageDescriptor; locale: Locale } | { flow: 'book' | 'reschedule' };

/** Replays one step on `source`: the snapshot after it and the replies the machine asks for, in order. */
export function replayStep(source: Snapshot, events: ConversationEvent[]): { snapshot: Snapshot; states: Snapshot[]; replies: ExpectedReply[] } {
  let snapshot = source;
  const replies: ExpectedReply[] = [];
  const states: Snapshot[] = [];
  for (const event of events) {
    const [next, actions] = transition(conversationMachine, snapshot, event);
    snapshot = next;
    states.push(next);
    for (const effect of toConversationEffects(actions)) {
      if (effect.type === 'reply') replies.push(effect.params);
      if (effect.type === 'sendBookingFlow') replies.push({ flow: effect.params.mode });
    }
  }
  return { snapshot, states, replies };
}

/** A short readable name of a model state: its value and the context that matters. */
export function describeState(key: string): string {
  const { value, ...rest } = JSON.parse(key) as Record<string, unknown>;
  const name = typeof value === 'string' ? value : Object.entries(value as Record<string, string>).map(([a, b]) => `${a}.${b}`)[0]!;
  const extras = Object.entries(rest).filter(([, v]) => v !== null && v !== false && v !== 'book').map(([k, v]) => (v === true ? k : String(v)));
  return extras.length > 0 ? `${name}(${extras.join(',')})` : name;
}

/** A short readable name of an event: its type and the symbolic payload. */
export function describeEvent(event: ConversationEvent): string {
  const payload = 'serviceId' in event ? event.serviceId : 'staffId' in event ? event.staffId : 'bookingId' in event ? event.bookingId
    : event.type === 'FLOW_COMPLETED' ? event.flowToken : event.type === 'APPOINTMENTS_LOADED' ? `${event.bookings.length}` : 'booking' in event ? event.booking.id : 'locale' in event ? event.locale : undefined;
  return payload === undefined ? event.type : `${event.type}(${payload})`;
}

/** "source + EVENT ⇒ ANSWERS → target". */
export function describeEdge(edge: StepEdge): string {
  const answers = edge.answers.length > 0 ? ` ⇒ ${edge.answers.map(describeEvent).join(' ⇒ ')}` : '';
  return `${describeState(edge.from)} + ${describeEvent(edge.event)}${answers} → ${describeState(edge.to)}`;
}
