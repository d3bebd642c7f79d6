/**
 * Routing checks of Flow JSON: the explicit `routing_model` of endpoint Flows, or the graph
 * Meta derives from `navigate` actions when there is none (Error codes: INVALID_ROUTING_MODEL).
 */
import { MAX_ROUTING_BRANCHES } from './flow-json-limits';
import type { FlowJsonViolation } from './flow-json-violation';
import { isJsonObject } from './flow-json-walk';

/** A navigate action found on a screen. */
export type NavigateEdge = { from: string; to: string; path: string };

type Edges = Map<string, Set<string>>;

/** Checks routing_model (when present) or the navigate graph; returns the violations found. */
export function checkRouting({
  routingModel,
  screenIds,
  navigateEdges,
}: {
  routingModel: unknown;
  screenIds: readonly string[];
  navigateEdges: readonly NavigateEdge[];
}): FlowJsonViolation[] {
  const known = new Set(screenIds);
  const edges: Edges = new Map(screenIds.map((id) => [id, new Set<string>()]));

  if (routingModel === undefined) {
    for (const edge of navigateEdges) {
      if (known.has(edge.to) && edge.from !== edge.to) edges.get(edge.from)?.add(edge.to);
    }
    return checkGraph({ edges, screenIds, path: 'screens', source: 'navigate actions' });
  }

  if (!isJsonObject(routingModel)) {
    return [{ rule: 'routing-model', path: 'routing_model', message: 'routing_model must be an object of screen id → array of screen ids.' }];
  }
  const violations: FlowJsonViolation[] = [];
  for (const [from, targets] of Object.entries(routingModel)) violations.push(...checkRoutingEntry(from, targets, known, edges));
  violations.push(...checkNavigateIsRouted(navigateEdges, known, edges));
  violations.push(...checkEveryScreenMentioned(Object.keys(routingModel), screenIds, edges));
  violations.push(...checkBackwardRoutes(edges));
  const cycle = findCycle(edges);
  // A two-screen loop is already reported above as a backward route.
  if (cycle && cycle.length > 3) {
    violations.push({ rule: 'routing-model', path: 'routing_model', message: `Loop detected in routing_model: ${cycle.join(' → ')}.` });
  }
  const hasRoutes = [...edges.values()].some((targets) => targets.size > 0);
  if (!hasRoutes) return violations;
  return [...violations, ...checkGraph({ edges, screenIds, path: 'routing_model', source: 'routing_model' })];
}

/** Checks one `routing_model` entry and adds its valid routes to `edges`. */
function checkRoutingEntry(from: string, targets: unknown, known: ReadonlySet<string>, edges: Edges): FlowJsonViolation[] {
  const violations: FlowJsonViolation[] = [];
  const path = `routing_model.${from}`;
  if (!known.has(from)) {
    violations.push({ rule: 'routing-model', path, message: `routing_model names screen "${from}", which does not exist.` });
  }
  if (!Array.isArray(targets) || targets.some((target) => typeof target !== 'string')) {
    violations.push({ rule: 'routing-model', path, message: `routing_model.${from} must be an array of screen ids.` });
    return violations;
  }
  if (targets.length > MAX_ROUTING_BRANCHES) {
    violations.push({
      rule: 'routing-model',
      path,
      message: `Screen "${from}" has ${targets.length} routes; Meta allows at most ${MAX_ROUTING_BRANCHES}.`,
    });
  }
  targets.forEach((target: string, index) => {
    if (!known.has(target)) {
      violations.push({ rule: 'routing-model', path: `${path}[${index}]`, message: `Route target "${target}" is not a screen id.` });
    } else if (target === from) {
      violations.push({ rule: 'routing-model', path: `${path}[${index}]`, message: `Screen "${from}" routes to itself; loops are not allowed.` });
    } else if (known.has(from)) {
      edges.get(from)?.add(target);
    }
  });
  return violations;
}

/** Every navigate action between two screens needs its route in routing_model. */
function checkNavigateIsRouted(navigateEdges: readonly NavigateEdge[], known: ReadonlySet<string>, edges: Edges): FlowJsonViolation[] {
  const violations: FlowJsonViolation[] = [];
  for (const edge of navigateEdges) {
    if (known.has(edge.to) && edge.from !== edge.to && !edges.get(edge.from)?.has(edge.to)) {
      violations.push({
        rule: 'navigate-route',
        path: edge.path,
        message: `navigate from "${edge.from}" to "${edge.to}" is missing from routing_model.${edge.from}; add the route.`,
      });
    }
  }
  return violations;
}

/** With more than one screen, each must appear in routing_model as a key or a target. */
function checkEveryScreenMentioned(keys: readonly string[], screenIds: readonly string[], edges: Edges): FlowJsonViolation[] {
  if (screenIds.length <= 1) return [];
  const mentioned = new Set([...keys, ...[...edges.values()].flatMap((targets) => [...targets])]);
  const missing = screenIds.filter((id) => !mentioned.has(id));
  if (missing.length === 0) return [];
  return [{ rule: 'routing-model', path: 'routing_model', message: `Screens missing from routing_model: ${missing.join(', ')}.` }];
}

/** Reports each pair of screens that route to each other once. */
function checkBackwardRoutes(edges: Edges): FlowJsonViolation[] {
  const violations: FlowJsonViolation[] = [];
  for (const [from, targets] of edges) {
    for (const to of targets) {
      if (edges.get(to)?.has(from) && from < to) {
        violations.push({
          rule: 'routing-model',
          path: `routing_model.${from}`,
          message: `Routes ${from}→${to} and ${to}→${from} both exist; only forward routes may be listed (back is implicit).`,
        });
      }
    }
  }
  return violations;
}

function checkGraph({
  edges,
  screenIds,
  path,
  source,
}: {
  edges: Map<string, Set<string>>;
  screenIds: readonly string[];
  path: string;
  source: string;
}): FlowJsonViolation[] {
  if (screenIds.length < 2) return [];
  const inbound = new Set([...edges.values()].flatMap((targets) => [...targets]));
  const violations: FlowJsonViolation[] = [];
  if (screenIds.every((id) => inbound.has(id))) {
    violations.push({
      rule: 'connectivity',
      path,
      message: `No entry screen: every screen is the target of a route in ${source}. One screen must have no inbound route.`,
    });
  }
  const neighbours = new Map<string, Set<string>>(screenIds.map((id) => [id, new Set<string>()]));
  for (const [from, targets] of edges) {
    for (const to of targets) {
      neighbours.get(from)?.add(to);
      neighbours.get(to)?.add(from);
    }
  }
  const first = screenIds[0] as string;
  const seen = new Set<string>([first]);
  const queue = [first];
  while (queue.length > 0) {
    for (const next of neighbours.get(queue.shift() as string) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  const unreachable = screenIds.filter((id) => !seen.has(id));
  if (unreachable.length > 0) {
    violations.push({
      rule: 'connectivity',
      path,
      message: `Screens not connected to the rest through ${source}: ${unreachable.join(', ')}. Every screen must be reachable.`,
    });
  }
  return violations;
}

function findCycle(edges: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of edges.keys()) {
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return undefined;
}
