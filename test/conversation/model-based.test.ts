/**
 * Model-based tests generated from machines/conversation.machine.ts with xstate/graph (what QA
 * runs with `npm run test:model`). Every shortest path to every reachable state, plus simple
 * paths through booking, rescheduling and cancelling, is executed end to end: signed webhooks
 * into the real app and database, the Graph API faked on loopback. After every step the persisted
 * conversation state must equal the model's, and every message sent must be valid under Meta's limits.
 *
 * The model's events carry symbolic payloads (S_CONS, D1, T1, B_UP…). Answer events that depend on
 * the world (a slot taken, no appointments, a booking in the change-lock window) are made true by
 * arranging the database just before the customer event that triggers them; `filterEvents` keeps
 * the traversal to answers the real system can give.
 */
import request from 'supertest';
import { transition, type SnapshotFrom } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { toReplyId, type ReplyEvent } from '../../machines/conversation-events';
import type { BookingSummary, ConversationEvent, ServiceOption, SlotOption, StaffOption } from '../../machines/conversation-types';
import { conversationMachine } from '../../machines/conversation.machine';
import { createBookingService } from '../../src/booking';
import { deliverSystemEvent } from '../../src/conversation';
import { createLogger } from '../../src/platform';
import { parseWebhookPayload, signBody, validateOutboundMessage } from '../../src/whatsapp';
import { buildWebhook, startChannel, type ChannelHarness } from '../support/channel-harness';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

type Snapshot = SnapshotFrom<typeof conversationMachine>;
type Msg = Record<string, any>;

// ---- the symbolic world the model talks about -------------------------------------------------
const S_CONS: ServiceOption = { id: 'S_CONS', name: 'Consultation', durationMinutes: 30, price: '60.00', currency: 'EUR' };
const S_PHYSIO: ServiceOption = { id: 'S_PHYSIO', name: 'Physiotherapy session', durationMinutes: 45, price: '50.00', currency: 'EUR' };
const STAFF_OF: Record<string, StaffOption[]> = {
  S_CONS: [{ id: 'ANA', name: 'Dr. Ana García' }, { id: 'BEN', name: 'Dr. Ben Okafor' }],
  S_PHYSIO: [{ id: 'CARLA', name: 'Carla Ruiz' }],
};
// Symbolic times are still ISO instants (the machine compares them as times); the driver always
// taps the first time the real list offers.
const SLOTS: SlotOption[] = Array.from({ length: 9 }, (_, i) => ({ start: new Date(Date.UTC(2030, 0, 7, 8, 15 * i)).toISOString(), staffId: 'any' }));
const T1 = SLOTS[0]!.start;
const summary = (id: string, overrides: Partial<BookingSummary> = {}): BookingSummary => ({
  id, serviceId: 'S_CONS', serviceName: 'Consultation', staffName: 'Dr. Ana García', start: T1, end: T1, timeZone: 'Europe/Madrid',
  price: '60.00', currency: 'EUR', status: 'confirmed', isChangeLocked: false, ...overrides,
});
const B_UP = summary('B_UP');
const B_LOCKED = summary('B_LOCKED', { isChangeLocked: true });
const B_CANCELLED = summary('B_CANCELLED', { status: 'cancelled' });

