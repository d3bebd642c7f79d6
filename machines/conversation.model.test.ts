import { initialTransition, transition, type AnyStateNode, type SnapshotFrom } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { CATALOGS } from '../src/texts';
import { renderMessage } from '../src/conversation/render-message';
import { validateOutboundMessage } from '../src/whatsapp';
import { conversationMachine, toConversationEffects } from './conversation.machine';
import { isIn, MODEL_EVENTS, serializeState, TEST_INPUT, TEST_TIME_ZONE } from './conversation-fixtures';
import { LOCALES, type ConversationEvent, type MessageDescriptor } from './conversation-types';

type Snapshot = SnapshotFrom<typeof conversationMachine>;

function listStateNodes(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states).flatMap((child) => [child, ...listStateNodes(child)]);
}

const model = createTestModel(conversationMachine, { events: MODEL_EVENTS, serializeState: (s) => serializeState(s as Snapshot) });
// TestModel drops paths that are prefixes of longer ones; every state still appears as some path's step.
const paths = model.getShortestPaths({ input: TEST_INPUT } as never);
const pathsToEveryState = model.getShortestPaths({ input: TEST_INPUT, allowDuplicatePaths: true } as never);
const stateNodes = listStateNodes(conversationMachine.root);
const stateIds = stateNodes.map((node) => node.path.join('.'));

/** Replays a path's events; returns every reply descriptor produced along it. */
function collectReplies(events: ConversationEvent[]): MessageDescriptor[] {
  let [snapshot] = initialTransition(conversationMachine, TEST_INPUT);
  const messages: MessageDescriptor[] = [];
  for (const event of events) {
    const [next, actions] = transition(conversationMachine, snapshot, event);
    snapshot = next;
    for (const effect of toConversationEffects(actions)) if (effect.type === 'reply') messages.push(effect.params.message);
  }
  return messages;
}

describe('conversation machine model (xstate/graph)', () => {
  it('has the expected state nodes', () => {
    expect(stateIds).toEqual([
      'idle',
      'booking',
      'booking.loadingServices',
      'booking.choosingService',
      'booking.loadingStaff',
      'booking.choosingStaff',
      'booking.loadingDays',
      'booking.choosingDay',
      'booking.loadingSlots',
      'booking.choosingSlot',
      'booking.holdingSlot',
      'booking.reviewing',
      'booking.confirming',
      'booking.rescheduling',
      'booking.completingFlow',
      'managing',
      'managing.loadingAppointments',
      'managing.choosingBooking',
      'managing.choosingAction',
      'managing.confirmingCancel',
      'managing.cancelling',
      'managing.changeLocked',
      'managing.loadingBooking',
      'managing.confirmingAttendance',
      'handoff',
    ]);
  });

  it('shortest paths reach every state node', () => {
    const reached = paths.flatMap((path) => path.steps.map((step) => step.state as Snapshot));
    const unreached = stateIds.filter((id) => !reached.some((snapshot) => isIn(snapshot, id)));
    expect(unreached).toEqual([]);
    // A change to the graph shows up here as a visible diff.
    expect(paths.length).toBe(EXPECTED_PATH_COUNT);
    expect(new Set(pathsToEveryState.map((path) => serializeState(path.state as Snapshot))).size).toBe(EXPECTED_STATE_COUNT);
  });

  it('with duplicates allowed, there is one shortest path ending in each leaf state node', () => {
    const leaves = stateNodes.filter((node) => node.type === 'atomic').map((node) => node.path.join('.'));
    const unreached = leaves.filter((id) => !pathsToEveryState.some((path) => isIn(path.state as Snapshot, id)));
    expect(unreached).toEqual([]);
  });

  it('every reply on every shortest path, and of every event in every reached state, renders valid WhatsApp messages in en, es and pt', () => {
    const alongPaths = paths.flatMap((path) => collectReplies(path.steps.map((step) => step.event as ConversationEvent)));
    const fromEveryState = pathsToEveryState.flatMap((path) =>
      MODEL_EVENTS.flatMap((event) => toConversationEffects(transition(conversationMachine, path.state as Snapshot, event)[1]).flatMap((e) => (e.type === 'reply' ? [e.params.message] : []))),
    );
    const descriptors = [...alongPaths, ...fromEveryState];
    const keys = new Set(descriptors.map((d) => d.key));
    const violations = LOCALES.flatMap((locale) =>
      descriptors.flatMap((descriptor) => {
        const body = renderMessage({ descriptor, locale, to: '+34600000001', timeZone: TEST_TIME_ZONE });
        return validateOutboundMessage(body).map((v) => `${locale} ${descriptor.key}: ${v}`);
      }),
    );
    expect(violations).toEqual([]);
    // Every catalog text is sent somewhere, except the business's own emergency text (needs input)
    // and the runtime's own notices (flooding, reset after a machine update), sent outside the machine,
    // and the staff's request for a phone number (sent by staff through the API).
    expect([...Object.keys(CATALOGS.en)].filter((key) => !keys.has(key) && !USED_AS_LABELS.has(key))).toEqual([
      'contact.request',
      'emergency.custom',
      'system.floodNotice',
      'system.resetApology',
    ]);
  });

  it('each path replays to the state the model reports', () => {
    for (const path of paths) {
      let [snapshot] = initialTransition(conversationMachine, TEST_INPUT);
      for (const step of path.steps) [snapshot] = transition(conversationMachine, snapshot, step.event as ConversationEvent);
      expect(serializeState(snapshot)).toBe(serializeState(path.state as Snapshot));
    }
  });
});

