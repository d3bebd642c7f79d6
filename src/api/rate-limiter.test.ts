import { createRateLimiter } from './rate-limiter';

describe('createRateLimiter', () => {
  it('allows a burst up to the per-minute allowance, then asks to wait', () => {
    let now = Date.parse('2026-03-30T06:00:00.000Z');
    const limiter = createRateLimiter({ requestsPerMinute: 3, now: () => now });
    expect([1, 2, 3].map(() => limiter.take('k').isAllowed)).toEqual([true, true, true]);
    expect(limiter.take('k')).toEqual({ isAllowed: false, retryAfterSeconds: 20 });
    now += 20_000;
    expect(limiter.take('k').isAllowed).toBe(true);
    expect(limiter.take('k').isAllowed).toBe(false);
  });

  it('keeps one bucket per key', () => {
    const limiter = createRateLimiter({ requestsPerMinute: 1, now: () => 0 });
    expect(limiter.take('a').isAllowed).toBe(true);
    expect(limiter.take('b').isAllowed).toBe(true);
    expect(limiter.take('a').isAllowed).toBe(false);
  });

  it('never refills beyond the allowance after a long pause', () => {
    let now = 0;
    const limiter = createRateLimiter({ requestsPerMinute: 2, now: () => now });
    now += 3_600_000;
    expect([1, 2, 3].map(() => limiter.take('k').isAllowed)).toEqual([true, true, false]);
  });
});

describe('peek', () => {
  it('says whether a token is there without taking it', () => {
    let now = 0;
    const limiter = createRateLimiter({ requestsPerMinute: 2, now: () => now });
    expect(limiter.peek('k')).toEqual({ isAllowed: true, remaining: 2 });
    limiter.take('k');
    limiter.take('k');
    expect(limiter.peek('k')).toEqual({ isAllowed: false, retryAfterSeconds: 30 });
    expect(limiter.peek('k')).toEqual({ isAllowed: false, retryAfterSeconds: 30 });
    now += 30_000;
    expect(limiter.peek('k')).toEqual({ isAllowed: true, remaining: 1 });
  });

  it('forgets the least recently used keys beyond maxKeys', () => {
    const limiter = createRateLimiter({ requestsPerMinute: 1, now: () => 0, maxKeys: 2 });
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');
    expect(limiter.peek('a').isAllowed).toBe(true);
    expect(limiter.peek('c').isAllowed).toBe(false);
  });
});
