/**
 * Token buckets in memory: a burst up to the per-minute allowance, refilled evenly. Used per API
 * key for requests, and per client address for failed authentications.
 * In memory on purpose: each instance limits its own traffic, which bounds a key's total to
 * (instances × limit) without a database write on every request.
 */
import { LRUCache } from 'lru-cache';

/** The answer for one request. */
export type RateDecision = { isAllowed: true; remaining: number } | { isAllowed: false; retryAfterSeconds: number };

/** A rate limiter over string keys. */
export interface RateLimiter {
  /** Takes one token for the key, or says how long to wait. */
  take(key: string): RateDecision;
  /** Says whether a token is there, without taking it (a limit on failures checks before the attempt). */
  peek(key: string): RateDecision;
}

const DEFAULT_MAX_KEYS = 100_000;

/**
 * Creates a token-bucket limiter; `now` returns epoch milliseconds (the app clock in tests).
 * At most `maxKeys` buckets are kept (least recently used dropped), so many distinct keys cannot grow memory without bound.
 */
export function createRateLimiter(options: { requestsPerMinute: number; now: () => number; maxKeys?: number }): RateLimiter {
  const capacity = Math.max(1, options.requestsPerMinute);
  const refillPerMs = capacity / 60_000;
  const buckets = new LRUCache<string, { tokens: number; updatedAt: number }>({ max: options.maxKeys ?? DEFAULT_MAX_KEYS });
  const refill = (key: string) => {
    const now = options.now();
    const bucket = buckets.get(key) ?? { tokens: capacity, updatedAt: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + Math.max(0, now - bucket.updatedAt) * refillPerMs);
    bucket.updatedAt = now;
    return bucket;
  };
  const decide = (tokens: number): RateDecision =>
    tokens >= 1 ? { isAllowed: true, remaining: Math.floor(tokens) } : { isAllowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / refillPerMs / 1000)) };
  return {
    take(key) {
      const bucket = refill(key);
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { isAllowed: true, remaining: Math.floor(bucket.tokens) };
      }
      return decide(bucket.tokens);
    },
    peek(key) {
      if (!buckets.has(key)) return { isAllowed: true, remaining: capacity };
      return decide(refill(key).tokens);
    },
  };
}
