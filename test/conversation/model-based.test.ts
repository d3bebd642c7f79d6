/**
 * Model-based tests generated from machines/conversation.machine.ts with xstate/graph (what QA
 * runs with `npm run test:model`), executed end to end: signed webhooks into the real app and
 * database, the real job runner, the Graph API faked on loopback. Three sets of paths:
 * - every shortest path to every reachable model state;
 * - simple paths through booking, rescheduling and cancelling;
 * - a transition tour: walks (one fresh customer each) that together take every transition.
 * After every step the persisted conversation must match the model (state value, booking mode,
 * staff choice, "Later times", language, opt-out, whether the booking in hand is change-locked),
 * the customer must have received exactly the replies the machine asked for (same kind, same text
 * where the text does not depend on live data), and every message must be valid under Meta's limits.
 *
 * How transitions are counted. The model graph is xstate/graph's adjacency map of the machine
 * over MODEL_EVENTS with our `serializeState` and `filterEvents` (conversation-model.ts). Its
 * persistable states are the states the runtime commits; the waiting states (loading…,
 * confirming, cancelling…) exist only inside one processing step, where the runtime answers
 * (SERVICES_LOADED, SLOT_TAKEN…). A transition is one customer step: an adjacency edge
 * (persistable state, customer or system event) followed by one realistic sequence of answer
 * events to the next persistable state, so each answer edge is covered as part of the customer
 * event that triggers it, and each different outcome of that event (appointments or none, slot
 * taken or booked…) counts separately. The printout also gives the (state, event) pairs and the
 * raw adjacency edges (answer edges included) covered. No transition is left out: every one of
 * them can be produced over HTTP by arranging the database (see `arrange`).
 *
 * The model's events carry symbolic payloads (S_CONS, B_UP…); the driver maps them to real ids
 * and arranges the world just before the customer event whose answers depend on it.
 */
import request from 'supertest';
import { initialTransition } from 'xstate';
import { toReplyId, type ReplyEvent } from '../../machines/conversation-events';
import type { ConversationEvent, MessageDescriptor } from '../../machines/conversation-types';
import { conversationMachine } from '../../machines/conversation.machine';
import { createBookingService } from '../../src/booking';
import { deliverSystemEvent, renderText } from '../../src/conversation';
import { createLogger } from '../../src/platform';
import { parseWebhookPayload, signBody, validateOutboundMessage } from '../../src/whatsapp';
import { buildWebhook, startChannel, type ChannelHarness } from '../support/channel-harness';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import {
  ANSWER_TYPES,
  buildStepGraph,
  conversationModel,
  createConversationModel,
  describeEdge,
  describeEvent,
  describeState,
  isPersistable,
  MODEL_EVENTS,
  MODEL_INPUT,
  replayStep,
  serializeState,
  summary,
  toStepId,
  type Snapshot,
} from './conversation-model';
import { buildTransitionTour } from './transition-tour';

type Msg = Record<string, any>;

/** One customer step of a path: the event, the answers inside the same processing step. */
interface PathStep {
  event: ConversationEvent;
  answers: ConversationEvent[];
  /** For tour steps: the model state the step must end in (the tour was planned on it). */
  to?: string;
}

/** Splits an xstate/graph path into customer steps (the answers join the event that caused them). */
function toPathSteps(path: { steps: Array<{ event: unknown }> }): PathStep[] {
  const steps: PathStep[] = [];
  for (const { event } of path.steps as Array<{ event: ConversationEvent }>) {
    if (event.type.startsWith('xstate.')) continue;
    if (ANSWER_TYPES.has(event.type)) steps[steps.length - 1]!.answers.push(event);
    else steps.push({ event, answers: [] });
  }
  return steps;
}

const describeSteps = (steps: PathStep[]) =>
  steps.map((step) => [step.event, ...step.answers].map(describeEvent).join(' ⇒ ')).join(' → ') || '(start)';

