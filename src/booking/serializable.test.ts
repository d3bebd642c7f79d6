/**
 * runSerializable's bounds, without a database: retries stop when the time budget is spent or the
 * process is stopping, and an attempt that found its locks taken waits and runs again without
 * counting as a failed attempt.
 */
import type { PrismaClient } from '../platform/database';
import { runSerializable, TransactionRetriesExhausted, WaitAndRetry } from './serializable';

const serializationFailure = () => Object.assign(new Error('could not serialize access due to read/write dependencies among transactions'), { code: '40001' });

/** A client whose transactions run `fn` on a dummy transaction client, counting the attempts. */
function fakePrisma() {
  const calls = { transactions: 0 };
  const prisma = {
    $transaction: async (fn: (tx: unknown) => Promise<unknown>) => {
      calls.transactions += 1;
      return fn({});
    },
  } as unknown as PrismaClient;
  return { prisma, calls };
}

describe('runSerializable', () => {
  it('stops retrying a transaction that keeps conflicting once its time budget is spent, and says so', async () => {
    const { prisma, calls } = fakePrisma();
    let clock = 0;
    const failing = runSerializable(
      prisma,
      async () => {
        clock += 400; // each attempt takes 400 ms
        throw serializationFailure();
      },
      { budgetMs: 1_000, now: () => clock, random: () => 0 },
    );
    await expect(failing).rejects.toBeInstanceOf(TransactionRetriesExhausted);
    await expect(failing).rejects.toThrow(/nothing was written/);
    expect(calls.transactions).toBe(3);
  });

  it('starts no new attempt once the process is stopping', async () => {
    const { prisma, calls } = fakePrisma();
    const stopping = new AbortController();
    const failing = runSerializable(
      prisma,
      async () => {
        stopping.abort();
        throw serializationFailure();
      },
      { signal: stopping.signal, random: () => 0.5 },
    );
    await expect(failing).rejects.toThrow(/process is stopping/);
    expect(calls.transactions).toBe(1);
  });

  it('an attempt that found its locks taken waits, then runs again without using up an attempt', async () => {
    const { prisma, calls } = fakePrisma();
    let waits = 0;
    const result = await runSerializable(
      prisma,
      async () => {
        if (calls.transactions === 1) throw new WaitAndRetry(async () => void (waits += 1));
        return 'booked';
      },
      { maxAttempts: 1 },
    );
    expect([result, waits, calls.transactions]).toEqual(['booked', 1, 2]);
  });

  it('other errors go straight to the caller', async () => {
    const { prisma, calls } = fakePrisma();
    await expect(runSerializable(prisma, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(calls.transactions).toBe(1);
  });

});
