/** Small helpers shared by the webhook parsers (internal to this folder). */
import type { z } from 'zod';

/** Parses with zod, returning undefined instead of throwing or reporting. */
export function parseOrUndefined<S extends z.ZodType>(schema: S, value: unknown): z.output<S> | undefined {
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

/** Drops keys whose value is undefined, so optional fields are absent rather than present-but-undefined. */
export function omitUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
