/** zod schemas shared by several routes: ids, dates, times, zones, pagination, the error body. */
import { z } from 'zod';
import { PLAUSIBLE_INSTANTS } from '../platform/input-safety';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID (ids that are not UUIDs are looked up as uids, never sent to a uuid column). */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** True when the zone is an IANA name the runtime knows (offsets like +02:00 are refused). */
export function isValidTimeZone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** A database id. */
export const uuidSchema = z.uuid({ message: 'must be a UUID' });

/** An id or a business-chosen uid (services) or public uid (appointments). */
export const idOrUidSchema = z.string().trim().min(1).max(64);

// Dates the API takes: the platform's plausible range, which every formatter and PostgreSQL handle.
const FIRST_DATE = new Date(PLAUSIBLE_INSTANTS.min).toISOString().slice(0, 10);
const LAST_DATE = new Date(PLAUSIBLE_INSTANTS.max - 1).toISOString().slice(0, 10);

/** YYYY-MM-DD between 1900-01-01 and 2199-12-31. */
export const localDateSchema = z.iso
  .date({ message: 'must be a date in the YYYY-MM-DD format' })
  // zod runs a refinement after a failed format check too: only judge the range of a well-formed date.
  .refine((date) => !/^\d{4}-\d{2}-\d{2}$/.test(date) || (date >= FIRST_DATE && date <= LAST_DATE), `must be a date between ${FIRST_DATE} and ${LAST_DATE}`);

/** HH:mm, 00:00–23:59. */
export const localTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time in the HH:mm format (00:00–23:59)');

/** An IANA time zone. */
export const timeZoneSchema = z.string().max(64).refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Madrid');

/** A boolean in a query string ("true" / "false"). */
export const queryBooleanSchema = z.enum(['true', 'false']).transform((value) => value === 'true');

/** Path parameter {id} as a UUID. */
export const uuidParamsSchema = z.object({ id: uuidSchema });

/** Path parameter {id} as an id or uid. */
export const idOrUidParamsSchema = z.object({ id: idOrUidSchema });

/** limit (1–100, default 20) and page (from 1). */
export const paginationQueryShape = {
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('Items per page (1–100).'),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).describe('Page number, from 1.'),
};

/** Pagination metadata of a list answer. */
export const paginationSchema = z.object({
  page: z.number().int(),
  limit: z.number().int(),
  totalItems: z.number().int(),
  totalPages: z.number().int(),
});

/** Wraps an item schema into a paginated list answer. */
export function toPageSchema<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), pagination: paginationSchema });
}

/** Builds the pagination metadata. */
export function toPagination(params: { page: number; limit: number; totalItems: number }): z.infer<typeof paginationSchema> {
  return { ...params, totalPages: Math.ceil(params.totalItems / params.limit) };
}

/** The one error body every failure uses. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

/** A JSON object of free-form metadata (at most 5000 characters once serialised). */
export const metadataSchema = z
  .record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= 5000, 'must serialise to at most 5000 characters of JSON');

/** An empty body (POST actions without input); anything else is ignored. */
export const emptyBodySchema = z.object({}).optional();
