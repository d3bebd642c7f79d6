/**
 * A transition tour over a directed graph: walks from the start node that together take every
 * edge at least once. Greedy: take an untaken edge from where the walk is, else go the shortest
 * way to the nearest node that still has one. Each walk starts at the start node (in the tests a
 * fresh customer) and stops after about `maxSteps` edges, so a failure names a readable path.
 */

/** The part of an edge the tour needs. */
export interface TourEdge {
  id: string;
  from: string;
  to: string;
}

/** Builds walks from `start` that take every edge reachable from it. */
export function buildTransitionTour<E extends TourEdge>(start: string, outgoing: Map<string, E[]>, options: { maxSteps: number }): E[][] {
  const untaken = new Set<string>();
  for (const edges of outgoing.values()) for (const edge of edges) untaken.add(edge.id);
  const hasUntaken = (node: string) => (outgoing.get(node) ?? []).some((edge) => untaken.has(edge.id));
  const walks: E[][] = [];
  while (untaken.size > 0) {
    const walk: E[] = [];
    let node = start;
    for (;;) {
      const choices = (outgoing.get(node) ?? []).filter((edge) => untaken.has(edge.id));
      // Loops first (they cost no detour), then an edge that leads on to more untaken edges.
      const next = choices.find((edge) => edge.to === node) ?? choices.find((edge) => hasUntaken(edge.to)) ?? choices[0];
      if (next) {
        if (walk.length >= options.maxSteps) break;
        walk.push(next);
        untaken.delete(next.id);
        node = next.to;
        continue;
      }
      const detour = findShortestPath(node, outgoing, hasUntaken);
      if (!detour || walk.length + detour.length + 1 > options.maxSteps) break;
      for (const edge of detour) {
        walk.push(edge);
        untaken.delete(edge.id);
      }
      node = detour.length > 0 ? detour[detour.length - 1]!.to : node;
    }
    if (walk.length === 0) {
      // Nothing reachable from the start is left; what remains is unreachable.
      break;
    }
    walks.push(walk);
  }
  return walks;
}

/** Breadth-first: the shortest edge sequence from `from` to a node satisfying `isGoal`. */
export function findShortestPath<E extends TourEdge>(from: string, outgoing: Map<string, E[]>, isGoal: (node: string) => boolean): E[] | undefined {
  const cameBy = new Map<string, E | null>([[from, null]]);
  const queue = [from];
  while (queue.length > 0) {
    const node = queue.shift()!;
    if (node !== from && isGoal(node)) {
      const path: E[] = [];
      for (let at = node; cameBy.get(at); at = cameBy.get(at)!.from) path.unshift(cameBy.get(at)!);
      return path;
    }
    for (const edge of outgoing.get(node) ?? []) {
      if (cameBy.has(edge.to)) continue;
      cameBy.set(edge.to, edge);
      queue.push(edge.to);
    }
  }
  return undefined;
}
