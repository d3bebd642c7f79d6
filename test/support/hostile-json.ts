/**
 * fast-check arbitraries for fuzzing the server's boundaries: values of every wrong type, huge
 * and hostile strings (NUL, unpaired surrogates, prototype names, impossible dates), and a
 * mutator that plants them anywhere in a real payload (replace, delete, add a key).
 */
import fc from 'fast-check';

/** Fixed seed of every fuzz test, so a failure reproduces (fast-check prints seed and path on failure). */
export const FUZZ_SEED = 20_261_207;

/** Strings that broke (or could break) a boundary: each one a known way in. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udc00x',
  'x\ud83d',
  '😀',
  '\u2028\u2029',
  '\uFEFF',
  'constructor',
  '__proto__',
  'hasOwnProperty',
  'toString',
  'valueOf',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e308',
  '1.5',
  '99999999999999999999',
  '1e15',
  '0000-01-01',
  '9999-12-31',
  '+275760-09-13',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '2026-02-30',
  '24:60',
  '00000000-0000-0000-0000-000000000000',
  "'; DROP TABLE bookings; --",
  '%00',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '{"a":1}',
  'any',
];

/** Numbers at the edges: fractions, huge, negative, past the 32-bit and safe-integer limits. */
const HOSTILE_NUMBERS: readonly number[] = [0, -0, 1.5, -1, 1e15, -9e12, 1e308, -1e308, 2 ** 31, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 5e-324];

/** A value nested `depth` levels deep. */
function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i += 1) value = i % 2 === 0 ? [value] : { d: value };
  return value;
}

/** One hostile replacement value: every JSON type, hostile or huge strings, edge numbers, deep nesting. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [null], JSON.parse('{"__proto__":{"polluted":true}}'), { toString: 'x' }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5 }).map((k) => 'x'.repeat(k * 20_000)) },
  { weight: 1, arbitrary: fc.integer({ min: 33, max: 60 }).map(nested) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** Every path (array of keys) inside a JSON value, the root included. */
export function listPaths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const paths: Array<Array<string | number>> = [prefix];
  if (Array.isArray(value)) value.forEach((child, index) => paths.push(...listPaths(child, [...prefix, index])));
  else if (value !== null && typeof value === 'object') for (const [key, child] of Object.entries(value)) paths.push(...listPaths(child, [...prefix, key]));
  return paths;
}

/** One edit of a payload: replace the value at a path, delete it, or add a hostile key beside it. */
type Edit = { pathIndex: number; kind: 'replace' | 'delete' | 'add-key'; value: unknown; key: string };

const editArbitrary: fc.Arbitrary<Edit> = fc.record({
  pathIndex: fc.nat(),
  kind: fc.constantFrom<Edit['kind']>('replace', 'replace', 'replace', 'delete', 'add-key'),
  value: hostileValue,
  key: fc.constantFrom(...HOSTILE_STRINGS),
});

function applyEdit(root: unknown, original: Edit): unknown {
  // A fresh copy per edit: the arbitraries share constants, and one instance planted twice would make a cycle.
  const edit = { ...original, value: structuredClone(original.value) };
  const paths = listPaths(root);
  const path = paths[edit.pathIndex % paths.length]!;
  if (path.length === 0) return edit.kind === 'replace' ? edit.value : root;
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root) as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (edit.kind === 'replace') parent[last] = edit.value;
  else if (edit.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    // defineProperty keeps "__proto__" an own key, as JSON.parse would make it.
    if (target !== null && typeof target === 'object' && !Array.isArray(target)) Object.defineProperty(target, edit.key, { value: edit.value, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

/** A copy of `base` with 1–4 hostile edits anywhere in it. */
export function mutatedFrom(base: unknown): fc.Arbitrary<unknown> {
  return fc.array(editArbitrary, { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce((value, edit) => applyEdit(value, edit), structuredClone(base)));
}

/** Records unhandled rejections while `run` runs; returns them (a test expects none). */
export async function collectUnhandledRejections(run: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await run();
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}