const MODEL_EVENTS: ConversationEvent[] = [
  { type: 'MENU_BOOK' }, { type: 'MENU_APPOINTMENTS' }, { type: 'MENU_TALK' },
  { type: 'SERVICE_CHOSEN', serviceId: 'S_CONS' }, { type: 'SERVICE_CHOSEN', serviceId: 'S_PHYSIO' },
  { type: 'STAFF_CHOSEN', staffId: 'any' }, { type: 'STAFF_CHOSEN', staffId: 'ANA' },
  { type: 'DAY_CHOSEN', date: 'D1' },
  { type: 'SLOT_CHOSEN', start: T1, staffId: 'any' },
  { type: 'MORE_SLOTS' }, { type: 'CONFIRM' }, { type: 'CHANGE' },
  { type: 'BOOKING_CHOSEN', bookingId: 'B_UP' }, { type: 'BOOKING_CHOSEN', bookingId: 'B_LOCKED' },
  { type: 'RESCHEDULE' }, { type: 'CANCEL' }, { type: 'BACK' }, { type: 'CANCEL_YES' }, { type: 'CANCEL_KEEP' },
  { type: 'REMINDER_CONFIRM', bookingId: 'B_UP' }, { type: 'REMINDER_RESCHEDULE', bookingId: 'B_UP' }, { type: 'REMINDER_CANCEL', bookingId: 'B_UP' },
  { type: 'GREETING' }, { type: 'TEXT_UNRECOGNIZED' }, { type: 'UNSUPPORTED_MESSAGE' }, { type: 'REACTION_RECEIVED' },
  { type: 'INTENT_HANDOFF' }, { type: 'INTENT_EMERGENCY' }, { type: 'INTENT_OPT_OUT' }, { type: 'INTENT_OPT_IN' },
  { type: 'INTENT_LANGUAGE', locale: 'pt' },
  { type: 'SESSION_TIMED_OUT' }, { type: 'HANDOFF_RELEASED' }, { type: 'HANDOFF_TIMED_OUT' },
  // Answers, as the real demo business gives them.
  { type: 'SERVICES_LOADED', services: [S_CONS, S_PHYSIO] },
  { type: 'STAFF_LOADED', staff: STAFF_OF.S_CONS! }, { type: 'STAFF_LOADED', staff: STAFF_OF.S_PHYSIO! },
  { type: 'DAYS_LOADED', days: [{ date: 'D1' }, { date: 'D2' }] },
  { type: 'SLOTS_LOADED', slots: SLOTS, hasMore: true },
  { type: 'BOOKING_CONFIRMED', booking: summary('B_NEW') },
  { type: 'SLOT_TAKEN', alternatives: SLOTS.slice(1, 4) },
  { type: 'APPOINTMENTS_LOADED', bookings: [B_UP, B_LOCKED] }, { type: 'APPOINTMENTS_LOADED', bookings: [] },
  { type: 'BOOKING_LOADED', booking: B_UP }, { type: 'BOOKING_LOADED', booking: B_LOCKED }, { type: 'BOOKING_LOADED', booking: B_CANCELLED },
  { type: 'BOOKING_CANCELLED', booking: B_UP }, { type: 'BOOKING_RESCHEDULED', booking: B_UP },
  { type: 'CHANGE_LOCKED', booking: B_LOCKED },
  { type: 'OPERATION_FAILED', code: 'invalid_transition' },
];

// Waiting states live only inside one processing step (the runtime answers before it commits),
// so nothing else can arrive in them, and a path ending in one is covered by longer paths.
const TRANSIENT = /"(loading\w*|completing\w*|confirming|rescheduling|cancelling|confirmingAttendance)"/;

const ANSWER_TYPES = new Set([
  'SERVICES_LOADED', 'STAFF_LOADED', 'DAYS_LOADED', 'SLOTS_LOADED', 'BOOKING_CONFIRMED', 'SLOT_TAKEN', 'APPOINTMENTS_LOADED',
  'BOOKING_LOADED', 'BOOKING_CANCELLED', 'BOOKING_RESCHEDULED', 'CHANGE_LOCKED', 'OPERATION_FAILED',
]);

