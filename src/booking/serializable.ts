/**
 * SERIALIZABLE transactions with retries. PostgreSQL aborts one of two conflicting serializable
 * transactions with SQLSTATE 40001 (or a deadlock, 40P01); the right answer is to run the whole
 * transaction again, which then sees the winner's row and answers "slot taken" cleanly.
 * Retries are bounded in total time and stop early on an abort signal (a shutdown), so a busy slot
 * can never keep a request, or a process that is stopping, waiting for minutes.
 */
import { Prisma, type PrismaClient } from '../platform/database';

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

/** Time one transaction's attempts, the pauses between them and its waits for locks may take (queueing for a connection aside). */
export const DEFAULT_TRANSACTION_BUDGET_MS = 10_000;
const MIN_ATTEMPT_MS = 5_000;

/** Retries ran out of time (or the process is stopping) before an attempt committed; nothing was written. */
export class TransactionRetriesExhausted extends Error {
  override readonly name = 'TransactionRetriesExhausted';
  constructor(
    message: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

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

/** How runSerializable retries. */
export interface SerializableOptions {
  /** Attempts at most (default 30); the time budget usually ends retries first. */
  maxAttempts?: number;
  random?: () => number;
  /** More SQLSTATEs worth a fresh attempt, e.g. 23P01 when the re-read will show the conflict. */
  retryOnStates?: readonly string[];
  /** Milliseconds inside attempts, pausing between them and waiting for locks (default DEFAULT_TRANSACTION_BUDGET_MS). */
  budgetMs?: number;
  /** Aborted when the process stops: no new attempt starts, a pending wait ends at once. */
  signal?: AbortSignal;
  /** Milliseconds clock for the budget (tests). */
  now?: () => number;
}

/**
 * Thrown by an attempt that found its locks held by another transaction (booking-repository.ts,
 * tryLockStaffTime): runSerializable rolls it back, waits outside any transaction until the holder
 * is done, and runs it again at once, so the new snapshot sees what the holder committed.
 */
export class WaitAndRetry extends Error {
  override readonly name = 'WaitAndRetry';
  /** `wait` resolves with the milliseconds spent waiting for the lock, when it can tell them from a queue for a connection. */
  constructor(readonly wait: () => Promise<number | void>) {
    super('Another transaction is writing the same staff time; this one waits for it and runs again.');
  }
}

/**
 * Runs fn in a SERIALIZABLE transaction, retrying serialization failures with jittered backoff
 * until it commits, the budget is spent or the signal aborts (then TransactionRetriesExhausted).
 */
export async function runSerializable<T>(
  prisma: PrismaClient,
  fn: (tx: Prisma.TransactionClient) => Promise<T>,
  options: SerializableOptions = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 30;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const budgetMs = options.budgetMs ?? DEFAULT_TRANSACTION_BUDGET_MS;
  const { signal } = options;
  // Time spent inside attempts, pausing and waiting for locks; waiting for a pooled connection is
  // the pool's queue under load, not contention, and keeps its own bound (maxWait).
  let spentMs = 0;
  for (let attempt = 1; ; attempt += 1) {
    if (signal?.aborted) throw new TransactionRetriesExhausted('The transaction was not started again: the process is stopping.', attempt - 1, { cause: signal.reason });
    // An attempt may not outlive the budget either (Prisma rolls it back); never less than a few
    // seconds, so a last attempt started just before the deadline still has a fair chance.
    const attemptMs = Math.min(30_000, Math.max(MIN_ATTEMPT_MS, budgetMs - spentMs));
    let beganAt: number | undefined;
    try {
      return await prisma.$transaction(
        async (tx) => {
          beganAt = now();
          return fn(tx);
        },
        { isolationLevel: Prisma.TransactionIsolationLevel.Serializable, maxWait: 30_000, timeout: attemptMs },
      );
    } catch (error) {
      if (beganAt !== undefined) spentMs += now() - beganAt;
      if (error instanceof WaitAndRetry) {
        // Not a failed attempt: it stopped before writing. Wait for the holder, then run again at once.
        // Waiting for the holder is contention and counts; queueing for a pooled connection is load and does not.
        const waitedFrom = now();
        const waitedMs = await error.wait();
        spentMs += typeof waitedMs === 'number' ? waitedMs : now() - waitedFrom;
        if (spentMs >= budgetMs) {
          throw new TransactionRetriesExhausted(`The transaction waited for others for ${budgetMs} ms (${attempt} attempts); nothing was written. Try again.`, attempt, { cause: error });
        }
        attempt -= 1;
        continue;
      }
      // P2028: the attempt outlived its share of the budget (or waited that long for a connection).
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2028') {
        throw new TransactionRetriesExhausted(`The transaction did not finish in time (${attempt} attempts); nothing was written. Try again.`, attempt, { cause: error });
      }
      if (!isRetryableTransactionError(error, options.retryOnStates)) throw error;
      if (attempt >= maxAttempts) throw error;
      // Full jitter, capped: contenders spread out instead of colliding again in lockstep.
      const ceiling = Math.min(1_000, 10 * 2 ** Math.min(attempt, 7));
      const pause = Math.floor(random() * ceiling);
      if (spentMs + pause >= budgetMs) {
        throw new TransactionRetriesExhausted(`The transaction kept conflicting with others for ${budgetMs} ms (${attempt} attempts); nothing was written. Try again.`, attempt, { cause: error });
      }
      spentMs += pause;
      await sleep(pause, signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
