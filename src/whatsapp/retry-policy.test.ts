import { NetworkError, WhatsAppApiError } from '../platform/errors';
import { computeBackoffDelay, decideRetry, type RetryDecision } from './retry-policy';

const api = (status: number, code?: number, retryAfterMs?: number): WhatsAppApiError =>
  new WhatsAppApiError('test', status, code, 'POST /{id}/messages', {}, retryAfterMs);
const network = new NetworkError('socket hang up', new Error('ECONNRESET'));
const always = (value: number) => () => value;

describe('decideRetry', () => {
  it.each<[string, unknown, number, number, RetryDecision]>([
    // Network errors and 5xx: full-jitter exponential backoff, base 1 s, cap 5 min.
    ['network error, 1st attempt, max jitter', network, 1, 0.999, { action: 'retry', delayMs: 999 }],
    ['network error, 3rd attempt, max jitter', network, 3, 0.999, { action: 'retry', delayMs: 3996 }],
    ['network error, jitter 0', network, 5, 0, { action: 'retry', delayMs: 0 }],
    ['network error, 9th attempt, capped at 5 min', network, 9, 0.5, { action: 'retry', delayMs: 128_000 }],
    ['network error, capped at 5 min', network, 9, 0.999, { action: 'retry', delayMs: 255_744 }],
    ['HTTP 500, code 131000', api(500, 131000), 2, 0.5, { action: 'retry', delayMs: 1000 }],
    ['HTTP 503 without code', api(503), 1, 0.5, { action: 'retry', delayMs: 500 }],
    ['131057 maintenance mode (HTTP 500)', api(500, 131057), 1, 0.5, { action: 'retry', delayMs: 500 }],
    ['network error, 10th attempt: give up', network, 10, 0.5, { action: 'fail', reason: 'gave up after 10 attempts: network error (socket hang up)' }],
    ['HTTP 500 on the 10th attempt: give up', api(500, 131000), 10, 0.5, { action: 'fail', reason: 'gave up after 10 attempts: Meta error code 131000 (HTTP 500)' }],
    // Rate limits: the advertised delay, else a delay fitted to the limit.
    ['131056 pair rate limit, 1st failure: 4^0 s', api(400, 131056), 1, 0.5, { action: 'retry', delayMs: 1000 }],
    ['131056 pair rate limit, 3rd failure: 4^2 s', api(400, 131056), 3, 0.5, { action: 'retry', delayMs: 16_000 }],
    ['131056 pair rate limit, 6th failure: capped at 5 min', api(400, 131056), 6, 0.5, { action: 'retry', delayMs: 300_000 }],
    ['131056 with Retry-After', api(400, 131056, 7000), 3, 0.5, { action: 'retry', delayMs: 7000 }],
    ['130429 throughput, with Retry-After', api(400, 130429, 2000), 1, 0.5, { action: 'retry', delayMs: 2000 }],
    ['130429 throughput, no Retry-After: jittered backoff', api(400, 130429), 2, 0.5, { action: 'retry', delayMs: 1000 }],
    ['80007 WABA rate limit: 60 s', api(400, 80007), 1, 0.5, { action: 'retry', delayMs: 60_000 }],
    ['code 4 app rate limit: 60 s', api(400, 4), 1, 0.5, { action: 'retry', delayMs: 60_000 }],
    ['HTTP 429 with Retry-After 30 s', api(429, undefined, 30_000), 1, 0.5, { action: 'retry', delayMs: 30_000 }],
    ['HTTP 429 with a huge Retry-After: capped', api(429, undefined, 3_600_000), 1, 0.5, { action: 'retry', delayMs: 300_000 }],
    ['rate limit on the 10th attempt: give up', api(400, 80007), 10, 0.5, { action: 'fail', reason: 'gave up after 10 attempts: Meta error code 80007 (HTTP 400)' }],
    // 24 h window closed: a template can still reach the customer, even late in the retries.
    ['131047 re-engagement', api(400, 131047), 1, 0.5, { action: 'template_fallback' }],
    ['131047 on the 10th attempt', api(400, 131047), 10, 0.5, { action: 'template_fallback' }],
    // A customer known only by a BSUID cannot receive this kind of message: retrying never helps.
    ['131062 BSUID recipient not supported', api(400, 131062), 1, 0.5, { action: 'freeform_fallback', reason: 'this message cannot be sent to a customer known only by their WhatsApp username (Meta error 131062, business-scoped user id recipients not supported for it); not retried' }],
    ['131062 even with HTTP 500', api(500, 131062), 1, 0.5, { action: 'freeform_fallback', reason: 'this message cannot be sent to a customer known only by their WhatsApp username (Meta error 131062, business-scoped user id recipients not supported for it); not retried' }],
    // Other 4xx: never retried; the reason names the code.
    ['131026 undeliverable', api(400, 131026), 1, 0.5, { action: 'fail', reason: 'not retryable: Meta error code 131026 (HTTP 400)' }],
    ['132001 template missing', api(404, 132001), 1, 0.5, { action: 'fail', reason: 'not retryable: Meta error code 132001 (HTTP 404)' }],
    ['100 invalid parameter', api(400, 100), 1, 0.5, { action: 'fail', reason: 'not retryable: Meta error code 100 (HTTP 400)' }],
    ['131045 certificate (HTTP 500, permanent)', api(500, 131045), 1, 0.5, { action: 'fail', reason: 'not retryable: Meta error code 131045 (HTTP 500)' }],
    ['190 expired token', api(401, 190), 1, 0.5, { action: 'fail', reason: 'access token rejected (code 190); renew the WhatsApp access token' }],
    ['0 auth exception', api(401, 0), 1, 0.5, { action: 'fail', reason: 'access token rejected (code 0); renew the WhatsApp access token' }],
    ['a programming error', new TypeError('x is undefined'), 1, 0.5, { action: 'fail', reason: 'unexpected error, not retried: TypeError: x is undefined' }],
  ])('%s', (_name, error, attempt, randomValue, expected) => {
    expect(decideRetry({ error, attempt, random: always(randomValue) })).toStrictEqual(expected);
  });

  it('honours a custom policy', () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 3 };
    expect(decideRetry({ error: network, attempt: 2, random: always(0.999), policy })).toStrictEqual({ action: 'retry', delayMs: 199 });
    expect(decideRetry({ error: network, attempt: 3, random: always(0.5), policy })).toMatchObject({ action: 'fail' });
  });
});

describe('computeBackoffDelay', () => {
  it('never exceeds the cap and grows until it reaches it', () => {
    const ceilings = Array.from({ length: 12 }, (_, i) => computeBackoffDelay(i + 1, always(0.9999999)));
    expect(ceilings.slice(0, 4)).toStrictEqual([999, 1999, 3999, 7999]);
    expect(Math.max(...ceilings)).toBeLessThan(300_000);
    expect(ceilings[11]).toBe(299_999);
  });
});
