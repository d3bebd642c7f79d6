/**
 * Signing of outgoing event webhooks: `X-Tapbook-Signature: sha256=<hex>`, an HMAC-SHA256 of the
 * exact raw body with the subscription's secret (the same scheme Meta uses towards us).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the body signature. */
export const SIGNATURE_HEADER = 'X-Tapbook-Signature';
/** Header carrying the delivery id (stable across retries: receivers dedupe on it). */
export const DELIVERY_HEADER = 'X-Tapbook-Delivery';
/** Header carrying the event type. */
export const EVENT_HEADER = 'X-Tapbook-Event';

/**
 * The signature header value of a raw body.
 * @example signEventBody('s3cret', '{"a":1}') // 'sha256=…'
 */
export function signEventBody(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}

/** Checks a received signature in constant time (what a subscriber does; used by our tests). */
export function verifyEventSignature(secret: string, rawBody: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signEventBody(secret, rawBody));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
