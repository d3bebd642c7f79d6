/**
 * The send gate's claim under concurrency: each sender's claim books one slot of the number's
 * cursor and marks its row, only while the row is still as its sender read it, and nothing at
 * all when the number is booked up beyond the longest wait. Each sender below has its own
 * connection, as each outbox job has; all use the database's clock.
 */
import { DEMO } from '../../prisma/seed';
import { poolOf, type PgClient } from '../../src/platform';
import { buildTextMessage, enqueueOutbound, passSendGate, type SendGateResult } from '../../src/whatsapp';
import { setupDemo } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const RATE = 100;
const SLOT_MS = 1000 / RATE;

describe('send gate: concurrent claims', () => {
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

  it('a row sent by someone else since it was read takes no slot; the other senders still get theirs', async () => {
    const ids = await queueReplies(4, '20');
    // The third row went out meanwhile (another worker sent it after this sender read it as queued).
    await db.prisma.outboxMessage.update({ where: { id: ids[2]! }, data: { status: 'accepted', attempts: 1 } });
    const before = await bookAhead(500);

    const { results, claims } = await passAllAtOnce(ids);

    expect(claims).toBe(4);
    expect(results).toStrictEqual([{ pass: true }, { pass: true }, { pass: false, isStale: true }, { pass: true }]);
    expect(await cursorMs()).toBeCloseTo(before + 3 * SLOT_MS, 3);
    expect(await statuses(ids)).toStrictEqual([
      { status: 'sending', attempts: 1 },
      { status: 'sending', attempts: 1 },
      { status: 'accepted', attempts: 1 },
      { status: 'sending', attempts: 1 },
    ]);
  });

  it('a number booked up beyond the longest wait refuses every claim and leaves each row as it was read', async () => {
    const ids = await queueReplies(3, '30');
    const before = await bookAhead(5_000);

    const { results, claims } = await passAllAtOnce(ids);

    expect(claims).toBe(3);
    for (const result of results) {
      expect(result).toMatchObject({ pass: false });
      // Come back when the number's slots are about half the in-process wait (2 s) away: ~4 s here.
      expect((result as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(3_000);
    }
    expect(await cursorMs()).toBeCloseTo(before, 3);
    expect(await statuses(ids)).toStrictEqual(ids.map(() => ({ status: 'queued', attempts: 0 })));
  });
});
