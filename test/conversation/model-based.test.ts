/**
 * Model-based tests generated from machines/conversation.machine.ts with xstate/graph (what QA
 * runs with `npm run test:model`), executed end to end: signed webhooks into the real app and
 * database, the real job runner, the Graph API faked on loopback. Three sets of paths:
 * - every shortest path to every reachable model state;
 * - simple paths through booking, rescheduling and cancelling;
 * - a transition tour: walks (one fresh customer each) that together take every transition;
 * - with a booking WhatsApp Flow configured (a second app and database, machine input
 *   isFlowEnabled as the runtime builds it): the shortest path into booking.completingFlow for
 *   each of its answers, and a tour of that smaller Flow model.
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
import { findFlowToken, issueFlowToken, markFlowTokenUsed } from '../../src/flows';
import { createLogger } from '../../src/platform';
import { parseWebhookPayload, signBody, validateOutboundMessage } from '../../src/whatsapp';
import { buildWebhook, nextMondayMorning, startChannel, type ChannelHarness } from '../support/channel-harness';
import { flowCompletion, startFlowChannel } from '../flows/flow-kit';
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
  FLOW_VARIANT,
  isPersistable,
  MODEL_EVENTS,
  MODEL_INPUT,
  replayStep,
  type ModelInput,
  serializeState,
  summary,
  toStepId,
  type Snapshot,
} from './conversation-model';
import { buildTransitionTour, findShortestPath } from './transition-tour';

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
  'MORE_SLOTS', 'SLOT_CHOSEN', 'SLOT_HELD', 'CONFIRM', 'CHANGE', 'MENU_APPOINTMENTS', 'APPOINTMENTS_LOADED', 'BOOKING_CHOSEN', 'RESCHEDULE', 'CANCEL', 'CANCEL_YES', 'BACK',
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

// With a booking Flow configured (a second app on its own database): the shortest path into
// booking.completingFlow for each way out of it (confirmed, rescheduled, slot taken → alternatives,
// token used before → the first result or a refusal), then a tour over the rest of the Flow model.
const flowGraph = buildStepGraph(FLOW_VARIANT);
const isThroughCompletingFlow = (edge: (typeof flowGraph.edges)[number]) => edge.states.some((state) => state.matches({ booking: 'completingFlow' }));
const toSteps = (edges: typeof flowGraph.edges): PathStep[] => edges.map((edge) => ({ event: edge.event, answers: edge.answers, to: edge.to }));
const flowPaths = flowGraph.edges.filter(isThroughCompletingFlow).map((edge) => {
  const before = edge.from === flowGraph.start ? [] : findShortestPath(flowGraph.start, flowGraph.outgoing, (node) => node === edge.from)!;
  return { name: `${describeEdge(edge)} after ${before.length} steps`, steps: toSteps([...before, edge]) };
});
const flowTourWalks = buildTransitionTour(flowGraph.start, flowGraph.outgoing, { maxSteps: TOUR_WALK_STEPS });
const flowTour = flowTourWalks.map((walk, index) => ({ name: `flow walk ${index + 1}: ${walk.length} steps from ${describeEdge(walk[0]!)}`, steps: toSteps(walk) }));

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

/** An emergency keyword in each language (the classifier answers in the language it is written in). */
const EMERGENCY_TEXTS: Record<'en' | 'es' | 'pt', string> = { en: 'chest pain', es: 'Tengo dolor en el pecho', pt: 'Estou com dor no peito' };

// States this model cannot reach, and why (printed with the coverage, never dropped silently).
const UNREACHABLE_STATES: Record<string, string> = {};