describe('conversation machine model with a booking Flow configured', () => {
  const flowInput = { ...TEST_INPUT, isFlowEnabled: true };
  const flowModel = createTestModel(conversationMachine, { events: MODEL_EVENTS, serializeState: (s) => serializeState(s as Snapshot) });
  const flowPaths = flowModel.getShortestPaths({ input: flowInput, allowDuplicatePaths: true } as never);

  /** Every effect along a path, as `reply:<key>` or the effect type. */
  function collectEffects(events: ConversationEvent[]): string[] {
    let [snapshot] = initialTransition(conversationMachine, flowInput);
    const effects: string[] = [];
    for (const event of events) {
      const [next, actions] = transition(conversationMachine, snapshot, event);
      snapshot = next;
      for (const effect of toConversationEffects(actions)) effects.push(effect.type === 'reply' ? `reply:${effect.params.message.key}` : effect.type);
    }
    return effects;
  }

  it('"Book appointment" sends the form instead of the service list, in every state that answers it', () => {
    const answers = flowPaths.map((path) => toConversationEffects(transition(conversationMachine, path.state as Snapshot, { type: 'MENU_BOOK' })[1]).map((e) => e.type));
    const listPathStarts = answers.filter((types) => types.includes('loadServices')).length;
    expect(listPathStarts).toBe(0);
    expect(answers.filter((types) => types.includes('sendBookingFlow')).length).toBe(flowPaths.filter((path) => !isIn(path.state as Snapshot, 'handoff')).length);
    expect(collectEffects([{ type: 'MENU_BOOK' }])).toEqual(['sendBookingFlow']);
  });

  it('still reaches every leaf state (the lists live on after a form found its slot taken), with valid replies', () => {
    const leaves = stateNodes.filter((node) => node.type === 'atomic').map((node) => node.path.join('.'));
    const unreached = leaves.filter((id) => !flowPaths.some((path) => isIn(path.state as Snapshot, id)));
    expect(unreached).toEqual([]);
    const violations = flowPaths.flatMap((path) =>
      MODEL_EVENTS.flatMap((event) => toConversationEffects(transition(conversationMachine, path.state as Snapshot, event)[1])).flatMap((effect) =>
        effect.type === 'reply' ? validateOutboundMessage(renderMessage({ descriptor: effect.params.message, locale: 'en', to: '+34600000001', timeZone: TEST_TIME_ZONE })) : [],
      ),
    );
    expect(violations).toEqual([]);
    expect(new Set(flowPaths.map((path) => serializeState(path.state as Snapshot))).size).toBe(EXPECTED_FLOW_STATE_COUNT);
  });
});

const EXPECTED_FLOW_STATE_COUNT = 56;

/** Catalog keys used as button, row or list-button labels and param texts rather than message bodies. */
const USED_AS_LABELS = new Set([
  'book.addToCalendar', 'handoff.hoursKnown', 'handoff.hoursUnknown', 'handoff.leaveButton', 'handoff.stayButton',
  'menu.book', 'menu.appointments', 'menu.talk', 'book.servicesButton', 'book.serviceDescription', 'book.staffButton', 'book.anyStaff',
  'book.daysButton', 'book.timesButton', 'book.laterTimes', 'book.laterDates', 'book.earlierDates', 'book.slotWithStaff', 'book.confirmButton', 'book.changeButton',
  'manage.bookingsButton', 'manage.bookingRow', 'manage.rescheduleButton', 'manage.cancelButton', 'manage.backButton', 'manage.cancelYes', 'manage.cancelKeep',
]);

// Was 17: holding the slot (booking.holdingSlot) made it 16, the day pages (Later/Earlier dates, a later page loading) add 6.
const EXPECTED_PATH_COUNT = 22;
const EXPECTED_STATE_COUNT = 56;
