/**
 * The one rule for text that crosses a boundary (webhook, Flows endpoint, REST API): PostgreSQL
 * refuses NUL (U+0000) in text and jsonb and `\u` escapes of unpaired surrogates in jsonb, and a
 * value nested thousands deep overflows the stack of whoever walks it next (JSON.stringify, the
 * jsonb parser). A boundary either refuses such input (`findUnsafeInput`: the caller answers 4xx)
 * or repairs it (`sanitizeInput`: the webhook, which must store what Meta sends).
 */

/** Deepest nesting accepted in a request body; our own payloads nest fewer than 10 levels. */
export const MAX_INPUT_DEPTH = 32;

/** First and last instants a stored date may take: four-digit years, as every formatter and PostgreSQL expect. */
export const PLAUSIBLE_INSTANTS = { min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) } as const;

/** What is wrong with a string, in words a client can act on. */
export type UnsafeTextProblem = 'nul' | 'lone_surrogate';

/** Where an unusable value sits (a dotted path) and why it is refused. */
export interface UnsafeInput {
  path: string;
  problem: UnsafeTextProblem | 'too_deep';
  /** A sentence saying what to change. */
  message: string;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one (no `u` flag: code units).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// Cheap first look: almost every string has neither a NUL nor any surrogate.
const SUSPECT = /[\u0000\uD800-\uDFFF]/;

/** Says what is wrong with one string, or undefined when PostgreSQL can store it. */
export function findTextProblem(text: string): UnsafeTextProblem | undefined {
  if (!SUSPECT.test(text)) return undefined;
  if (text.includes('\u0000')) return 'nul';
  LONE_SURROGATE.lastIndex = 0;
  if (LONE_SURROGATE.test(text)) return 'lone_surrogate';
  return undefined;
}

/** True for a Date whose instant lies in PLAUSIBLE_INSTANTS (an invalid Date is not). */
export function isPlausibleInstant(date: Date): boolean {
  const time = date.getTime();
  return time >= PLAUSIBLE_INSTANTS.min && time < PLAUSIBLE_INSTANTS.max;
}

const PROBLEM_MESSAGES: Record<UnsafeInput['problem'], string> = {
  nul: 'contains a NUL character (U+0000); remove it',
  lone_surrogate: 'contains an unpaired UTF-16 surrogate (a broken emoji or \\uD800–\\uDFFF escape); send well-formed Unicode',
  too_deep: `nests deeper than ${MAX_INPUT_DEPTH} levels; flatten it`,
};

/**
 * Finds the first string (value or object key) that PostgreSQL cannot store, or a value nested
 * deeper than `maxDepth`; undefined when the whole value is safe. Walks at most `maxDepth` levels.
 * @example findUnsafeInput({ title: 'a\u0000' }) // { path: 'title', problem: 'nul', … }
 */
export function findUnsafeInput(value: unknown, options: { maxDepth?: number; path?: string } = {}): UnsafeInput | undefined {
  const maxDepth = options.maxDepth ?? MAX_INPUT_DEPTH;
  // Every webhook and request passes here: the common, safe case costs one allocation-free walk.
  if (!isSuspect(value, 0, maxDepth)) return undefined;
  const found = (fullPath: string, problem: UnsafeInput['problem']): UnsafeInput => {
    // A path 32 levels deep or a huge key would drown the message: keep its start.
    const path = fullPath.length > 80 ? `${fullPath.slice(0, 80)}…` : fullPath;
    return { path, problem, message: `${path || 'the value'} ${PROBLEM_MESSAGES[problem]}` };
  };
  const walk = (node: unknown, path: string, depth: number): UnsafeInput | undefined => {
    if (typeof node === 'string') {
      const problem = findTextProblem(node);
      return problem ? found(path, problem) : undefined;
    }
    if (node === null || typeof node !== 'object') return undefined;
    if (depth >= maxDepth) return found(path, 'too_deep');
    const record = node as Record<string, unknown>;
    // for…in over own keys: no entry arrays allocated on the webhook's hot path.
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      const keyProblem = findTextProblem(key);
      // The key itself is the problem: name its parent and show it escaped, so the message stays readable.
      if (keyProblem) return found(`${path ? `${path}.` : ''}${JSON.stringify(key)}`, keyProblem);
      const child = record[key];
      if (child === null || (typeof child !== 'object' && typeof child !== 'string')) continue;
      const inner = walk(child, path ? `${path}.${key}` : key, depth + 1);
      if (inner) return inner;
    }
    return undefined;
  };
  return walk(value, options.path ?? '', 0);
}

// True when some string or key might be unsafe, or the value is too deep (findUnsafeInput then says exactly what).
function isSuspect(node: unknown, depth: number, maxDepth: number): boolean {
  if (typeof node === 'string') return SUSPECT.test(node);
  if (node === null || typeof node !== 'object') return false;
  if (depth >= maxDepth) return true;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i += 1) if (isSuspect(node[i], depth + 1, maxDepth)) return true;
    return false;
  }
  const record = node as Record<string, unknown>;
  for (const key in record) {
    if (SUSPECT.test(key)) return true;
    if (isSuspect(record[key], depth + 1, maxDepth)) return true;
  }
  return false;
}

/** What sanitizeInput changed (counts only: the text itself may be personal data). */
export interface SanitizeReport {
  /** Strings (values or keys) that lost NUL characters or had unpaired surrogates replaced by U+FFFD. */
  repairedStrings: number;
  /** Values dropped because they sat deeper than the limit. */
  droppedTooDeep: number;
}

/**
 * Returns a copy of a JSON value that PostgreSQL can store: NUL characters removed, unpaired
 * surrogates replaced by U+FFFD (what a UTF-8 encoder does), values deeper than `maxDepth`
 * replaced by null. The input is not changed; `report` counts the repairs.
 * @example sanitizeInput({ a: 'x\u0000y' }, report) // { a: 'xy' }
 */
export function sanitizeInput(value: unknown, report: SanitizeReport, options: { maxDepth?: number } = {}): unknown {
  const maxDepth = options.maxDepth ?? MAX_INPUT_DEPTH;
  // Nearly every value is already safe: then it is returned as is, without a copy.
  if (findUnsafeInput(value, { maxDepth }) === undefined) return value;
  const clean = (text: string): string => {
    if (findTextProblem(text) === undefined) return text;
    report.repairedStrings += 1;
    return text.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD');
  };
  const walk = (node: unknown, depth: number): unknown => {
    if (typeof node === 'string') return clean(node);
    if (node === null || typeof node !== 'object') return node;
    if (depth >= maxDepth) {
      report.droppedTooDeep += 1;
      return null;
    }
    if (Array.isArray(node)) return node.map((child) => walk(child, depth + 1));
    const copy: Record<string, unknown> = {};
    // defineProperty: a "__proto__" key from JSON.parse is an own property and must stay one.
    for (const [key, child] of Object.entries(node)) Object.defineProperty(copy, clean(key), { value: walk(child, depth + 1), enumerable: true, writable: true, configurable: true });
    return copy;
  };
  return walk(value, 0);
}

/** An empty SanitizeReport. */
export function createSanitizeReport(): SanitizeReport {
  return { repairedStrings: 0, droppedTooDeep: 0 };
}
