/**
 * Flow tokens: the opaque, unguessable session id a Flow message carries. Only its SHA-256 is
 * stored, bound to business, customer, mode (book / reschedule + booking), language and expiry, so
 * a leaked database row cannot be replayed as a token.
 */
import { hash, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Db } from '../platform/database';
import { querySql, type SqlStatement, type SqlTarget } from '../platform/sql';
import type { BusyChangeListener } from './busy-change-listener';

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

/** The answer of resolveFlowToken; `usedCheck` is set when the token came from the cache and must still be checked. */
export type ResolvedFlowToken = { ok: true; token: FlowTokenRow; usedCheck: FlowTokenCheck | null } | { ok: false; reason: FlowTokenProblem; token?: FlowTokenRow };

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
 * Tokens that were usable when last read, by hash, for read-only steps of the Flow: a token's business,
 * customer, mode, booking, language and expiry never change, so only "used or deleted since?" must be
 * asked again. That question rides on the step's live availability read (FlowTokenCheck), or needs no
 * asking while the busy-change listener has reported no change of the token's business since the row was
 * known unused (`generation`; using or deleting a token notifies its business).
 * The customer's name may be up to a TTL old here; only the hold step shows it, and it reads the token fresh.
 */
export type FlowTokenCache = LRUCache<string, CachedFlowToken>;

/** A cached token row and the business generation at which it was last known unused (null: not known). */
export interface CachedFlowToken {
  row: FlowTokenRow;
  generation: number | null;
}

/** A bounded per-process FlowTokenCache (entries live `ttlMs`, 60 s by default). */
export function createFlowTokenCache(options: { max?: number; ttlMs?: number } = {}): FlowTokenCache {
  return new LRUCache<string, CachedFlowToken>({ max: options.max ?? 10_000, ttl: options.ttlMs ?? 60_000 });
}

/** The token was used (the booking went through) or deleted after it was cached: the endpoint answers 427. */
export class FlowTokenUsedError extends Error {
  override readonly name = 'FlowTokenUsedError';
}

/**
 * A cached token's open question for one request: is it still unused? Answered by the request's first
 * live availability read (one round trip for both, see flow-availability) or, when the step makes
 * none, on its own before the answer leaves.
 */
export class FlowTokenCheck {
  #isUsable: boolean | undefined;

  constructor(
    readonly tokenId: string,
    readonly businessId: string,
    private readonly onUsable?: () => void,
  ) {}

  /** True until the database has answered. */
  get isPending(): boolean {
    return this.#isUsable === undefined;
  }

  /** Records the database's answer; throws FlowTokenUsedError when the token can no longer be used. */
  settle(isUsable: boolean): void {
    const isFirstAnswer = this.#isUsable === undefined;
    this.#isUsable = isUsable;
    if (!isUsable) throw new FlowTokenUsedError('The flow token was used or removed after it was cached.');
    if (isFirstAnswer) this.onUsable?.();
  }

  /** Asks the database on its own unless a live read has already answered; throws like settle. */
  async settleAlone(db: SqlTarget): Promise<void> {
    if (!this.isPending) {
      this.settle(this.#isUsable!);
      return;
    }
    const [row] = await querySql<{ isUsable: boolean }>(db, IS_FLOW_TOKEN_UNUSED_SQL, [this.tokenId, this.businessId]);
    this.settle(row?.isUsable === true);
  }
}

/**
 * The SQL condition "token $tokenParam of business $businessParam exists and is unused", for FlowTokenCheck's
 * own statement and for the live read that answers it in passing.
 */
export function buildUnusedFlowTokenSql(tokenParam: string, businessParam: string): string {
  return `EXISTS (SELECT 1 FROM flow_tokens WHERE id = ${tokenParam}::uuid AND business_id = ${businessParam}::uuid AND used_at IS NULL)`;
}

const IS_FLOW_TOKEN_UNUSED_SQL: SqlStatement = {
  name: 'is_flow_token_unused',
  text: `SELECT ${buildUnusedFlowTokenSql('$1', '$2')} AS "isUsable"`,
};

/**
 * The token's row when it can still be used at `now`, else why not (unknown, expired, used).
 * With `cache` and `mayDeferUsedCheck` (read-only steps), a token cached as usable is judged on its
 * expiry without a round trip; it comes with a pending `usedCheck` the caller must settle before answering,
 * unless `busyChanges` is listening and has reported no change of its business since it was known unused.
 * @example const resolved = await resolveFlowToken(prisma, request.flow_token, clock.now())
 */
export async function resolveFlowToken(
  db: SqlTarget,
  token: string,
  now: Date,
  options: { cache?: FlowTokenCache; mayDeferUsedCheck?: boolean; busyChanges?: BusyChangeListener } = {},
): Promise<ResolvedFlowToken> {
  if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return { ok: false, reason: 'unknown' };
  const { cache, busyChanges } = options;
  const tokenHash = hashFlowToken(token);
  const cached = options.mayDeferUsedCheck ? cache?.get(tokenHash) : undefined;
  if (cached) {
    const { row: cachedRow } = cached;
    if (cachedRow.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired', token: cachedRow };
    const generation = busyChanges?.isListening ? busyChanges.generationOf(cachedRow.businessId) : null;
    if (generation !== null && cached.generation === generation) return { ok: true, token: cachedRow, usedCheck: null };
    // The check's answer comes from a read made after `generation` was taken: if no change was reported
    // meanwhile, the row is known unused at `generation` and the next request need not ask.
    const remember = () => {
      if (generation !== null && busyChanges?.isListening && busyChanges.generationOf(cachedRow.businessId) === generation) {
        // The row itself is as old as before: its time to live (and the customer name's staleness) keeps running.
        cache?.set(tokenHash, { row: cachedRow, generation }, { noUpdateTTL: true });
      }
    };
    return { ok: true, token: cachedRow, usedCheck: new FlowTokenCheck(cachedRow.id, cachedRow.businessId, remember) };
  }
  // The business is known only after the read: "nothing reported during the read" is asked of the whole process.
  const changesBefore = busyChanges?.isListening ? busyChanges.changeCount : null;
  const row = await findFlowTokenByHash(db, tokenHash);
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.usedAt) return { ok: false, reason: 'used', token: row };
  if (row.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired', token: row };
  const isUnchanged = changesBefore !== null && busyChanges?.isListening === true && busyChanges.changeCount === changesBefore;
  cache?.set(tokenHash, { row, generation: isUnchanged ? busyChanges.generationOf(row.businessId) : null });
  return { ok: true, token: row, usedCheck: null };
}

/** Marks a token used and remembers the booking it produced (inside the completion's transaction). */
export async function markFlowTokenUsed(tx: Db, params: { tokenId: string; now: Date; resultBookingId: string | null }): Promise<void> {
  await tx.flowToken.update({ where: { id: params.tokenId }, data: { usedAt: params.now, resultBookingId: params.resultBookingId } });
}
