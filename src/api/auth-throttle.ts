/**
 * Limits failed authentications per client address: every 401 takes a token, and an address
 * without tokens gets 429 with Retry-After before its key is even looked up, so guessing keys
 * or a misconfigured client in a loop costs no database lookups. Successful requests take none.
 */
import type { Request } from 'express';
import ipaddr from 'ipaddr.js';
import { ApiError } from './api-error';
import { createRateLimiter } from './rate-limiter';

/** Wraps authentication with the per-address limit on failures. */
export interface AuthThrottle {
  /** Runs `authenticate` unless the caller's address used up its failures; counts a 401 it throws. */
  guard<T>(req: Request, authenticate: () => Promise<T>): Promise<T>;
}

/** Addresses remembered at most (least recently used forgotten first). */
const MAX_ADDRESSES = 10_000;

/** Creates the throttle; `now` returns epoch milliseconds (the app clock in tests). */
export function createAuthThrottle(options: { failuresPerMinute: number; now: () => number }): AuthThrottle {
  const limiter = createRateLimiter({ requestsPerMinute: options.failuresPerMinute, now: options.now, maxKeys: MAX_ADDRESSES });
  return {
    async guard(req, authenticate) {
      const client = toClientKey(req.ip);
      const decision = limiter.peek(client);
      if (!decision.isAllowed) {
        throw new ApiError(
          429,
          'too_many_failed_authentications',
          `Too many requests with a missing or invalid API key from your address. Retry after ${decision.retryAfterSeconds} s with a valid key in the x-api-key header.`,
          undefined,
          { 'Retry-After': String(decision.retryAfterSeconds) },
        );
      }
      try {
        return await authenticate();
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) limiter.take(client);
        throw error;
      }
    },
  };
}

/**
 * The key of a client address: IPv4 (and IPv4-mapped IPv6) as it is, IPv6 by its /64, since one
 * host usually holds a whole /64 and could otherwise rotate addresses.
 * @example toClientKey('2001:db8:1:2:3:4:5:6') // '2001:db8:1:2::/64'
 */
export function toClientKey(ip: string | undefined): string {
  if (!ip || !ipaddr.isValid(ip)) return ip ?? 'unknown';
  const parsed = ipaddr.process(ip);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${parts.join(':')}::/64`;
}
