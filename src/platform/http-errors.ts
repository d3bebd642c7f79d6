/**
 * Maps errors to HTTP answers: the caller's mistakes become 4xx with a message saying what to
 * fix; only our own failures are 500. One JSON shape: {"error":{"code","message","details"}}.
 */
import type { Response } from 'express';
import { ZodError } from 'zod';
import { DomainError, type DomainErrorCode } from './errors';

/** An HTTP-shaped error: status, machine code, human message. */
export interface HttpErrorShape {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

const DOMAIN_STATUS: Partial<Record<DomainErrorCode, number>> = {
  validation_failed: 422,
  not_found: 404,
  service_not_found: 404,
  staff_not_found: 404,
  location_not_found: 404,
  customer_not_found: 404,
  booking_not_found: 404,
  slot_no_longer_available: 409,
  invalid_transition: 409,
  change_locked: 409,
  conflict: 409,
  too_many_active_services: 409,
};

/** Converts anything thrown into the HTTP answer it deserves. */
export function toHttpError(error: unknown): HttpErrorShape {
  if (error instanceof DomainError) {
    return { status: DOMAIN_STATUS[error.code] ?? 422, code: error.code, message: error.message, details: error.details };
  }
  if (error instanceof ZodError) {
    return {
      status: 400,
      code: 'invalid_request',
      message: 'The request is not valid; see details for each field.',
      details: error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    };
  }
  // body-parser marks its own errors (bad JSON, too large) with an HTTP status.
  const status = (error as { status?: number; statusCode?: number })?.status ?? (error as { statusCode?: number })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') return { status: 413, code: 'body_too_large', message: 'The request body is too large.' };
    if (type === 'entity.parse.failed') return { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' };
    return { status, code: 'bad_request', message: (error as Error).message ?? 'Bad request.' };
  }
  return { status: 500, code: 'internal_error', message: 'Something went wrong on our side. Try again; if it persists, contact the operator.' };
}

/** The JSON error shape, for answers sent without express (the METRICS_PORT listener). */
export function errorBody(code: string, message: string, details?: unknown): { error: { code: string; message: string; details?: unknown } } {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** Writes the JSON error shape. */
export function sendError(res: Response, status: number, code: string, message: string, details?: unknown): void {
  res.status(status).json(errorBody(code, message, details));
}