/** Keeps the traversal to answers the real system gives in that situation. */
function isRealistic(snapshot: Snapshot, event: ConversationEvent): boolean {
  const { context } = snapshot;
  // While the machine waits for an answer the runtime is still inside the same step: nothing else can arrive.
  const isWaiting = TRANSIENT.test(JSON.stringify(snapshot.value));
  if (isWaiting !== ANSWER_TYPES.has(event.type)) return false;
  switch (event.type) {
    case 'STAFF_LOADED':
      return JSON.stringify(event.staff) === JSON.stringify(STAFF_OF[context.service?.id ?? ''] ?? null);
    case 'BOOKING_CONFIRMED':
      // Confirming an attendance from a reminder answers with that booking; a new booking otherwise.
      return true;
    case 'BOOKING_CANCELLED':
      return context.booking?.id === 'B_UP';
    case 'CHANGE_LOCKED':
      return context.booking?.id === 'B_LOCKED';
    case 'BOOKING_RESCHEDULED':
      return context.booking?.id === 'B_UP';
    case 'OPERATION_FAILED':
      // Made true by cancelling the chosen booking behind the customer's back.
      return context.booking?.id === 'B_UP';
    case 'SLOT_TAKEN':
      return context.mode === 'book';
    default:
      return true;
  }
}

function serializeState(snapshot: Snapshot): string {
  const { context } = snapshot;
  const isBooking = snapshot.matches('booking');
  return JSON.stringify({
    value: snapshot.value,
    mode: isBooking ? context.mode : null,
    service: isBooking ? (context.service?.id ?? null) : null,
    hasStaffChoice: isBooking && context.hasStaffChoice,
    booking: snapshot.matches('managing') ? (context.booking?.id ?? null) : null,
    reminderIntent: snapshot.matches('managing') ? (context.reminderIntent ?? null) : null,
  });
}

const INPUT = { businessName: 'Demo Clinic', locale: 'en' as const };
const model = createTestModel(conversationMachine, {
  events: MODEL_EVENTS,
  serializeState: (s: unknown) => serializeState(s as Snapshot),
  filterEvents: (s: unknown, e: unknown) => isRealistic(s as Snapshot, e as ConversationEvent),
} as never);

const isPersistable = (state: Snapshot) => !TRANSIENT.test(JSON.stringify(state.value));
const describePath = (path: { steps: Array<{ event: { type: string } }>; state: unknown }) =>
  `${JSON.stringify((path.state as Snapshot).value)} via ${path.steps.map((step) => step.event.type).filter((type) => !type.startsWith('xstate.')).join(' → ') || '(start)'}`;
const shortestPaths = model
  .getShortestPaths({ input: INPUT, allowDuplicatePaths: true } as never)
  .filter((path) => isPersistable(path.state as Snapshot));
// Simple paths through booking, rescheduling and cancelling, on a focused model (the full event
// set makes simple paths explode): each ends in the step that commits the change, and the
// runtime's answer (BOOKING_CONFIRMED / _RESCHEDULED / _CANCELLED) is appended to the path.
const FOCUSED_TYPES = new Set([
  'MENU_BOOK', 'SERVICES_LOADED', 'SERVICE_CHOSEN', 'STAFF_LOADED', 'STAFF_CHOSEN', 'DAYS_LOADED', 'DAY_CHOSEN', 'SLOTS_LOADED',
  'MORE_SLOTS', 'SLOT_CHOSEN', 'CONFIRM', 'CHANGE', 'MENU_APPOINTMENTS', 'APPOINTMENTS_LOADED', 'BOOKING_CHOSEN', 'RESCHEDULE', 'CANCEL', 'CANCEL_YES', 'BACK',
]);
const focusedModel = createTestModel(conversationMachine, {
  events: MODEL_EVENTS.filter((event) => FOCUSED_TYPES.has(event.type) && !(event.type === 'APPOINTMENTS_LOADED' && event.bookings.length === 0) && !(event.type === 'BOOKING_CHOSEN' && event.bookingId === 'B_LOCKED')),
  serializeState: (s: unknown) => serializeState(s as Snapshot),
  // Event types left out of `events` would otherwise be tried as bare { type } objects.
  filterEvents: (s: unknown, e: unknown) => FOCUSED_TYPES.has((e as ConversationEvent).type) && isRealistic(s as Snapshot, e as ConversationEvent),
} as never);
const COMMITS: Array<{ state: string; answer: ConversationEvent }> = [
  { state: 'confirming', answer: { type: 'BOOKING_CONFIRMED', booking: summary('B_NEW') } },
  { state: 'rescheduling', answer: { type: 'BOOKING_RESCHEDULED', booking: B_UP } },
  { state: 'cancelling', answer: { type: 'BOOKING_CANCELLED', booking: B_UP } },
];
const simplePaths = COMMITS.flatMap(({ state, answer }) =>
  focusedModel
    .getSimplePaths({ input: INPUT, toState: (s: Snapshot) => JSON.stringify(s.value).includes(`"${state}"`), limit: 200000 } as never)
    .sort((a, b) => a.steps.length - b.steps.length)
    .filter((path, index, all) => index < 4 || path.steps.length === all[all.length - 1]!.steps.length)
    .slice(0, 5)
    .map((path) => {
      const [after] = transition(conversationMachine, path.state as Snapshot, answer);
      return { ...path, state: after, steps: [...path.steps, { event: answer, state: after }] };
    }),
);

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

