/**
 * XState's `transition()` and `initialTransition()` for a pure machine, without their per-call cost.
 *
 * Each call of XState's functions builds a throwaway actor, and that actor eagerly computes the
 * machine's initial snapshot without input. For the conversation machine that throws inside its
 * context factory (caught by XState), so every call paid for an Error and a whole initial state:
 * ~36 µs of a ~4 µs transition (xstate 5.33, this VM), about a tenth of a webhook turn's worker CPU.
 *
 * Here one inert scope is built per machine and reused. That is sound only for a machine that
 * never creates actors (no `invoke`, no `after`, no spawn): nothing then registers in the scope's
 * system or is deferred on it, and its action executor only collects the call's actions.
 * `createPureTransitions` refuses a machine with `invoke` or `after`.
 */
import { createActor, type AnyActorScope, type AnyStateMachine, type EventFrom, type ExecutableActionsFrom, type InputFrom, type SnapshotFrom, type StateNode } from 'xstate';

/** `transition` and `initialTransition` of one pure machine: same arguments and results as XState's. */
export interface PureTransitions<TMachine extends AnyStateMachine> {
  /** The next snapshot and the actions to execute, as XState's `transition(machine, snapshot, event)`. */
  transition(snapshot: SnapshotFrom<TMachine>, event: EventFrom<TMachine>): [SnapshotFrom<TMachine>, Array<ExecutableActionsFrom<TMachine>>];
  /** The initial snapshot and its actions, as XState's `initialTransition(machine, input)`. */
  initialTransition(input: InputFrom<TMachine>): [SnapshotFrom<TMachine>, Array<ExecutableActionsFrom<TMachine>>];
}

/**
 * Builds the reusable-scope transitions of `machine`; throws if a state invokes actors or has
 * delayed transitions, since those would need a fresh actor system per call.
 * @example const { transition } = createPureTransitions(conversationMachine); const [next, actions] = transition(snapshot, event)
 */
export function createPureTransitions<TMachine extends AnyStateMachine>(machine: TMachine): PureTransitions<TMachine> {
  const impure = impureStatePaths(machine.root);
  if (impure.length > 0) throw new Error(`machine "${machine.id}" is not pure (invoke or after in: ${impure.join(', ')}); use XState's transition()`);
  // As XState's inert scope: an actor that is never started, no-op hooks. Created once, without
  // input, like XState's own throwaway actor (its snapshot is never read).
  const self = createActor(machine);
  let collected: unknown[] = [];
  const scope: AnyActorScope = {
    self,
    id: '',
    sessionId: '',
    system: self.system,
    logger: () => undefined,
    defer: () => undefined,
    emit: () => undefined,
    stopChild: () => undefined,
    actionExecutor: (action) => void collected.push(action),
  };
  // Each call gets a fresh list before anything can be collected; calls are synchronous, so they never interleave.
  const collect = <T>(run: () => T): [T, Array<ExecutableActionsFrom<TMachine>>] => {
    const actions: unknown[] = [];
    collected = actions;
    try {
      return [run(), actions as Array<ExecutableActionsFrom<TMachine>>];
    } finally {
      collected = [];
    }
  };
  return {
    transition: (snapshot, event) => collect(() => machine.transition(snapshot, event, scope) as SnapshotFrom<TMachine>),
    initialTransition: (input) => collect(() => machine.getInitialSnapshot(scope, input) as SnapshotFrom<TMachine>),
  };
}

function impureStatePaths(node: StateNode<any, any>): string[] {
  const own = node.invoke.length > 0 || node.after.length > 0 ? [node.path.join('.') || '(root)'] : [];
  return [...own, ...Object.values(node.states).flatMap((child) => impureStatePaths(child as StateNode<any, any>))];
}
