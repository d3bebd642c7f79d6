/** The bearer-token check of GET /metrics. */
import crypto from 'node:crypto';

/**
 * Whether an Authorization header carries the metrics token. Both sides are hashed first, so the
 * constant-time comparison runs on equal lengths and the time taken says nothing about the token.
 */
export function isMetricsTokenValid(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
  const given = crypto.createHash('sha256').update(match?.[1] ?? '').digest();
  const expected = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(given, expected) && match !== null;
}
