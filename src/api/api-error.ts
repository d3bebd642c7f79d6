/**
 * HTTP refusals that belong to the API layer itself (authentication, roles, rate limits,
 * idempotency, WhatsApp windows), as opposed to the booking domain's DomainErrors.
 */
import { TransactionRetriesExhausted } from '../booking';
import { toHttpError, type HttpErrorShape } from '../platform/http-errors';

/** An error with its HTTP status and machine code; the message says what to do next. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/** Builds an ApiError. */
export function toApiError(status: number, code: string, message: string, details?: unknown): ApiError {
  return new ApiError(status, code, message, details);
}

/** Maps anything thrown in a route to the answer it deserves (ApiError first, then the platform mapping). */
export function toApiHttpError(error: unknown): HttpErrorShape & { headers?: Record<string, string> } {
  if (error instanceof ApiError) return { status: error.status, code: error.code, message: error.message, details: error.details, headers: error.headers };
  if (error instanceof TransactionRetriesExhausted) {
    return { status: 503, code: 'busy', message: 'Too many changes to this schedule at once; nothing was written. Try again in a moment.', headers: { 'retry-after': '1' } };
  }
  const mapped = toHttpError(error);
  // Prisma's "record not found" after a scoped lookup means the row vanished concurrently: a 404, not our failure.
  const prismaCode = (error as { code?: unknown })?.code;
  if (mapped.status === 500 && prismaCode === 'P2025') return { status: 404, code: 'not_found', message: 'The resource no longer exists.' };
  if (mapped.status === 500 && prismaCode === 'P2002') {
    return { status: 409, code: 'conflict', message: 'A resource with the same unique value already exists. Use another value or update the existing one.' };
  }
  return mapped;
}

/** The JSON body of an error answer. */
export function toErrorBody(shape: HttpErrorShape): { error: { code: string; message: string; details?: unknown } } {
  return { error: { code: shape.code, message: shape.message, ...(shape.details === undefined ? {} : { details: shape.details }) } };
}
