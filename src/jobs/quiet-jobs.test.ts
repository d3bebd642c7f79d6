import type { Pool } from 'pg';
import { createJobNudger } from './quiet-jobs';

/** A pool whose queries stay pending until released, recording how many were in flight at once. */
function createHeldPool() {
  const calls: Array<{ count: number; release: () => void }> = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const pool = {
    query: (_sql: string, values: string[]) =>
      new Promise<void>((resolve) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        calls.push({ count: (JSON.parse(values[0]!) as { count: number }).count, release: () => ((inFlight -= 1), resolve()) });
      }),
  };
  return { pool: pool as unknown as Pool, calls, mostInFlight: () => mostInFlight };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('job nudger (NOTIFY after the commit)', () => {
  it('announces one event-loop turn of stored jobs with one NOTIFY carrying their count', async () => {
    const held = createHeldPool();
    const nudge = createJobNudger(held.pool);
    nudge(1);
    nudge(2);
    nudge(0);
    await nextTurn();
    expect(held.calls.map((call) => call.count)).toEqual([3]);
  });

  it('never holds more than one connection: jobs stored while a NOTIFY waits go out together after it', async () => {
    const held = createHeldPool();
    const nudge = createJobNudger(held.pool);
    nudge(1);
    await nextTurn();
    // The first NOTIFY is stuck (another process's notifying commit holds the lock); 50 more webhooks commit meanwhile.
    for (let i = 0; i < 50; i += 1) {
      nudge(1);
      await nextTurn();
    }
    expect(held.calls).toHaveLength(1);
    held.calls[0]!.release();
    await nextTurn();
    await nextTurn();
    expect(held.calls.map((call) => call.count)).toEqual([1, 50]);
    held.calls[1]!.release();
    await nextTurn();
    nudge(4);
    await nextTurn();
    expect(held.calls.map((call) => call.count)).toEqual([1, 50, 4]);
    expect(held.mostInFlight()).toBe(1);
  });
});
