/**
 * SERIALIZABLE transactions with retries. PostgreSQL aborts one of two conflicting serializable
 * transactions with SQLSTATE 40001 (or a deadlock, 40P01); the right answer is to run the whole
 * transaction again, which then sees the winner's row and answers "slot taken" cleanly.
 */
import { Prisma, type PrismaClient } from '../platform/database';

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

/** Digs the PostgreSQL SQLSTATE out of a Prisma / driver-adapter error, if there is one. */
export function findSqlState(error: unknown): string | undefined {
  // Prisma's write-conflict error carries its own code (P2034) instead of the SQLSTATE.
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2034') return '40001';
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): string | undefined => {
    if (!value || typeof value !== 'object' || seen.has(value) || depth > 6) return undefined;
    seen.add(value);
    const record = value as Record<string, unknown>;
    for (const key of ['originalCode', 'code', 'sqlState']) {
      const candidate = record[key];
      // Prisma's own codes (P1xxx–P6xxx) look like SQLSTATEs; only PL/pgSQL's P0xxx are real ones.
      if (typeof candidate === 'string' && /^[0-9A-Z]{5}$/.test(candidate) && !/^P[1-9]/.test(candidate)) return candidate;
    }
    for (const key of ['cause', 'meta', 'driverAdapterError', 'original']) {
      const found = visit(record[key], depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return visit(error, 0);
}

/** True when the error is a serialization failure or deadlock worth retrying. */
export function isRetryableTransactionError(error: unknown, extraStates: readonly string[] = []): boolean {
  const state = findSqlState(error);
  return state !== undefined && (RETRYABLE_SQLSTATES.has(state) || extraStates.includes(state));
}

/** Runs fn in a SERIALIZABLE transaction, retrying serialization failures with jittered backoff. */
export async function runSerializable<T>(
  prisma: PrismaClient,
  fn: (tx: Prisma.TransactionClient) => Promise<T>,
  options: {
    maxAttempts?: number;
    random?: () => number;
    /** More SQLSTATEs worth a fresh attempt, e.g. 23P01 when the re-read will show the conflict. */
    retryOnStates?: readonly string[];
  } = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 30;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await prisma.$transaction(fn, {
        isolationLevel: Prisma.TransactionIsolationLevel.Serializable,
        maxWait: 30_000,
        timeout: 30_000,
      });
    } catch (error) {
      if (!isRetryableTransactionError(error, options.retryOnStates) || attempt >= maxAttempts) throw error;
      // Full jitter, capped: contenders spread out instead of colliding again in lockstep.
      const ceiling = Math.min(1_000, 10 * 2 ** Math.min(attempt, 7));
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * ceiling)));
    }
  }
}