const graph = buildStepGraph();
const shortestPaths = conversationModel
  .getShortestPaths({ allowDuplicatePaths: true } as never)
  .filter((path) => isPersistable(path.state as Snapshot))
  .map((path) => ({ name: `${describeState(serializeState(path.state as Snapshot))} via ${describeSteps(toPathSteps(path))}`, steps: toPathSteps(path) }));

// Simple paths through booking, rescheduling and cancelling, on a focused model (the full event
// set makes simple paths explode): each ends in the step that commits the change, and the
// runtime's answer (BOOKING_CONFIRMED / _RESCHEDULED / _CANCELLED) is appended to the path.
const FOCUSED_TYPES = new Set([
  'MENU_BOOK', 'SERVICES_LOADED', 'SERVICE_CHOSEN', 'STAFF_LOADED', 'STAFF_CHOSEN', 'DAYS_LOADED', 'DAY_CHOSEN', 'SLOTS_LOADED',
  'MORE_SLOTS', 'SLOT_CHOSEN', 'CONFIRM', 'CHANGE', 'MENU_APPOINTMENTS', 'APPOINTMENTS_LOADED', 'BOOKING_CHOSEN', 'RESCHEDULE', 'CANCEL', 'CANCEL_YES', 'BACK',
]);
const focusedModel = createConversationModel(
  MODEL_EVENTS.filter((event) => FOCUSED_TYPES.has(event.type) && !(event.type === 'APPOINTMENTS_LOADED' && event.bookings.length === 0) && !(event.type === 'BOOKING_CHOSEN' && event.bookingId === 'B_LOCKED')),
  (event) => FOCUSED_TYPES.has(event.type),
);
const COMMITS: Array<{ state: string; answer: ConversationEvent }> = [
  { state: 'confirming', answer: { type: 'BOOKING_CONFIRMED', booking: summary('B_NEW') } },
  { state: 'rescheduling', answer: { type: 'BOOKING_RESCHEDULED', booking: summary('B_UP') } },
  { state: 'cancelling', answer: { type: 'BOOKING_CANCELLED', booking: summary('B_UP') } },
];
const simplePaths = COMMITS.flatMap(({ state, answer }) =>
  focusedModel
    .getSimplePaths({ toState: (s: Snapshot) => JSON.stringify(s.value).includes(`"${state}"`), limit: 200000 } as never)
    .sort((a, b) => a.steps.length - b.steps.length)
    .filter((path, index, all) => index < 4 || path.steps.length === all[all.length - 1]!.steps.length)
    .slice(0, 5)
    .map((path) => {
      const steps = toPathSteps(path);
      steps[steps.length - 1]!.answers.push(answer);
      return { name: describeSteps(steps), steps };
    }),
);

// ≤ 70 customer steps per walk: long enough to cover a lot, short enough to read when one fails.
const TOUR_WALK_STEPS = 70;
const tour = buildTransitionTour(graph.start, graph.outgoing, { maxSteps: TOUR_WALK_STEPS }).map((walk, index) => ({
  name: `walk ${index + 1}: ${walk.length} steps from ${describeEdge(walk[0]!)}`,
  steps: walk.map((edge) => ({ event: edge.event, answers: edge.answers, to: edge.to })),
}));

const STATE_IDS = (() => {
  const ids: string[] = [];
  const walk = (node: { path: string[]; states: Record<string, any> }) => {
    for (const child of Object.values(node.states)) {
      ids.push(child.path.join('.'));
      walk(child);
    }
  };
  walk(conversationMachine.root as never);
  return ids;
})();

/** State node ids a snapshot is in ('booking' and 'booking.choosingSlot'). */
const toStateIds = (snapshot: Snapshot): string[] =>
  typeof snapshot.value === 'string' ? [snapshot.value] : Object.entries(snapshot.value).flatMap(([parent, child]) => [parent, `${parent}.${String(child)}`]);

// States this model cannot reach, and why (printed with the coverage, never dropped silently).
const UNREACHABLE_STATES: Record<string, string> = {
  'booking.completingFlow': 'only with a booking WhatsApp Flow configured; the demo business books through the lists',
};