// ---- the driver --------------------------------------------------------------------------------
describe('conversation model-based tests (xstate/graph, end to end over HTTP)', () => {
  // The world the paths run in: the demo business booking through the lists, swapped for the one
  // with a booking Flow configured while the Flow paths run.
  let db: TestDatabase;
  let demo: DemoHandles;
  let channel: Pick<ChannelHarness, 'app' | 'graph' | 'clock' | 'send' | 'settle' | 'stop'>;
  let customerCounter = 0;
  let startOfPaths: Date;
  let stepsRun = 0;
  let pathsRun = 0;
  const startedAt = Date.now();
  const coveredStates = new Set<string>();
  const coveredSteps = new Set<string>();
  const coveredFlowSteps = new Set<string>();

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
    const missingFlowSteps = flowGraph.edges.filter((edge) => !coveredFlowSteps.has(edge.id));
    const coveredAnswerEdges = new Set(graph.edges.filter((edge) => coveredSteps.has(edge.id)).flatMap((edge) => edge.answers.map((answer, i) => `${serializeState(edge.states[i]!)} ${JSON.stringify(answer)}`))).size;
    console.log(
      [
        `model-based: ${pathsRun} paths run (${shortestPaths.length} shortest, ${simplePaths.length} simple, ${tour.length} tour walks; Flow: ${flowPaths.length} into completingFlow, ${flowTour.length} tour walks), ${stepsRun} customer steps, ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
        `states covered: ${STATE_IDS.length - missingStates.length}/${STATE_IDS.length}` + (missingStates.length > 0 ? ` (missing: ${missingStates.join(', ')})` : ''),
        `transitions covered: ${graph.edges.length - missingSteps.length} of ${graph.edges.length} customer steps (persistable state + event + answers)` +
          (missingSteps.length > 0 ? `; missing:\n  ${missingSteps.map(describeEdge).join('\n  ')}` : ''),
        `  (state, event) pairs: ${coveredPairs.size} of ${pairs.size}; answer edges of waiting states: ${coveredAnswerEdges} of ${answerEdges}; model states: ${graph.nodes.size} persistable`,
        `Flow model transitions covered: ${flowGraph.edges.length - missingFlowSteps.length} of ${flowGraph.edges.length} customer steps (${flowGraph.edges.filter(isThroughCompletingFlow).length} through completingFlow); model states: ${flowGraph.nodes.size} persistable` +
          (missingFlowSteps.length > 0 ? `; missing:\n  ${missingFlowSteps.map(describeEdge).join('\n  ')}` : ''),
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
    /** The completed booking Flow this step sends (token and form answer), arranged by `arrange`. */
    flowReply?: { token: string; answer: Record<string, unknown> };
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
    if (event.type === 'FLOW_COMPLETED' && event.flowToken && first) world.flowReply = await arrangeFlowReply(world, event.flowToken, first);
    if (event.type === 'CONFIRM' && first?.type === 'SLOT_TAKEN') {
      // The customer's hold ran out while they read the summary, and someone else booked the time
      // with every staff member (while the hold lasts, nobody else can).
      await db.prisma.slotHold.deleteMany({ where: { customerId: world.customerId! } });
      const context = await readContext(world);
      const [other] = await demo.createCustomers(1, `3469${String(customerCounter).padStart(3, '0')}`);
      for (const staffId of [demo.staff.ana, demo.staff.ben, demo.staff.carla]) {
        const result = await bookingService()
          .confirmSlot({ businessId: demo.businessId, customerId: other!, serviceId: context.service!.id, staffId, start: new Date(context.slot!.start), source: 'api', actor: 'test' })
          .catch(() => undefined);
        if (result?.ok) world.blockers.push(result.booking.uid);
      }
    }
    if (event.type === 'SLOT_CHOSEN' && first?.type === 'SLOT_TAKEN') {
      // Someone else books the time the customer is about to tap, with every staff member, before the hold.
      const context = await readContext(world);
      const tapped = pickRow(world, 'slot:', 0);
      const start = tapped.slice('slot:'.length, tapped.lastIndexOf('|'));
      const [other] = await demo.createCustomers(1, `3468${String(customerCounter).padStart(3, '0')}`);
      for (const staffId of [demo.staff.ana, demo.staff.ben, demo.staff.carla]) {
        const result = await bookingService()
          .confirmSlot({ businessId: demo.businessId, customerId: other!, serviceId: context.service!.id, staffId, start: new Date(start), source: 'api', actor: 'test' })
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

  /**
   * The token and form answer of a completed booking Flow that comes to `outcome`: a token the chat
   * was sent (issued as the runtime does), a free time of Ana's, or one another customer just took;
   * for T_USED a token completed before (with a booking, or with a time that was gone).
   */
  async function arrangeFlowReply(world: PathWorld, symbol: string, outcome: ConversationEvent): Promise<{ token: string; answer: Record<string, unknown> }> {
    await ensureCustomer(world);
    const now = channel.clock.now();
    const issue = (mode: 'book' | 'reschedule', bookingId?: string) =>
      issueFlowToken(db.prisma, { businessId: demo.businessId, customerId: world.customerId!, mode, ...(bookingId ? { bookingId } : {}), locale: 'en', ttlMinutes: 60, now });
    const markUsed = async (token: string, resultBookingId: string | null) =>
      markFlowTokenUsed(db.prisma, { tokenId: (await findFlowToken(db.prisma, token))!.id, now, resultBookingId });
    const { slots } = await bookingService().findSlots({ businessId: demo.businessId, serviceId: demo.services.consultation, staffId: demo.staff.ana });
    const answerAt = (start: Date) => ({ flow: 'booking', service_id: demo.services.consultation, staff_id: demo.staff.ana, slot_start: start.toISOString() });
    if (symbol === 'T_USED') {
      const token = await issue('book');
      // Completed before: with a booking (sent again, it answers with that booking) or with a time that was gone.
      const booked = outcome.type === 'BOOKING_ALREADY_DONE' ? await createBooking(world, 'upcoming') : undefined;
      await markUsed(token, booked ? (await db.prisma.booking.findUniqueOrThrow({ where: { uid: booked } })).id : null);
      return { token, answer: answerAt(slots[0]!.start) };
    }
    switch (outcome.type) {
      case 'BOOKING_RESCHEDULED': {
        const uid = await createBooking(world, 'upcoming');
        const booking = await db.prisma.booking.findUniqueOrThrow({ where: { uid } });
        return { token: await issue('reschedule', booking.id), answer: answerAt(slots[0]!.start) };
      }
      case 'FLOW_SLOT_TAKEN': {
        // Another customer books the time the form holds while the customer is on its last screen.
        const [other] = await demo.createCustomers(1, `3469${String(customerCounter).padStart(3, '0')}`);
        const taken = await bookingService().confirmSlot({ businessId: demo.businessId, customerId: other!, serviceId: demo.services.consultation, staffId: demo.staff.ana, start: slots[0]!.start, source: 'api', actor: 'test' });
        if (!taken.ok) throw new Error('could not take the form\'s time');
        world.blockers.push(taken.booking.uid);
        return { token: await issue('book'), answer: answerAt(slots[0]!.start) };
      }
      default:
        return { token: await issue('book'), answer: answerAt(slots[0]!.start) };
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
        return model.matches({ booking: 'choosingDay' }) && model.context.offered.dates?.includes(event.date) ? pickRow(world, 'day:', 0) : toReplyId({ type: 'DAY_CHOSEN', date: '2030-01-07' });
      case 'SLOT_CHOSEN':
        // The model's alternatives never hold T1: the customer taps a time from an older list (T1 lies in 2030).
        return model.matches({ booking: 'choosingSlot' }) && model.context.offered.slots?.some((slot) => slot.start === event.start) ? pickRow(world, 'slot:', 0) : toReplyId(event);
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
      // Spanish that names no option on any list ("consulta" would pick the Consultation row, in Spanish "Consulta").
      case 'TEXT_UNRECOGNIZED': await text(event.detectedLocale === 'es' ? 'cuánto cuesta aparcar aquí' : 'qwerty zxcv plonk'); return;
      case 'MENU_BOOK':
        if (event.locale === 'es') await text('Hola, quiero una cita');
        else await reply(toRealReply(world, event, model));
        return;
      case 'UNSUPPORTED_MESSAGE': await post(world, { type: 'image', image: { id: 'media-1', mime_type: 'image/jpeg' } }); return;
      case 'REACTION_RECEIVED': await post(world, { type: 'reaction', reaction: { message_id: 'wamid.any', emoji: '👍' } }); return;
      // The card WhatsApp sends when the customer taps our request_contact_info button.
      case 'CONTACT_SHARED': await post(world, { type: 'contacts', contacts: [{ origin: 'contact_request', name: { formatted_name: 'Model' }, phones: [{ phone: `+${world.from}`, wa_id: world.from, type: 'CELL' }] }] }); return;
      case 'INTENT_HANDOFF': await text('human please'); return;
      // The keyword gives its language away: without one in the model's event, the conversation's own.
      case 'INTENT_EMERGENCY': await text(EMERGENCY_TEXTS[event.locale ?? model.context.locale]); return;
      case 'INTENT_OPT_OUT': await text('STOP'); return;
      case 'INTENT_OPT_IN': await text('START'); return;
      case 'INTENT_LANGUAGE': await text('português'); return;
      case 'FLOW_COMPLETED':
        // Our booking form, as `arrange` filled it; else another Flow's answer (no flow token of ours): nothing to book.
        if (event.flowToken) await post(world, flowCompletion(world.flowReply!.token, world.flowReply!.answer));
        else await post(world, { type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"screen":"SURVEY"}' } } });
        return;
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
      case 'STAFF_TAKE_OVER':
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

  async function runPath(steps: PathStep[], variant: { input: ModelInput; covered: Set<string> } = { input: MODEL_INPUT, covered: coveredSteps }): Promise<void> {
    customerCounter += 1;
    pathsRun += 1;
    const world: PathWorld = { from: `3469900${String(customerCounter).padStart(4, '0')}`, bookingUids: {}, blockers: [] };
    // Every path starts at the same instant: time moved on by a long walk must not empty the day.
    channel.clock.set(startOfPaths);
    let [model] = initialTransition(conversationMachine, variant.input);
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
          replies: replayed.replies.map((reply, i) => {
            if ('flow' in reply) return sent[i] && kindOf(sent[i]!) === 'interactive.flow' ? describeMessage(sent[i]!) : `interactive.flow: (${reply.flow})`;
            const { message, locale } = reply;
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
        variant.covered.add(toStepId(source, step.event, step.answers));
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

  describe('with a booking WhatsApp Flow configured (BOOKING_FLOW_ID)', () => {
    let listWorld: { db: TestDatabase; demo: DemoHandles; channel: typeof channel };
    const flowVariant = { input: FLOW_VARIANT.input, covered: coveredFlowSteps };

    beforeAll(async () => {
      listWorld = { db, demo, channel };
      db = await createTestDatabase({ poolSize: 15 });
      demo = await setupDemo(db.prisma);
      channel = await startFlowChannel(db, nextMondayMorning());
      startOfPaths = channel.clock.now();
      await db.prisma.business.update({ where: { id: demo.businessId }, data: { floodMessagesPerMinute: 1000 } });
    });
    afterAll(async () => {
      await channel.stop();
      await db.drop();
      ({ db, demo, channel } = listWorld);
    });

    it('the Flow model reaches completingFlow with every answer it can give', () => {
      expect(new Set(flowGraph.edges.filter(isThroughCompletingFlow).map((edge) => edge.answers[0]!.type))).toEqual(
        new Set(['BOOKING_CONFIRMED', 'BOOKING_ALREADY_DONE', 'BOOKING_RESCHEDULED', 'FLOW_SLOT_TAKEN', 'FLOW_REJECTED']),
      );
      const tourIds = new Set(flowTourWalks.flat().map((edge) => edge.id));
      expect(flowGraph.edges.filter((edge) => !tourIds.has(edge.id)).map(describeEdge)).toEqual([]);
    });

    describe('shortest paths into and out of booking.completingFlow', () => {
      it.each(flowPaths.map((path) => [path.name, path] as const))('%s', async (_name, path) => {
        await runPath(path.steps, flowVariant);
      });
    });

    describe('transition tour of the Flow model', () => {
      it.each(flowTour.map((walk) => [walk.name, walk] as const))('%s', async (_name, walk) => {
        await runPath(walk.steps, flowVariant);
      });
    });
  });
});
