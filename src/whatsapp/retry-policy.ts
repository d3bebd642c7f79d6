/**
 * What to do after a failed Graph API send, by class of error (WHATSAPP.md §2.8–2.10). Pure:
 * the caller passes the attempt number and a random source, and schedules the delay itself.
 */
import { NetworkError, WhatsAppApiError } from '../platform/errors';

/** Outcome of decideRetry. */
export type RetryDecision =
  | { action: 'retry'; delayMs: number }
  /** 131047: the 24 h customer-service window is closed; only a template can reach the customer. */
  | { action: 'template_fallback' }
  /** 131062: this message (a template) cannot go to a username-only customer; a free-form one may, inside the window. */
  | { action: 'freeform_fallback'; reason: string }
  | { action: 'fail'; reason: string };

/** Tunables of the retry policy. */
export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts in total (including the first) before giving up. */
  maxAttempts: number;
}

/** Defaults: 1 s base, 5 min cap, 10 attempts. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 1_000, maxDelayMs: 300_000, maxAttempts: 10 };

/** Meta error codes named by the policy. */
export const META_ERROR_CODES = {
  appRateLimit: 4,
  throughputLimit: 130429,
  reEngagement: 131047,
  pairRateLimit: 131056,
  wabaRateLimit: 80007,
  bsuidRecipientUnsupported: 131062,
} as const;

/** App- and WABA-level limits are windowed over minutes to an hour; retrying sooner only burns calls. */
const WINDOWED_RATE_LIMIT_DELAY_MS = 60_000;
/** 5xx codes that no retry will fix (131045: certificate, re-register the number). */
const PERMANENT_SERVER_CODES = new Set([131045]);
/** Codes meaning the access token is unusable. */
const AUTH_CODES = new Set([0, 190]);

/** Input of decideRetry; `attempt` is the number of the attempt that just failed (1 = first try). */
export interface DecideRetryInput {
  error: unknown;
  attempt: number;
  /** Returns a number in [0, 1), e.g. Math.random; injected to keep this pure. */
  random: () => number;
  policy?: RetryPolicy;
}

/**
 * Decides between retrying (with a delay), falling back to a template, or failing.
 * @example decideRetry({ error, attempt: 1, random: Math.random })
 */
export function decideRetry({ error, attempt, random, policy = DEFAULT_RETRY_POLICY }: DecideRetryInput): RetryDecision {
  if (error instanceof WhatsAppApiError && error.code === META_ERROR_CODES.reEngagement) return { action: 'template_fallback' };
  const retryable = classify(error, attempt, random, policy);
  if (retryable.action !== 'retry') return retryable;
  if (attempt >= policy.maxAttempts) return { action: 'fail', reason: `gave up after ${attempt} attempts: ${describeError(error)}` };
  return retryable;
}

function classify(error: unknown, attempt: number, random: () => number, policy: RetryPolicy): RetryDecision {
  const backoff = (): RetryDecision => ({ action: 'retry', delayMs: computeBackoffDelay(attempt, random, policy) });
  if (error instanceof NetworkError) return backoff();
  if (!(error instanceof WhatsAppApiError)) return { action: 'fail', reason: `unexpected error, not retried: ${describeError(error)}` };
  const { code, status, retryAfterMs } = error;
  const waitFor = (fallbackMs: number): RetryDecision => ({ action: 'retry', delayMs: Math.min(retryAfterMs ?? fallbackMs, policy.maxDelayMs) });
  switch (code) {
    case META_ERROR_CODES.pairRateLimit:
      // Meta's advice for the per-user pair limit: wait 4^X seconds, X = failures so far.
      return waitFor(4 ** (attempt - 1) * 1_000);
    case META_ERROR_CODES.throughputLimit:
      // Throughput is measured per second: a short jittered backoff spreads the burst out.
      return retryAfterMs === undefined ? backoff() : waitFor(retryAfterMs);
    case META_ERROR_CODES.appRateLimit:
    case META_ERROR_CODES.wabaRateLimit:
      return waitFor(WINDOWED_RATE_LIMIT_DELAY_MS);
  }
  if (code === META_ERROR_CODES.bsuidRecipientUnsupported) {
    return { action: 'freeform_fallback', reason: 'this message cannot be sent to a customer known only by their WhatsApp username (Meta error 131062, business-scoped user id recipients not supported for it); not retried' };
  }
  if (status === 429) return waitFor(WINDOWED_RATE_LIMIT_DELAY_MS);
  if (code !== undefined && AUTH_CODES.has(code)) return { action: 'fail', reason: `access token rejected (code ${code}); renew the WhatsApp access token` };
  if (status >= 500 && !(code !== undefined && PERMANENT_SERVER_CODES.has(code))) return backoff();
  return { action: 'fail', reason: `not retryable: ${describeError(error)}` };
}

/** Whether Meta refused the access token itself (expired, revoked, for another app): a set-up problem, not the message's. */
export function isAccessTokenRejected(error: unknown): boolean {
  return error instanceof WhatsAppApiError && error.code !== undefined && AUTH_CODES.has(error.code);
}

/** Capped exponential backoff with full jitter: random() × min(cap, base × 2^(attempt−1)). */
export function computeBackoffDelay(attempt: number, random: () => number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

function describeError(error: unknown): string {
  if (error instanceof WhatsAppApiError) return `Meta error code ${error.code ?? 'none'} (HTTP ${error.status})`;
  if (error instanceof NetworkError) return `network error (${error.message})`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
