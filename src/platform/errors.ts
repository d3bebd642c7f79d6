/**
 * Error types by origin. Domain codes double as the keys of reply texts and API error codes,
 * so a customer and an integrator hear the same reason.
 */

/** Every reason the domain can refuse a request; also the key of the matching reply text. */
export type DomainErrorCode =
  | 'validation_failed'
  | 'not_found'
  | 'service_not_found'
  | 'staff_not_found'
  | 'location_not_found'
  | 'customer_not_found'
  | 'booking_not_found'
  | 'staff_does_not_perform_service'
  | 'add_on_not_available'
  | 'slot_in_past'
  | 'slot_too_soon'
  | 'slot_beyond_window'
  | 'slot_outside_hours'
  | 'slot_not_on_step'
  | 'slot_no_longer_available'
  | 'invalid_transition'
  | 'change_locked'
  | 'too_many_active_services'
  | 'conflict';

/** A refusal the caller can act on (bad input, a rule of the business, a taken slot). */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Builds a DomainError; the message should tell the caller how to fix the request. */
export function toDomainError(code: DomainErrorCode, message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError(code, message, details);
}

/** True when the value is a DomainError (optionally of one code). */
export function isDomainError(value: unknown, code?: DomainErrorCode): value is DomainError {
  return value instanceof DomainError && (code === undefined || value.code === code);
}

/** The Graph API answered with an error: HTTP status, Meta's error code and what we sent. */
export class WhatsAppApiError extends Error {
  override readonly name = 'WhatsAppApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: number | undefined,
    readonly method: string,
    readonly payload: unknown,
    readonly retryAfterMs?: number,
    readonly subcode?: number,
  ) {
    super(message);
  }
}

/** The Graph API (or another remote) could not be reached at all. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(message: string, override readonly cause: unknown) {
    super(message);
  }
}

/** A conversation step failed; carries the (masked) sender and the event type for the log. */
export class ConversationStepError extends Error {
  override readonly name = 'ConversationStepError';
  constructor(
    readonly senderMasked: string,
    readonly eventType: string,
    override readonly cause: unknown,
  ) {
    super(`conversation step ${eventType} failed for ${senderMasked}`);
  }
}