/** Every (leaf state, event type) pair the machine handles, counting handlers inherited from parents. */
function countTransitions(): number {
  let total = 0;
  const walk = (node: { states: Record<string, any>; ownEvents?: string[] }, inherited: Set<string>) => {
    const events = new Set([...inherited, ...((node.ownEvents ?? []) as string[]).filter((type) => type !== '*' && !type.startsWith('xstate.'))]);
    const children = Object.values(node.states);
    if (children.length === 0) total += events.size;
    for (const child of children) walk(child, events);
  };
  walk(conversationMachine.root as never, new Set());
  return total;
}

// ---- the driver --------------------------------------------------------------------------------
describe('conversation model-based tests (xstate/graph, end to end over HTTP)', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let channel: ChannelHarness;
  let customerCounter = 0;
  const coveredStates = new Set<string>();
  const coveredTransitions = new Set<string>();

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 15 });
    demo = await setupDemo(db.prisma);
    channel = await startChannel(db);
  });
  afterAll(async () => {
    await channel.stop();
    await db.drop();
    const leafStates = STATE_IDS;
    console.log(
      [
        `model-based: ${shortestPaths.length} shortest paths + ${simplePaths.length} simple paths run`,
        `states covered: ${leafStates.filter((id) => coveredStates.has(id)).length}/${leafStates.length}` +
          (leafStates.some((id) => !coveredStates.has(id)) ? ` (missing: ${leafStates.filter((id) => !coveredStates.has(id)).join(', ')})` : ''),
        `transitions covered: ${coveredTransitions.size} of ${countTransitions()} (state, event type) pairs the machine defines`,
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
    lastReplies?: string[];
  }

  const post = async (world: PathWorld, message: Record<string, unknown>): Promise<Msg[]> => {
    const replies = await channel.send(world.from, message);
    for (const reply of replies) expect(validateOutboundMessage(reply)).toEqual([]);
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
      // Paths run one after another and clean up after themselves; vary the time anyway.
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

  /** Makes the world match the answer the model expects next. */
  async function arrange(world: PathWorld, event: ConversationEvent, next: ConversationEvent | undefined): Promise<void> {
    if (event.type === 'MENU_APPOINTMENTS' && next?.type === 'APPOINTMENTS_LOADED') {
      await ensureCustomer(world);
      await db.prisma.booking.updateMany({ where: { customerId: world.customerId, status: { in: ['pending', 'confirmed'] } }, data: { status: 'cancelled' } });
      if (next.bookings.length > 0) {
        world.bookingUids.B_UP = await createBooking(world, 'upcoming');
        world.bookingUids.B_LOCKED = await createBooking(world, 'locked');
      }
    }
    if (event.type.startsWith('REMINDER_') && next?.type === 'BOOKING_LOADED') {
      const symbol = next.booking.id;
      const uid = await createBooking(world, symbol === 'B_LOCKED' ? 'locked' : 'upcoming');
      if (symbol === 'B_CANCELLED') await db.prisma.booking.update({ where: { uid }, data: { status: 'cancelled' } });
      world.bookingUids.B_UP = uid;
    }
    if (event.type === 'REMINDER_CONFIRM' && next?.type === 'BOOKING_CONFIRMED') world.bookingUids.B_UP = await createBooking(world, 'upcoming');
    if (event.type === 'CONFIRM' && next?.type === 'SLOT_TAKEN') {
      // Someone else books the chosen time with every staff member first.
      const snapshotRow = await db.prisma.conversation.findFirstOrThrow({ where: { customer: { waId: world.from } } });
      const context = (snapshotRow.snapshot as { context: { slot?: { start: string }; service?: { id: string } } }).context;
      const others = await demo.createCustomers(3, `3469${String(customerCounter).padStart(3, '0')}`);
      for (const staffId of [demo.staff.ana, demo.staff.ben, demo.staff.carla]) {
        await bookingService().confirmSlot({ businessId: demo.businessId, customerId: others[0]!, serviceId: context.service!.id, staffId, start: new Date(context.slot!.start), source: 'api', actor: 'test' }).catch(() => undefined);
      }
    }
    if (event.type === 'CANCEL_YES' && next?.type === 'OPERATION_FAILED') {
      await db.prisma.booking.update({ where: { uid: world.bookingUids.B_UP! }, data: { status: 'cancelled' } });
    }
  }

  function toRealReply(world: PathWorld, event: ReplyEvent): string {
    switch (event.type) {
      case 'SERVICE_CHOSEN':
        return toReplyId({ type: 'SERVICE_CHOSEN', serviceId: realServiceId(event.serviceId) });
      case 'STAFF_CHOSEN':
        return event.staffId === 'any' ? pickRow(world, 'staff:', 0) : toReplyId({ type: 'STAFF_CHOSEN', staffId: realStaffId(event.staffId) });
      case 'DAY_CHOSEN':
        return pickRow(world, 'day:', 0);
      case 'SLOT_CHOSEN':
        return pickRow(world, 'slot:', 0);
      case 'BOOKING_CHOSEN':
      case 'REMINDER_CONFIRM':
      case 'REMINDER_RESCHEDULE':
      case 'REMINDER_CANCEL':
        return toReplyId({ ...event, bookingId: world.bookingUids[event.bookingId] ?? event.bookingId });
      default:
        return toReplyId(event);
    }
  }

  async function drive(world: PathWorld, event: ConversationEvent): Promise<void> {
    const reply = (id: string) => post(world, { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id, title: 'x' } } });
    const text = (body: string) => post(world, { type: 'text', text: { body } });
    await ensureCustomer(world);
    switch (event.type) {
      case 'GREETING': await text('hi'); return;
      case 'TEXT_UNRECOGNIZED': await text('qwerty zxcv plonk'); return;
      case 'UNSUPPORTED_MESSAGE': await post(world, { type: 'image', image: { id: 'media-1', mime_type: 'image/jpeg' } }); return;
      case 'REACTION_RECEIVED': await post(world, { type: 'reaction', reaction: { message_id: 'wamid.any', emoji: '👍' } }); return;
      case 'INTENT_HANDOFF': await text('human please'); return;
      case 'INTENT_EMERGENCY': await text('chest pain'); return;
      case 'INTENT_OPT_OUT': await text('STOP'); return;
      case 'INTENT_OPT_IN': await text('START'); return;
      case 'INTENT_LANGUAGE': await text('português'); return;
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
        await reply(toRealReply(world, event as ReplyEvent));
    }
  }

  async function runPath(path: { steps: Array<{ event: unknown; state: unknown }> }): Promise<void> {
    customerCounter += 1;
    const world: PathWorld = { from: `3469900${String(customerCounter).padStart(4, '0')}`, bookingUids: {} };
    const steps = path.steps.map((step) => ({ event: step.event as ConversationEvent, state: step.state as Snapshot }));
    // The initial step of a path is the xstate.init pseudo-event.
    const real = steps.filter((step) => !step.event.type.startsWith('xstate.'));
    coveredStates.add('idle');
    try {
      await runSteps(world, real);
    } finally {
      // Free the staff for the next path.
      if (world.customerId) await db.prisma.booking.updateMany({ where: { customerId: world.customerId, status: { in: ['pending', 'confirmed', 'in_progress'] } }, data: { status: 'cancelled' } });
    }
  }

  async function runSteps(world: PathWorld, real: Array<{ event: ConversationEvent; state: Snapshot }>): Promise<void> {
    for (let i = 0; i < real.length; i += 1) {
      const { event } = real[i]!;
      if (ANSWER_TYPES.has(event.type)) continue;
      // The machine is quiet after the answers that follow this event.
      let settledAt = i;
      while (real[settledAt + 1] && ANSWER_TYPES.has(real[settledAt + 1]!.event.type)) settledAt += 1;
      await arrange(world, event, real[i + 1]?.event);
      const before = channel.graph.messages().length;
      await drive(world, event);
      world.lastReplies = channel.graph.messages().slice(before).filter((m) => m.to === world.from).map((m: Msg) => (m.text?.body ?? m.interactive?.body?.text ?? m.type) as string);
      const expected = real[settledAt]!.state;
      const row = await db.prisma.conversation.findFirstOrThrow({ where: { customer: { waId: world.from } } });
      expect({ step: i, event: event.type, state: JSON.parse(row.stateValue), replies: world.lastReplies }).toEqual({ step: i, event: event.type, state: expected.value, replies: world.lastReplies });
      if (JSON.stringify(JSON.parse(row.stateValue)) !== JSON.stringify(expected.value)) throw new Error(`bot said: ${JSON.stringify(world.lastReplies)}`);
      for (let k = i; k <= settledAt; k += 1) {
        coveredTransitions.add(`${JSON.stringify(k === 0 ? 'idle' : real[k - 1]!.state.value)}:${real[k]!.event.type}`);
        const value = real[k]!.state.value;
        coveredStates.add(typeof value === 'string' ? value : Object.entries(value).map(([a, b]) => `${a}.${String(b)}`)[0]!);
        if (typeof value !== 'string') coveredStates.add(Object.keys(value)[0]!);
      }
    }
  }

  it('generates paths to every persistable state and through every committing step', () => {
    const reached = new Set(shortestPaths.map((path) => JSON.stringify((path.state as Snapshot).value)));
    const persistable = STATE_IDS.filter((id) => !['booking', 'managing'].includes(id)).map((id) => {
      const [parent, child] = id.split('.');
      return JSON.stringify(child ? { [parent!]: child } : parent);
    }).filter((value) => !TRANSIENT.test(value));
    expect(persistable.filter((value) => !reached.has(value))).toEqual([]);
    expect(simplePaths.length).toBeGreaterThanOrEqual(6);
  });

  describe('shortest paths', () => {
    it.each(shortestPaths.map((path) => [describePath(path), path] as const))('%s', async (_description, path) => {
      await runPath(path);
    });
  });

  describe('simple paths through booking, rescheduling and cancelling', () => {
    it.each(simplePaths.map((path) => [describePath(path), path] as const))('%s', async (_description, path) => {
      await runPath(path);
    });
  });

  it('a customer never receives an invalid message and the webhook stays signed', async () => {
    const body = buildWebhook('34699999999', { type: 'text', text: { body: 'hi' } });
    expect(parseWebhookPayload(JSON.parse(body)).ok).toBe(true);
    const res = await request(channel.app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody('wrong', body)).send(body);
    expect(res.status).toBe(401);
  });
});
