/**
 * Flow tokens: the opaque, unguessable session id a Flow message carries. Only its SHA-256 is
 * stored, bound to business, customer, mode (book / reschedule + booking), language and expiry, so
 * a leaked database row cannot be replayed as a token.
 */
import { hash, randomBytes } from 'node:crypto';
import type { Db } from '../platform/database';
import { querySql, type SqlStatement, type SqlTarget } from '../platform/sql';

/** What a Flow session does: book a new appointment or move an existing one. */
export type FlowTokenMode = 'book' | 'reschedule';

/** A stored Flow token (never the token itself). */
export interface FlowTokenRow {
  id: string;
  businessId: string;
  customerId: string;
  tokenHash: string;
  mode: FlowTokenMode;
  bookingId: string | null;
  locale: string;
  expiresAt: Date;
  usedAt: Date | null;
  resultBookingId: string | null;
  /** The customer's name as we know it (read with the token: one round trip per request). */
  customerName: string | null;
}

/** Why a token cannot be used; the endpoint answers all of them with HTTP 427. */
export type FlowTokenProblem = 'unknown' | 'expired' | 'used';

/** The answer of resolveFlowToken. */
export type ResolvedFlowToken = { ok: true; token: FlowTokenRow } | { ok: false; reason: FlowTokenProblem; token?: FlowTokenRow };

const TOKEN_BYTES = 32;
// base64url of 32 bytes is 43 characters; anything else cannot be one of ours.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** SHA-256 hex of a token, the only form stored. */
export function hashFlowToken(token: string): string {
  // One-shot hash: a third of createHash's cost, and every Flows request hashes its token.
  return hash('sha256', token, 'hex');
}

/**
 * Creates a token for one Flow message inside the caller's transaction and returns it (the only
 * time it exists in clear).
 * @example const token = await issueFlowToken(tx, { businessId, customerId, mode: 'book', locale: 'es', ttlMinutes: 60, now })
 */
export async function issueFlowToken(
  tx: Db,
  params: { businessId: string; customerId: string; mode: FlowTokenMode; bookingId?: string; locale: string; ttlMinutes: number; now: Date },
): Promise<string> {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  await tx.flowToken.create({
    data: {
      businessId: params.businessId,
      customerId: params.customerId,
      tokenHash: hashFlowToken(token),
      mode: params.mode,
      bookingId: params.bookingId ?? null,
      locale: params.locale,
      expiresAt: new Date(params.now.getTime() + params.ttlMinutes * 60_000),
    },
  });
  return token;
}

/** Finds a token's row without judging it (null for a token we never issued). */
export async function findFlowToken(db: SqlTarget, token: string): Promise<FlowTokenRow | null> {
  if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return null;
  return findFlowTokenByHash(db, hashFlowToken(token));
}

async function findFlowTokenByHash(db: SqlTarget, tokenHash: string): Promise<FlowTokenRow | null> {
  // One round trip for token and name: this runs on every endpoint request (WHATSAPP.md §4.10 latency).
  const rows = await querySql<Omit<FlowTokenRow, 'mode'> & { mode: string }>(db, FIND_FLOW_TOKEN_SQL, [tokenHash]);
  const row = rows[0];
  return row ? { ...row, tokenHash: row.tokenHash.trim(), mode: row.mode === 'reschedule' ? 'reschedule' : 'book' } : null;
}

const FIND_FLOW_TOKEN_SQL: SqlStatement = {
  name: 'find_flow_token',
  text: `
    SELECT t.id, t.business_id AS "businessId", t.customer_id AS "customerId", t.token_hash AS "tokenHash", t.mode::text AS mode,
           t.booking_id AS "bookingId", t.locale, t.expires_at AS "expiresAt", t.used_at AS "usedAt",
           t.result_booking_id AS "resultBookingId", c.name AS "customerName"
    FROM flow_tokens t JOIN customers c ON c.id = t.customer_id
    WHERE t.token_hash = $1`,
};

/**
 * The token's row when it can still be used at `now`, else why not (unknown, expired, used).
 * @example const resolved = await resolveFlowToken(prisma, request.flow_token, clock.now())
 */
export async function resolveFlowToken(db: SqlTarget, token: string, now: Date): Promise<ResolvedFlowToken> {
  const row = await findFlowToken(db, token);
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.usedAt) return { ok: false, reason: 'used', token: row };
  if (row.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired', token: row };
  return { ok: true, token: row };
}

/** Marks a token used and remembers the booking it produced (inside the completion's transaction). */
export async function markFlowTokenUsed(tx: Db, params: { tokenId: string; now: Date; resultBookingId: string | null }): Promise<void> {
  await tx.flowToken.update({ where: { id: params.tokenId }, data: { usedAt: params.now, resultBookingId: params.resultBookingId } });
}