// ---- the driver --------------------------------------------------------------------------------
describe('conversation model-based tests (xstate/graph, end to end over HTTP)', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let channel: ChannelHarness;
  let customerCounter = 0;
  let startOfPaths: Date;
  let stepsRun = 0;
  let pathsRun = 0;
  const startedAt = Date.now();
  const coveredStates = new Set<string>();
  const coveredSteps = new Set<string>();

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 15 });
    demo = await setupDemo(db.prisma);
    channel = await startChannel(db);
    startOfPaths = channel.clock.now();
    // A walk sends up to 70 messages in the same minute of the fixed clock; flood control (tested on
    // its own) would silence it. Moving the clock instead made the earliest offered time too soon.
    await db.prisma.business.update({ where: { id: demo.businessId }, data: { floodMessagesPerMinute: 1000 } });
  });
  afterAll(async () => {
    await channel.stop();
    await db.drop();
    const missingStates = STATE_IDS.filter((id) => !coveredStates.has(id)).map((id) => (UNREACHABLE_STATES[id] ? `${id} (${UNREACHABLE_STATES[id]})` : id));
    const missingSteps = graph.edges.filter((edge) => !coveredSteps.has(edge.id));
    const pairs = new Set(graph.edges.map((edge) => edge.pairId));
    const coveredPairs = new Set(graph.edges.filter((edge) => coveredSteps.has(edge.id)).map((edge) => edge.pairId));
    const answerEdges = graph.graphEdgeCount - pairs.size;
    const coveredAnswerEdges = new Set(graph.edges.filter((edge) => coveredSteps.has(edge.id)).flatMap((edge) => edge.answers.map((answer, i) => `${serializeState(edge.states[i]!)} ${JSON.stringify(answer)}`))).size;
    console.log(
      [
        `model-based: ${pathsRun} paths run (${shortestPaths.length} shortest, ${simplePaths.length} simple, ${tour.length} tour walks), ${stepsRun} customer steps, ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
        `states covered: ${STATE_IDS.length - missingStates.length}/${STATE_IDS.length}` + (missingStates.length > 0 ? ` (missing: ${missingStates.join(', ')})` : ''),
        `transitions covered: ${graph.edges.length - missingSteps.length} of ${graph.edges.length} customer steps (persistable state + event + answers)` +
          (missingSteps.length > 0 ? `; missing:\n  ${missingSteps.map(describeEdge).join('\n  ')}` : ''),
        `  (state, event) pairs: ${coveredPairs.size} of ${pairs.size}; answer edges of waiting states: ${coveredAnswerEdges} of ${answerEdges}; model states: ${graph.nodes.size} persistable`,
      ].join('\n'),
    );
  });

  const bookingService = () => createBookingService({ prisma: db.prisma, clock: channel.clock });
  const conversationDeps = () => ({ prisma: db.prisma, clock: channel.clock, logger: createLogger('silent'), bookings: bookingService() });

  interface PathWorld {
    from: string;
    customerId?: string;
    lastMessage?: Msg;
    bookingUids: Record<string, string>;
    /** Other customers' bookings made to take a slot away; freed when the path ends. */
    blockers: string[];
    /** This step taps a reminder of a booking that no longer exists. */
    isBookingGone?: boolean;
  }

  const post = async (world: PathWorld, message: Record<string, unknown>): Promise<Msg[]> => {
    const replies = await channel.send(world.from, message);
    const interactive = [...replies].reverse().find((m) => m.type === 'interactive');
    if (interactive) world.lastMessage = interactive;
    return replies;
  };

  const rowIds = (m: Msg | undefined): string[] =>
    m?.interactive?.type === 'list'
      ? m.interactive.action.sections.flatMap((s: Msg) => s.rows.map((r: Msg) => r.id as string))
      : (m?.interactive?.action?.buttons ?? []).map((b: Msg) => b.reply.id as string);

  const realServiceId = (symbol: string) => (symbol === 'S_CONS' ? demo.services.consultation : demo.services.physio);
  const realStaffId = (symbol: string) => ({ ANA: demo.staff.ana, BEN: demo.staff.ben, CARLA: demo.staff.carla })[symbol] ?? symbol;

  function pickRow(world: PathWorld, prefix: string, index = 0): string {
    const ids = rowIds(world.lastMessage).filter((id) => id.startsWith(prefix));
    const id = ids[index];
    if (!id) throw new Error(`no "${prefix}" option in the last message: ${JSON.stringify(rowIds(world.lastMessage))}`);
    return id;
  }

  async function createBooking(world: PathWorld, kind: 'upcoming' | 'locked'): Promise<string> {
    await ensureCustomer(world);
    const service = bookingService();
    if (kind === 'locked') {
      // Inside the 2-hour change lock: only an admin override can book that close.
      const start = new Date(channel.clock.now().getTime() + (30 + 15 * (customerCounter % 5)) * 60_000);
      const result = await service.confirmSlot({ businessId: demo.businessId, customerId: world.customerId!, serviceId: 'follow-up', start, source: 'admin', actor: 'test', overrideTimeSlotValidation: true });
      if (!result.ok) throw new Error('could not arrange a locked booking');
      return result.booking.uid;
    }
    const { slots } = await service.findSlots({ businessId: demo.businessId, serviceId: 'consultation' });
    for (const slot of slots.slice(20)) {
      const result = await service.confirmSlot({ businessId: demo.businessId, customerId: world.customerId!, serviceId: 'consultation', start: slot.start, source: 'api', actor: 'test' });
      if (result.ok) return result.booking.uid;
    }
    throw new Error('no free slot to arrange a booking');
  }

  async function ensureCustomer(world: PathWorld): Promise<void> {
    if (world.customerId) return;
    const customer = await db.prisma.customer.upsert({
      where: { businessId_waId: { businessId: demo.businessId, waId: world.from } },
      create: { businessId: demo.businessId, waId: world.from, name: 'Model Path' },
      update: {},
    });
    world.customerId = customer.id;
  }

  /** Cancels the customer's active bookings: the model's answer says which ones exist next. */
  async function clearBookings(world: PathWorld): Promise<void> {
    await ensureCustomer(world);
    await db.prisma.booking.updateMany({ where: { customerId: world.customerId, status: { in: ['pending', 'confirmed', 'in_progress'] } }, data: { status: 'cancelled' } });
  }

  async function readContext(world: PathWorld): Promise<{ slot?: { start: string }; service?: { id: string }; booking?: { id: string } }> {
    const row = await db.prisma.conversation.findFirstOrThrow({ where: { customer: { waId: world.from } } });
    return (row.snapshot as { context: Record<string, never> }).context;
  }

  /** Makes the world match the answers the model expects inside this step. */
  async function arrange(world: PathWorld, step: PathStep): Promise<void> {
    const { event } = step;
    const [first] = step.answers;
    world.isBookingGone = false;
    const listed = step.answers.find((answer) => answer.type === 'APPOINTMENTS_LOADED');
    if (listed?.type === 'APPOINTMENTS_LOADED') {
      await clearBookings(world);
      if (listed.bookings.length > 0) {
        world.bookingUids.B_UP = await createBooking(world, 'upcoming');
        world.bookingUids.B_LOCKED = await createBooking(world, 'locked');
      }
    }
    if (event.type.startsWith('REMINDER_')) {
      if (first?.type === 'OPERATION_FAILED') {
        world.isBookingGone = true;
      } else if (first?.type === 'BOOKING_LOADED' || first?.type === 'BOOKING_CONFIRMED') {
        const symbol = first.type === 'BOOKING_LOADED' ? first.booking.id : 'B_UP';
        await clearBookings(world);
        const uid = await createBooking(world, symbol === 'B_LOCKED' ? 'locked' : 'upcoming');
        if (symbol === 'B_CANCELLED') await db.prisma.booking.update({ where: { uid }, data: { status: 'cancelled' } });
        world.bookingUids.B_UP = uid;
      }
    }
    if (step.answers.some((answer) => answer.type === 'SLOTS_LOADED')) {
      // The model always expects a full page and more: give back the times this walk took earlier
      // (its own bookings, other customers' blockers), keeping only the booking being moved.
      const keep = (await readContext(world)).booking?.id;
      await db.prisma.booking.updateMany({
        where: { OR: [{ customerId: world.customerId!, ...(keep ? { NOT: { uid: keep } } : {}) }, { uid: { in: world.blockers } }], status: { in: ['pending', 'confirmed'] } },
        data: { status: 'cancelled' },
      });
    }
    const inHand = async () => {
      const context = await readContext(world);
      return db.prisma.booking.findFirstOrThrow({ where: { uid: context.booking!.id, customerId: world.customerId } });
    };
    if (event.type === 'CONFIRM' && first?.type === 'SLOT_TAKEN') {
      // Someone else books the chosen time with every staff member first.
      const context = await readContext(world);
      const [other] = await demo.createCustomers(1, `3469${String(customerCounter).padStart(3, '0')}`);
      for (const staffId of [demo.staff.ana, demo.staff.ben, demo.staff.carla]) {
        const result = await bookingService()
          .confirmSlot({ businessId: demo.businessId, customerId: other!, serviceId: context.service!.id, staffId, start: new Date(context.slot!.start), source: 'api', actor: 'test' })
          .catch(() => undefined);
        if (result?.ok) world.blockers.push(result.booking.uid);
      }
    }
    if ((event.type === 'CANCEL_YES' || event.type === 'CONFIRM') && first?.type === 'OPERATION_FAILED') {
      // Cancelled behind the customer's back (by the clinic) while they decided.
      const booking = await inHand();
      await db.prisma.booking.update({ where: { id: booking.id }, data: { status: 'cancelled' } });
    }
    if ((event.type === 'CANCEL_YES' || event.type === 'CONFIRM') && first?.type === 'CHANGE_LOCKED') {
      const booking = await inHand();
      if (booking.startsAt.getTime() - channel.clock.now().getTime() >= 120 * 60_000) {
        // The clinic moved the appointment to within the change lock while the customer decided.
        await db.prisma.booking.updateMany({ where: { customerId: world.customerId, status: { in: ['pending', 'confirmed'] }, NOT: { id: booking.id } }, data: { status: 'cancelled' } });
        const shift = channel.clock.now().getTime() + 60 * 60_000 - booking.startsAt.getTime();
        const moved = (at: Date) => new Date(at.getTime() + shift);
        await db.prisma.booking.update({
          where: { id: booking.id },
          data: { startsAt: moved(booking.startsAt), endsAt: moved(booking.endsAt), blockedFrom: moved(booking.blockedFrom), blockedUntil: moved(booking.blockedUntil) },
        });
      }
    }
  }

  /** The real button or row id for a symbolic tap; a stale tap where the model offers no such option. */
  function toRealReply(world: PathWorld, event: ReplyEvent, model: Snapshot): string {
    switch (event.type) {
      case 'SERVICE_CHOSEN':
        return toReplyId({ type: 'SERVICE_CHOSEN', serviceId: realServiceId(event.serviceId) });
      case 'STAFF_CHOSEN':
        return toReplyId({ type: 'STAFF_CHOSEN', staffId: realStaffId(event.staffId) });
      case 'DAY_CHOSEN':
        // Never a day of the real list when the model offers none: a tap on an old list.
        return model.context.offered.dates?.includes(event.date) ? pickRow(world, 'day:', 0) : toReplyId({ type: 'DAY_CHOSEN', date: '2030-01-07' });
      case 'SLOT_CHOSEN':
        // The model's alternatives never hold T1: the customer taps a time from an older list (T1 lies in 2030).
        return model.context.offered.slots?.some((slot) => slot.start === event.start) ? pickRow(world, 'slot:', 0) : toReplyId(event);
      case 'REMINDER_CONFIRM':
      case 'REMINDER_RESCHEDULE':
      case 'REMINDER_CANCEL':
        return toReplyId({ ...event, bookingId: world.isBookingGone ? 'bk-gone-0000' : (world.bookingUids[event.bookingId] ?? event.bookingId) });
      case 'BOOKING_CHOSEN':
        return toReplyId({ ...event, bookingId: world.bookingUids[event.bookingId] ?? event.bookingId });
      default:
        return toReplyId(event);
    }
  }

  async function drive(world: PathWorld, event: ConversationEvent, model: Snapshot): Promise<void> {
    const reply = (id: string) => post(world, { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id, title: 'x' } } });
    const text = (body: string) => post(world, { type: 'text', text: { body } });
    await ensureCustomer(world);
    switch (event.type) {
      // "menu" greets in no particular language ("hi" would also switch the chat to English).
      case 'GREETING': await text('menu'); return;
      case 'TEXT_UNRECOGNIZED': await text('qwerty zxcv plonk'); return;
      case 'UNSUPPORTED_MESSAGE': await post(world, { type: 'image', image: { id: 'media-1', mime_type: 'image/jpeg' } }); return;
      case 'REACTION_RECEIVED': await post(world, { type: 'reaction', reaction: { message_id: 'wamid.any', emoji: '👍' } }); return;
      case 'INTENT_HANDOFF': await text('human please'); return;
      case 'INTENT_EMERGENCY': await text('chest pain'); return;
      case 'INTENT_OPT_OUT': await text('STOP'); return;
      case 'INTENT_OPT_IN': await text('START'); return;
      case 'INTENT_LANGUAGE': await text('português'); return;
      // Another Flow's answer (no flow token of ours): nothing to book.
      case 'FLOW_COMPLETED': await post(world, { type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"screen":"SURVEY"}' } } }); return;
      case 'SESSION_TIMED_OUT': {
        const row = await db.prisma.conversation.findFirstOrThrow({ where: { customer: { waId: world.from } } });
        channel.clock.advanceMinutes(16);
        try {
          await deliverSystemEvent(conversationDeps(), { businessId: demo.businessId, customerId: world.customerId!, event: { type: 'SESSION_TIMED_OUT' }, deadline: row.inactivityDeadline?.toISOString() });
        } finally {
          channel.clock.advanceMinutes(-16);
        }
        await channel.settle();
        return;
      }
      case 'HANDOFF_RELEASED':
      case 'HANDOFF_TIMED_OUT':
        await deliverSystemEvent(conversationDeps(), { businessId: demo.businessId, customerId: world.customerId!, event: { type: event.type } });
        await channel.settle();
        return;
      default:
        await reply(toRealReply(world, event as ReplyEvent, model));
    }
  }

  // Texts that depend on nothing but the catalog and the business name can be compared word for word.
  const isWorldFree = (message: MessageDescriptor) =>
    Object.values(message.params ?? {}).every((param) => param === MODEL_INPUT.businessName || typeof param === 'number' || (typeof param === 'object' && param.kind === 'message'));
  const kindOf = (m: Msg) => (m.type === 'interactive' ? `interactive.${m.interactive.type}` : m.type);
  const bodyOf = (m: Msg) => (m.text?.body ?? m.interactive?.body?.text) as string | undefined;
  const describeMessage = (m: Msg) => `${kindOf(m)}: ${bodyOf(m)?.slice(0, 60)}`;

  /** What the persisted conversation must agree with the model on, besides the state value. */
  function toComparable(value: unknown, context: Record<string, any>) {
    const isChoosingSlot = JSON.stringify(value) === JSON.stringify({ booking: 'choosingSlot' });
    const isInPath = typeof value !== 'string';
    return {
      value,
      locale: context.locale,
      isOptedOut: context.isOptedOut,
      mode: isInPath ? context.mode : null,
      hasStaffChoice: isInPath ? context.hasStaffChoice : null,
      hasMoreSlots: isChoosingSlot ? context.offered?.hasMoreSlots === true : null,
      isBookingLocked: isInPath && context.booking ? context.booking.isChangeLocked : null,
    };
  }

  async function runPath(steps: PathStep[]): Promise<void> {
    customerCounter += 1;
    pathsRun += 1;
    const world: PathWorld = { from: `3469900${String(customerCounter).padStart(4, '0')}`, bookingUids: {}, blockers: [] };
    // Every path starts at the same instant: time moved on by a long walk must not empty the day.
    channel.clock.set(startOfPaths);
    let [model] = initialTransition(conversationMachine, MODEL_INPUT);
    coveredStates.add('idle');
    try {
      for (const [index, step] of steps.entries()) {
        const source = model;
        const replayed = replayStep(source, [step.event, ...step.answers]);
        model = replayed.snapshot;
        if (step.to !== undefined && serializeState(model) !== step.to) throw new Error(`the model left the planned tour: ${serializeState(model)} instead of ${step.to}`);
        await arrange(world, step);
        const before = channel.graph.messages().length;
        await drive(world, step.event, source);
        const sent = channel.graph.messages().slice(before).filter((m) => m.to === world.from) as Msg[];
        const row = await db.prisma.conversation.findFirstOrThrow({ where: { customer: { waId: world.from } } });
        const label = `step ${index + 1}: ${describeState(serializeState(source))} + ${[step.event, ...step.answers].map(describeEvent).join(' ⇒ ')}`;
        const actual = {
          step: label,
          ...toComparable(JSON.parse(row.stateValue), (row.snapshot as { context: Record<string, unknown> }).context),
          replies: sent.map(describeMessage),
        };
        const expected = {
          step: label,
          ...toComparable(model.value, model.context),
          replies: replayed.replies.map(({ message, locale }, i) => {
            const kind = { text: 'text', buttons: 'interactive.button', list: 'interactive.list' }[message.kind];
            // Live data (names, times, prices) differ from the model's symbols: there only the kind must match.
            if (isWorldFree(message)) return `${kind}: ${renderText(message.key, message.params, { locale, timeZone: 'Europe/Madrid' }).slice(0, 60)}`;
            return sent[i] && kindOf(sent[i]!) === kind ? describeMessage(sent[i]!) : `${kind}: (${message.key})`;
          }),
        };
        try {
          expect(actual).toEqual(expected);
        } catch (error) {
          throw new Error(`${label}\n${(error as Error).message}`);
        }
        for (const message of sent) expect(validateOutboundMessage(message as never)).toEqual([]);
        stepsRun += 1;
        coveredSteps.add(toStepId(source, step.event, step.answers));
        for (const state of replayed.states) for (const id of toStateIds(state)) coveredStates.add(id);
      }
    } finally {
      // Free the staff for the next path.
      if (world.customerId) await clearBookings(world);
      if (world.blockers.length > 0) await db.prisma.booking.updateMany({ where: { uid: { in: world.blockers } }, data: { status: 'cancelled' } });
    }
  }

  it('generates paths to every persistable state, through every committing step, and a tour over every transition', () => {
    const reached = new Set(shortestPaths.map((path) => path.name.split(' via ')[0]));
    expect([...graph.nodes.keys()].map(describeState).filter((state) => !reached.has(state))).toEqual([]);
    expect(simplePaths.length).toBeGreaterThanOrEqual(6);
    const tourIds = new Set(buildTransitionTour(graph.start, graph.outgoing, { maxSteps: TOUR_WALK_STEPS }).flat().map((edge) => edge.id));
    expect(graph.edges.filter((edge) => !tourIds.has(edge.id)).map(describeEdge)).toEqual([]);
  });

  describe('shortest paths', () => {
    it.each(shortestPaths.map((path) => [path.name, path] as const))('%s', async (_name, path) => {
      await runPath(path.steps);
    });
  });

  describe('simple paths through booking, rescheduling and cancelling', () => {
    it.each(simplePaths.map((path) => [path.name, path] as const))('%s', async (_name, path) => {
      await runPath(path.steps);
    });
  });

  describe('transition tour', () => {
    it.each(tour.map((walk) => [walk.name, walk] as const))('%s', async (_name, walk) => {
      await runPath(walk.steps);
    });
  });

  it('a customer never receives an invalid message and the webhook stays signed', async () => {
    const body = buildWebhook('34699999999', { type: 'text', text: { body: 'hi' } });
    expect(parseWebhookPayload(JSON.parse(body)).ok).toBe(true);
    const res = await request(channel.app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody('wrong', body)).send(body);
    expect(res.status).toBe(401);
  });
});
