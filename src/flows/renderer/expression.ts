/**
 * Bindings and expressions of Flow JSON as the WhatsApp client evaluates them: `${data.x}`,
 * `${form.x}`, `${screen.NAME.data.x}` / `${screen.NAME.form.x}` (Flow JSON 4.0 global fields),
 * conditions of If and `visible` (`${form.a} == 'cat' && !${data.b}`), backtick string
 * concatenation and math (Flow JSON 6.0).
 */

/** What bindings read: the current screen's data and form, and earlier screens' by id. */
export interface BindingScope {
  data: Record<string, unknown>;
  form: Record<string, unknown>;
  screens?: Record<string, { data: Record<string, unknown>; form: Record<string, unknown> }>;
}

const WHOLE_BINDING = /^\$\{([^}]*)\}$/;
const ANY_BINDING = /\$\{([^}]*)\}/g;

/** Reads one binding path (`data.services`, `form.name`, `screen.SERVICE.form.service`); undefined when absent. */
export function readBinding(path: string, scope: BindingScope): unknown {
  const parts = path.trim().split('.');
  let value: unknown;
  let rest: string[];
  if (parts[0] === 'data' || parts[0] === 'form') {
    value = scope[parts[0]];
    rest = parts.slice(1);
  } else if (parts[0] === 'screen' && parts.length >= 3 && (parts[2] === 'data' || parts[2] === 'form')) {
    value = scope.screens?.[parts[1]!]?.[parts[2]];
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  for (const key of rest) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * Resolves a property value: a string that is one binding becomes the bound value (any type),
 * a backtick expression is evaluated, bindings inside other strings are replaced by their text;
 * arrays and objects are resolved item by item.
 */
export function resolveValue(value: unknown, scope: BindingScope): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_BINDING.exec(value);
    if (whole) return readBinding(whole[1]!, scope);
    const trimmed = value.trim();
    if (trimmed.startsWith('`') && trimmed.endsWith('`') && trimmed.length >= 2) return evaluateExpression(trimmed, scope);
    return value.replace(ANY_BINDING, (_match, path: string) => toText(readBinding(path, scope)));
  }
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, scope));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveValue(item, scope)]));
  }
  return value;
}

/** Evaluates a condition (`visible`, If `condition`): a boolean, one binding or an expression. */
export function evaluateCondition(condition: unknown, scope: BindingScope): boolean {
  if (typeof condition === 'boolean') return condition;
  if (typeof condition !== 'string') return condition !== undefined && condition !== null;
  return isTruthy(evaluateExpression(condition, scope));
}

/** The text a value shows as when a binding sits inside a longer string. */
export function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

type Token = { kind: 'value'; value: unknown } | { kind: 'op'; op: string };

/** Evaluates one expression; an expression it cannot parse throws FlowExpressionError. */
export function evaluateExpression(expression: string, scope: BindingScope): unknown {
  const tokens = tokenize(expression, scope);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const isOp = (op: string) => {
    const token = peek();
    return token?.kind === 'op' && token.op === op;
  };
  const primary = (): unknown => {
    const token = tokens[position++];
    if (!token) throw new FlowExpressionError(`Expression ends too early: ${expression}`);
    if (token.kind === 'value') return token.value;
    if (token.op === '(') {
      const value = sequence();
      if (!isOp(')')) throw new FlowExpressionError(`Missing ")" in ${expression}`);
      position += 1;
      return value;
    }
    if (token.op === '!') return !isTruthy(primary());
    if (token.op === '-') return -Number(primary());
    throw new FlowExpressionError(`Unexpected "${token.op}" in ${expression}`);
  };
  const binary = (next: () => unknown, ops: string[], apply: (op: string, a: unknown, b: unknown) => unknown) => (): unknown => {
    let left = next();
    for (;;) {
      const token = peek();
      if (token?.kind !== 'op' || !ops.includes(token.op)) return left;
      position += 1;
      left = apply(token.op, left, next());
    }
  };
  const product = binary(primary, ['*', '/', '%'], (op, a, b) => (op === '*' ? Number(a) * Number(b) : op === '/' ? Number(a) / Number(b) : Number(a) % Number(b)));
  const sum = binary(product, ['+', '-'], (op, a, b) => (op === '+' ? (typeof a === 'string' || typeof b === 'string' ? toText(a) + toText(b) : Number(a) + Number(b)) : Number(a) - Number(b)));
  const compare = binary(sum, ['<', '<=', '>', '>='], (op, a, b) => {
    const x = Number(a);
    const y = Number(b);
    return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
  });
  // Loose equality on purpose: the client compares a form's string value with a number literal as equal.
  const equality = binary(compare, ['==', '!='], (op, a, b) => (op === '==' ? looseEquals(a, b) : !looseEquals(a, b)));
  const and = binary(equality, ['&&'], (_op, a, b) => isTruthy(a) && isTruthy(b));
  const or = binary(and, ['||'], (_op, a, b) => isTruthy(a) || isTruthy(b));
  // Flow JSON 6.0 concatenates operands written side by side: `'Hello ' ${form.name}`.
  const sequence = (): unknown => {
    const values = [or()];
    while (position < tokens.length && !isOp(')')) values.push(or());
    return values.length === 1 ? values[0] : values.map(toText).join('');
  };
  const value = sequence();
  if (position !== tokens.length) throw new FlowExpressionError(`Unexpected text after the expression: ${expression}`);
  return value;
}

function looseEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return String(a) === String(b);
}

function tokenize(expression: string, scope: BindingScope): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const char = expression[i]!;
    if (/\s/.test(char)) {
      i += 1;
      continue;
    }
    if (expression.startsWith('${', i)) {
      const end = expression.indexOf('}', i);
      if (end < 0) throw new FlowExpressionError(`Unclosed "\${" in ${expression}`);
      tokens.push({ kind: 'value', value: readBinding(expression.slice(i + 2, end), scope) });
      i = end + 1;
      continue;
    }
    if (char === "'" || char === '"') {
      const end = expression.indexOf(char, i + 1);
      if (end < 0) throw new FlowExpressionError(`Unclosed string in ${expression}`);
      tokens.push({ kind: 'value', value: expression.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (char === '`') {
      // A backtick expression is a group: its operands concatenate, its operators compute.
      tokens.push({ kind: 'op', op: '(' });
      const end = expression.indexOf('`', i + 1);
      if (end < 0) throw new FlowExpressionError(`Unclosed backtick in ${expression}`);
      tokens.push(...tokenize(expression.slice(i + 1, end), scope), { kind: 'op', op: ')' });
      i = end + 1;
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(expression.slice(i));
    if (number) {
      tokens.push({ kind: 'value', value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const word = /^(true|false|null)\b/.exec(expression.slice(i));
    if (word) {
      tokens.push({ kind: 'value', value: word[1] === 'null' ? null : word[1] === 'true' });
      i += word[0].length;
      continue;
    }
    const op = ['&&', '||', '==', '!=', '<=', '>=', '<', '>', '!', '(', ')', '+', '-', '*', '/', '%'].find((candidate) => expression.startsWith(candidate, i));
    if (!op) throw new FlowExpressionError(`Unexpected "${char}" in ${expression}`);
    tokens.push({ kind: 'op', op });
    i += op.length;
  }
  return tokens;
}

/** An expression of the Flow JSON the renderer cannot evaluate. */
export class FlowExpressionError extends Error {}
