/** Storage of Idempotency-Key records: a placeholder claims the key, the final response replaces it. */
import { Prisma, type Db } from '../platform/database';

/** response_status of a placeholder whose request is still running. */
export const IN_PROGRESS_STATUS = 0;

/** A stored record. */
export interface IdempotencyRow {
  requestHash: string;
  responseStatus: number;
  responseBody: unknown;
}

/**
 * Claims the key with a placeholder; true when this request owns it. The unique index
 * (api_key_id, key) makes exactly one of two simultaneous requests win.
 */
export async function claimIdempotencyKey(
  db: Db,
  params: { businessId: string; apiKeyId: string; key: string; requestHash: string; staleAfterSeconds: number },
): Promise<boolean> {
  // A placeholder left by a crashed process would block the key forever.
  await db.$executeRaw`DELETE FROM idempotency_records
    WHERE api_key_id = ${params.apiKeyId}::uuid AND key = ${params.key} AND response_status = ${IN_PROGRESS_STATUS}
      AND created_at < now() - make_interval(secs => ${params.staleAfterSeconds})`;
  const inserted = await db.$executeRaw`INSERT INTO idempotency_records (business_id, api_key_id, key, request_hash, response_status, response_body)
    VALUES (${params.businessId}::uuid, ${params.apiKeyId}::uuid, ${params.key}, ${params.requestHash}, ${IN_PROGRESS_STATUS}, '{}'::jsonb)
    ON CONFLICT (api_key_id, key) DO NOTHING`;
  return inserted === 1;
}

/** Reads the record of a key. */
export async function findIdempotencyRecord(db: Db, params: { apiKeyId: string; key: string }): Promise<IdempotencyRow | null> {
  return db.idempotencyRecord.findUnique({
    where: { apiKeyId_key: { apiKeyId: params.apiKeyId, key: params.key } },
    select: { requestHash: true, responseStatus: true, responseBody: true },
  });
}

/** Stores the final response of the owning request. */
export async function completeIdempotencyRecord(db: Db, params: { apiKeyId: string; key: string; status: number; body: unknown }): Promise<void> {
  await db.idempotencyRecord.update({
    where: { apiKeyId_key: { apiKeyId: params.apiKeyId, key: params.key } },
    data: { responseStatus: params.status, responseBody: (params.body ?? {}) as Prisma.InputJsonValue },
  });
}

/** Drops the placeholder so a retry can run (used when the request failed on our side). */
export async function releaseIdempotencyKey(db: Db, params: { apiKeyId: string; key: string }): Promise<void> {
  await db.idempotencyRecord.deleteMany({ where: { apiKeyId: params.apiKeyId, key: params.key, responseStatus: IN_PROGRESS_STATUS } });
}
