import { assign, initialTransition, setup, transition, type SnapshotFrom } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { conversationMachine } from './conversation.machine';
import { MODEL_EVENTS, serializeState, TEST_INPUT } from './conversation-fixtures';
import type { ConversationEvent } from './conversation-types';
import { createPureTransitions } from './pure-transition';

type Snapshot = SnapshotFrom<typeof conversationMachine>;

/** What a caller of transition() can observe: the state, its context and every action with its params. */
function observable([snapshot, actions]: [Snapshot, ReadonlyArray<{ type: string; params?: unknown }>]) {
  return {
    value: snapshot.value,
    status: snapshot.status,
    context: snapshot.context,
    actions: actions.map((action) => ({ type: action.type, params: action.params })),
  };
}

describe('createPureTransitions', () => {
  const pure = createPureTransitions(conversationMachine);

  it('gives the same initial snapshot and actions as XState for every input shape', () => {
    for (const input of [TEST_INPUT, { ...TEST_INPUT, customerName: 'Ana', emergencyText: 'Call 112', isFlowEnabled: true, locale: 'es' as const }]) {
      expect(observable(pure.initialTransition(input))).toEqual(observable(initialTransition(conversationMachine, input)));
    }
  });

  it('gives the same snapshots and actions as XState for every model event from every reachable state', () => {
    const model = createTestModel(conversationMachine, { events: MODEL_EVENTS, serializeState: (s) => serializeState(s as Snapshot) });
    // The states the model-based tests reach (one per state key), including flow-enabled ones.
    const reached = [TEST_INPUT, { ...TEST_INPUT, isFlowEnabled: true }].flatMap((input) =>
      model.getShortestPaths({ input, allowDuplicatePaths: true } as never).map((path) => path.state as Snapshot),
    );
    let compared = 0;
    for (const from of reached) {
      for (const event of MODEL_EVENTS as ConversationEvent[]) {
        expect(observable(pure.transition(from, event))).toEqual(observable(transition(conversationMachine, from, event)));
        compared += 1;
      }
    }
    // The conversation machine has a few dozen states: this must have walked them, not an empty list.
    expect(compared).toBeGreaterThan(20 * MODEL_EVENTS.length);
  });

  it('returns only the actions of its own call, even after a call that threw', () => {
    const [menu] = pure.initialTransition(TEST_INPUT);
    const [, first] = pure.transition(menu, { type: 'MENU_BOOK' });
    expect(() => pure.transition(undefined as never, { type: 'MENU_BOOK' })).toThrow();
    const [, again] = pure.transition(menu, { type: 'MENU_BOOK' });
    expect(again.map((action) => action.type)).toEqual(first.map((action) => action.type));
    expect(first.length).toBeGreaterThan(0);
  });

  it('refuses a machine that invokes actors or has delayed transitions, naming the states', () => {
    const impure = setup({ actors: {}, delays: {} }).createMachine({
      id: 'timed',
      initial: 'waiting',
      context: { count: 0 },
      states: {
        waiting: { after: { 1000: { target: 'done', actions: assign({ count: 1 }) } } },
        done: {},
      },
    });
    expect(() => createPureTransitions(impure)).toThrow('machine "timed" is not pure (invoke or after in: waiting)');
  });
});
