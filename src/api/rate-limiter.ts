/**
 * Per-key token bucket in memory: a burst up to the per-minute allowance, refilled evenly.
 * In memory on purpose: each instance limits its own traffic, which bounds a key's total to
 * (instances × limit) without a database write on every request.
 */

/** The answer for one request. */
export type RateDecision = { isAllowed: true; remaining: number } | { isAllowed: false; retryAfterSeconds: number };

/** A rate limiter over string keys. */
export interface RateLimiter {
  /** Takes one token for the key, or says how long to wait. */
  take(key: string): RateDecision;
}

/** Creates a token-bucket limiter; `now` returns epoch milliseconds (the app clock in tests). */
export function createRateLimiter(options: { requestsPerMinute: number; now: () => number }): RateLimiter {
  const capacity = Math.max(1, options.requestsPerMinute);
  const refillPerMs = capacity / 60_000;
  const buckets = new Map<string, { tokens: number; updatedAt: number }>();
  return {
    take(key) {
      const now = options.now();
      const bucket = buckets.get(key) ?? { tokens: capacity, updatedAt: now };
      bucket.tokens = Math.min(capacity, bucket.tokens + Math.max(0, now - bucket.updatedAt) * refillPerMs);
      bucket.updatedAt = now;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { isAllowed: true, remaining: Math.floor(bucket.tokens) };
      }
      return { isAllowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000)) };
    },
  };
}
