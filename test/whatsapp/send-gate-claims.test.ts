/**
 * Claims of one number that arrive while another claim of it is in flight go to the database
 * together (send-gate-claims.ts): one statement books consecutive slots for all of them, marks
 * each row that is still as its sender read it, and refuses them all when the number is booked up.
 * Each sender below has its own connection, as each outbox job has; all use the database's clock.
 */
import { Client } from 'pg';
import { DEMO } from '../../prisma/seed';
import { poolOf, type PgClient } from '../../src/platform';
import { buildTextMessage, enqueueOutbound, passSendGate, type SendGateResult } from '../../src/whatsapp';
import { setupDemo } from '../support/demo';
import { waitUntil } from '../support/wait-until';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const RATE = 100;
const SLOT_MS = 1000 / RATE;

describe('send gate: claims made together', () => {
  let db: TestDatabase;
  let businessId: string;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 10 });
    businessId = (await setupDemo(db.prisma)).businessId;
  });
  afterAll(async () => db.drop());

  /** Queues one reply to each of `count` new recipients; returns the row ids. */
  async function queueReplies(count: number, tag: string): Promise<string[]> {
    return db.prisma.$transaction(async (tx) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) {
        const recipient = `3467${tag}${String(i).padStart(4, '0')}`;
        ids.push(await enqueueOutbound(tx, { businessId, customerId: null, phoneNumberId: DEMO.phoneNumberId, recipient, kind: 'reply', payload: buildTextMessage({ to: recipient, text: 'See you' }) }));
      }
      return ids;
    });
  }

  /** Books the number's slots up to `aheadMs` past the database's now; returns that cursor in epoch ms. */
  async function bookAhead(aheadMs: number): Promise<number> {
    const [row] = await db.prisma.$queryRawUnsafe<Array<{ cursor_ms: number }>>(
      `UPDATE whatsapp_numbers SET send_rate_per_second = $1, pace_cursor_at = clock_timestamp() + make_interval(secs => $2::float8 / 1000)
        WHERE phone_number_id = $3 RETURNING extract(epoch FROM pace_cursor_at)::float8 * 1000 AS cursor_ms`,
      RATE,
      aheadMs,
      DEMO.phoneNumberId,
    );
    return row!.cursor_ms;
  }

  async function cursorMs(): Promise<number> {
    const [row] = await db.prisma.$queryRawUnsafe<Array<{ cursor_ms: number }>>(
      `SELECT extract(epoch FROM pace_cursor_at)::float8 * 1000 AS cursor_ms FROM whatsapp_numbers WHERE phone_number_id = $1`,
      DEMO.phoneNumberId,
    );
    return row!.cursor_ms;
  }

  /**
   * Starts one sender per row at once, each on its own connection, and counts the claim statements
   * they make. `wait` does not sleep: it records when each sender would leave (local time).
   */
  async function passAllAtOnce(ids: string[]): Promise<{ results: SendGateResult[]; claims: number; departures: number[] }> {
    const clients = await Promise.all(ids.map(() => poolOf(db.prisma).connect()));
    let claims = 0;
    const departures: number[] = [];
    const counted = clients.map((client) => {
      const query = ((config: unknown, ...rest: unknown[]) => {
        if ((config as { name?: string }).name === 'send-gate-claim') claims += 1;
        return (client.query as (...args: unknown[]) => unknown)(config, ...rest);
      }) as PgClient['query'];
      return { query } as PgClient;
    });
    const wait = async (ms: number) => void departures.push(performance.now() + ms);
    try {
      const results = await Promise.all(
        ids.map((id, index) => passSendGate({ wait }, counted[index]!, { id, phoneNumberId: DEMO.phoneNumberId, attempts: 1, previousStatus: 'queued' })),
      );
      return { results, claims, departures };
    } finally {
      for (const client of clients) client.release();
    }
  }

  async function statuses(ids: string[]): Promise<Array<{ status: string; attempts: number }>> {
    const rows = await db.prisma.outboxMessage.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, attempts: true } });
    return ids.map((id) => {
      const row = rows.find((candidate) => candidate.id === id)!;
      return { status: row.status, attempts: row.attempts };
    });
  }

  it('six senders claiming at once make two statements and get six consecutive slots, each row marked once', async () => {
    const ids = await queueReplies(6, '10');
    const before = await bookAhead(500);

    const { results, claims, departures } = await passAllAtOnce(ids);

    expect(results).toStrictEqual(ids.map(() => ({ pass: true })));
    // The first claim goes alone at once; the five that arrived while it was in flight go together.
    expect(claims).toBe(2);
    expect(await cursorMs()).toBeCloseTo(before + 6 * SLOT_MS, 3);
    expect(await statuses(ids)).toStrictEqual(ids.map(() => ({ status: 'sending', attempts: 1 })));
    // The five that went together leave one slot apart, in the order they asked.
    const together = departures.slice(1);
    const gaps = together.slice(1).map((at, index) => at - together[index]!);
    for (const gap of gaps) expect(gap).toBeCloseTo(SLOT_MS, 1);
  });

  it('claims that waited behind a slow claim count their wait from their own statement, so none leaves before its slot', async () => {
    const ids = await queueReplies(4, '40');
    await bookAhead(500);
    // Another process's claim holds the number's cursor row: this process's first claim waits for its
    // lock, and the three claims behind it wait in the process meanwhile.
    const other = new Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM whatsapp_numbers WHERE phone_number_id = $1 FOR UPDATE', [DEMO.phoneNumberId]);
      const passing = passAllAtOnce(ids);
      // Found by whom it waits for, not by its text: pg_stat_activity keeps only a statement's first 1 KB.
      const blockedBehindOther = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pg_backend_pid() = ANY (pg_blocking_pids(pid))`;
      await waitUntil(async () => (await other.query(blockedBehindOther)).rows[0].n === 1, 'the first claim to wait for the cursor row');
      // Held on purpose (a slow statement), not to win a race: long enough that counting the three
      // waiting claims' time from when they asked would move them ~200 ms ahead of their slots.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await other.query('COMMIT');
      const { results, claims, departures } = await passing;

      expect(results).toStrictEqual(ids.map(() => ({ pass: true })));
      expect(claims).toBe(2);
      // In slot order, one slot apart, the first claim's sender included. Counted from when they
      // asked, the three would leave ~200 ms before the first. A sender may still err early by the
      // time its statement takes to reach the database (here also its planning on a fresh
      // connection: a few ms), so the first gap has that much slack.
      const gaps = departures.slice(1).map((at, index) => at - departures[index]!);
      expect(gaps[0]).toBeGreaterThan(0);
      for (const gap of gaps.slice(1)) expect(gap).toBeCloseTo(SLOT_MS, 1);
      expect(departures[3]! - departures[0]!).toBeGreaterThan(3 * SLOT_MS - 10);
    } finally {
      await other.end();
    }
  });

  it('a row sent by someone else since it was read takes no slot; the others in its statement still get theirs', async () => {
    const ids = await queueReplies(4, '20');
    // The third row went out meanwhile (another worker sent it after this sender read it as queued).
    await db.prisma.outboxMessage.update({ where: { id: ids[2]! }, data: { status: 'accepted', attempts: 1 } });
    const before = await bookAhead(500);

    const { results, claims } = await passAllAtOnce(ids);

    expect(claims).toBe(2);
    expect(results).toStrictEqual([{ pass: true }, { pass: true }, { pass: false, isStale: true }, { pass: true }]);
    expect(await cursorMs()).toBeCloseTo(before + 3 * SLOT_MS, 3);
    expect(await statuses(ids)).toStrictEqual([
      { status: 'sending', attempts: 1 },
      { status: 'sending', attempts: 1 },
      { status: 'accepted', attempts: 1 },
      { status: 'sending', attempts: 1 },
    ]);
  });

  it('a number booked up beyond the longest wait refuses every claim of the statement and leaves each row as it was read', async () => {
    const ids = await queueReplies(3, '30');
    const before = await bookAhead(5_000);

    const { results, claims } = await passAllAtOnce(ids);

    expect(claims).toBe(2);
    for (const result of results) {
      expect(result).toMatchObject({ pass: false });
      // Come back when the number's slots are about half the in-process wait (2 s) away: ~4 s here.
      expect((result as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(3_000);
    }
    expect(await cursorMs()).toBeCloseTo(before, 3);
    expect(await statuses(ids)).toStrictEqual(ids.map(() => ({ status: 'queued', attempts: 0 })));
  });
});
