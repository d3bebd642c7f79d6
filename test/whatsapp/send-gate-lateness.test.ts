/**
 * How late a sender may be for its send slot before it gives the slot up. At Meta's top tier
 * (1,000 messages/s) a slot is 1 ms: a timer that fires 3 ms late (ordinary event-loop jitter)
 * must still send, or every sender re-claims in a loop; 12 ms late is a stall, and the slot is
 * given up for a fresh one. At the default 80/s the half-slot rule (6.25 ms) decides.
 */
import { DEMO } from '../../prisma/seed';
import { createFixedClock, poolOf, type PgClient } from '../../src/platform';
import { buildTextMessage, enqueueOutbound, passSendGate } from '../../src/whatsapp';
import { setupDemo } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('send gate: lateness', () => {
  let db: TestDatabase;
  let businessId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    businessId = (await setupDemo(db.prisma)).businessId;
  });
  afterAll(async () => db.drop());

  /** Passes the gate once for a fresh row; the first wait oversleeps by `lateMs`. Returns the slots given up. */
  async function passWithFirstWaitLate(rate: number, lateMs: number): Promise<number> {
    await db.prisma.whatsAppNumber.update({ where: { phoneNumberId: DEMO.phoneNumberId }, data: { sendRatePerSecond: rate, paceCursorAt: null } });
    const recipient = '34677000001';
    const id = await db.prisma.$transaction((tx) =>
      enqueueOutbound(tx, { businessId, customerId: null, phoneNumberId: DEMO.phoneNumberId, recipient, kind: 'reply', payload: buildTextMessage({ to: recipient, text: 'hello' }) }),
    );
    // The gate on a simulated clock: each wait moves it by exactly what was asked (plus the
    // oversleep), so the lateness is exact whatever the machine's load.
    const clock = createFixedClock('2030-03-04T10:00:00.000Z');
    // Book the next slots up, so the claim's slot lies ahead and the sender really waits for it.
    await db.prisma.whatsAppNumber.update({ where: { phoneNumberId: DEMO.phoneNumberId }, data: { paceCursorAt: new Date(clock.now().getTime() + 20) } });
    let waits = 0;
    let missed = 0;
    const wait = async (ms: number) => clock.set(new Date(clock.now().getTime() + Math.max(0, ms) + (waits++ === 0 ? lateMs : 0)));
    const client = await poolOf(db.prisma).connect();
    try {
      const result = await passSendGate({ clock, wait, onSlotMissed: () => (missed += 1) }, client, { id, phoneNumberId: DEMO.phoneNumberId, attempts: 1, previousStatus: 'queued' });
      expect(result).toEqual({ pass: true });
    } finally {
      client.release();
    }
    return missed;
  }

  it('at 1,000/s a sender 3 ms late still sends in its slot', async () => {
    expect(await passWithFirstWaitLate(1000, 3)).toBe(0);
  });

  it('at 1,000/s a sender 12 ms late gives its slot up and takes a fresh one', async () => {
    expect(await passWithFirstWaitLate(1000, 12)).toBe(1);
  });

  it('at 80/s a sender 12 ms late (about a slot) gives its slot up', async () => {
    expect(await passWithFirstWaitLate(80, 12)).toBe(1);
  });

  it('a sender whose every claim takes longer to answer than half a slot (a loaded machine) books its fresh slot far enough ahead, and sends', async () => {
    await db.prisma.whatsAppNumber.update({ where: { phoneNumberId: DEMO.phoneNumberId }, data: { sendRatePerSecond: 80, paceCursorAt: null } });
    const recipient = '34677000002';
    const id = await db.prisma.$transaction((tx) =>
      enqueueOutbound(tx, { businessId, customerId: null, phoneNumberId: DEMO.phoneNumberId, recipient, kind: 'reply', payload: buildTextMessage({ to: recipient, text: 'hello' }) }),
    );
    // Simulated time: each claim's answer arrives 20 ms after it was sent (over half a slot at 80/s), waits take what they ask.
    const clock = createFixedClock('2030-03-04T11:00:00.000Z');
    const wait = async (ms: number) => clock.set(new Date(clock.now().getTime() + Math.max(0, ms)));
    const pooled = await poolOf(db.prisma).connect();
    let claims = 0;
    const slowClaims = {
      query: async (config: unknown, ...rest: unknown[]) => {
        const isClaim = (config as { name?: string }).name === 'send-gate-claim';
        if (isClaim && ++claims > 10) throw new Error('the sender keeps missing its slot');
        const answer = await (pooled.query as (...args: unknown[]) => Promise<unknown>)(config, ...rest);
        if (isClaim) clock.set(new Date(clock.now().getTime() + 20));
        return answer;
      },
    } as unknown as PgClient;
    let missed = 0;
    try {
      const result = await passSendGate({ clock, wait, onSlotMissed: () => (missed += 1) }, slowClaims, { id, phoneNumberId: DEMO.phoneNumberId, attempts: 1, previousStatus: 'queued' });
      expect(result).toEqual({ pass: true });
    } finally {
      pooled.release();
    }
    // The first slot (claimed for "now") is missed by the answer's delay; the second, booked ahead, is not.
    expect([claims, missed]).toEqual([2, 1]);
  });
});
