/**
 * `Idempotency-Key` on POST: the first response (status and body) is stored and replayed for the
 * same key and body; the same key with another body is refused. Two identical requests at once:
 * one runs, the other waits for its answer.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../platform/database';
import { ApiError, toApiHttpError, toErrorBody } from './api-error';
import {
  IN_PROGRESS_STATUS,
  claimIdempotencyKey,
  completeIdempotencyRecord,
  findIdempotencyRecord,
  releaseIdempotencyKey,
} from './idempotency-repository';

/** A response as stored and replayed. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

const MAX_KEY_LENGTH = 200;
const WAIT_STEP_MS = 50;
const WAIT_LIMIT_MS = 15_000;
const STALE_AFTER_SECONDS = 300;

/** JSON with object keys sorted at every level, so equal bodies hash equally whatever the key order. */
export function toCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(toCanonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${toCanonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 of method, path and canonical body. */
export function hashRequest(params: { method: string; path: string; body: unknown }): string {
  return createHash('sha256').update(toCanonicalJson({ method: params.method.toUpperCase(), path: params.path, body: params.body ?? null })).digest('hex');
}

/** Throws 400 for a key that cannot be stored. */
export function ensureValidIdempotencyKey(key: string): void {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ApiError(400, 'invalid_idempotency_key', `Idempotency-Key must be 1–${MAX_KEY_LENGTH} visible ASCII characters (a UUID works well).`);
  }
}

/**
 * Runs `execute` at most once per (key, API key). Refusals (4xx) are stored and replayed like
 * successes; a failure on our side (5xx) releases the key so the client can retry.
 */
export async function runIdempotent(
  db: Db,
  params: { businessId: string; apiKeyId: string; key: string; requestHash: string; execute: () => Promise<StoredResponse> },
): Promise<StoredResponse & { isReplay: boolean }> {
  ensureValidIdempotencyKey(params.key);
  const ids = { apiKeyId: params.apiKeyId, key: params.key };
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    if (await claimIdempotencyKey(db, { ...params, staleAfterSeconds: STALE_AFTER_SECONDS })) return { ...(await executeAsOwner(db, ids, params.execute)), isReplay: false };
    const record = await findIdempotencyRecord(db, ids);
    // Gone between our claim and read: the first request failed on our side and released the key; claim again.
    if (!record) continue;
    if (record.requestHash !== params.requestHash) {
      throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request. Use a new key for a new request.');
    }
    if (record.responseStatus !== IN_PROGRESS_STATUS) return { status: record.responseStatus, body: record.responseBody, isReplay: true };
    if (Date.now() > deadline) {
      throw new ApiError(409, 'idempotency_request_in_progress', 'A request with this Idempotency-Key is still running. Retry in a moment.', undefined, {
        'Retry-After': '1',
      });
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
}

async function executeAsOwner(db: Db, ids: { apiKeyId: string; key: string }, execute: () => Promise<StoredResponse>): Promise<StoredResponse> {
  let response: StoredResponse;
  try {
    response = await execute();
  } catch (error) {
    const shape = toApiHttpError(error);
    if (shape.status >= 500 || shape.status === 429) {
      await releaseIdempotencyKey(db, ids);
      throw error;
    }
    response = { status: shape.status, body: toErrorBody(shape) };
  }
  await completeIdempotencyRecord(db, { ...ids, status: response.status, body: response.body });
  return response;
}
