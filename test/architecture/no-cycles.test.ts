/**
 * Dependencies between components point one way (DESIGN.md): no import cycle between the top-level
 * folders of src/ and machines/. A type-only import counts too: it ties the two components' code together.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/**
 * Cycles known and waiting for their fix, as sorted component lists. Empty is the goal: delete an
 * entry once its cycle is gone (the test then fails if it comes back).
 */
const KNOWN_CYCLES: ReadonlyArray<readonly string[]> = [];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'generated' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The component of a file: machines, the top-level folder of src/ (files directly in src/ are the wiring, "app"), else its top folder (prisma…). */
function componentOf(path: string): string {
  const [top, second, third] = relative(ROOT, path).split('/');
  if (top !== 'src') return top!;
  return third === undefined ? 'app' : second!;
}

function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Component → the components it imports, with one file import per edge as the example. */
function componentGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'machines'))]) {
    const from = componentOf(file);
    const edges = graph.get(from) ?? new Map<string, string>();
    graph.set(from, edges);
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)[^'"`;]*?from\s+['"]([^'"]+)['"]/g)) {
      const target = resolveImport(file, match[1]!);
      const to = target && componentOf(target);
      if (to && to !== from && !edges.has(to)) edges.set(to, `${relative(ROOT, file)} → ${relative(ROOT, target)}`);
    }
  }
  return graph;
}

/** The strongly connected components with more than one member (Tarjan), each sorted. */
function findCycles(graph: Map<string, Map<string, string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const lowlinks = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    lowlinks.set(node, index);
    index += 1;
    stack.push(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!indices.has(next)) {
        visit(next);
        lowlinks.set(node, Math.min(lowlinks.get(node)!, lowlinks.get(next)!));
      } else if (stack.includes(next)) lowlinks.set(node, Math.min(lowlinks.get(node)!, indices.get(next)!));
    }
    if (lowlinks.get(node) !== indices.get(node)) return;
    const members: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = member === node ? undefined : stack.pop()) members.push(member);
    if (members.length > 1) cycles.push(members.sort());
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return cycles.sort((a, b) => a.join().localeCompare(b.join()));
}

describe('component dependencies', () => {
  it('form no import cycle between components (machines and the top-level folders of src/)', () => {
    const graph = componentGraph();
    const cycles = findCycles(graph).filter((cycle) => !KNOWN_CYCLES.some((known) => known.join() === cycle.join()));
    const explain = cycles.map((cycle) =>
      [`cycle: ${cycle.join(' ↔ ')}`, ...cycle.flatMap((from) => cycle.filter((to) => graph.get(from)?.has(to)).map((to) => `  ${graph.get(from)!.get(to)}`))].join('\n'),
    );
    expect(explain).toEqual([]);
  });

  it('lists no known cycle that is already gone', () => {
    const cycles = findCycles(componentGraph()).map((cycle) => cycle.join());
    expect(KNOWN_CYCLES.filter((known) => !cycles.includes(known.join()))).toEqual([]);
  });
});
