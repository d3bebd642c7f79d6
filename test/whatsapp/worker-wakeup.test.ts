/**
 * The webhook adds its jobs without NOTIFY inside the transaction (PostgreSQL serialises the
 * commits of notifying transactions) and wakes the job runners after the commit instead. With a
 * runner that would otherwise look for work only once a minute, the customer still gets an answer
 * at once: the wake-up arrives, and the job is already committed when it does.
 */
import request from 'supertest';
import { buildWebhook, startChannel, type ChannelHarness } from '../support/channel-harness';
import { setupDemo } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { signBody } from '../../src/whatsapp';

const SECRET = 'channel-test-secret';

describe('job runners wake up after the webhook commits', () => {
  let db: TestDatabase;
  let channel: ChannelHarness;

  beforeAll(async () => {
    db = await createTestDatabase();
    await setupDemo(db.prisma);
    channel = await startChannel(db, { pollIntervalMs: 60_000 });
  });
  afterAll(async () => {
    await channel.stop();
    await db.drop();
  });

  it('answers a burst of customers long before the next poll', async () => {
    // First a whole turn, so the runner has finished its start-up sweep and gone idle: from here
    // on only a wake-up (or the poll a minute away) makes it look for work.
    const senders = Array.from({ length: 12 }, (_, i) => `3461100${String(i).padStart(4, '0')}`);
    await channel.send('34611009999', { type: 'text', text: { body: 'hi' } });
    const startedAt = Date.now();
    await Promise.all(
      senders.map(async (from) => {
        const body = buildWebhook(from, { type: 'text', text: { body: 'hi' } });
        const res = await request(channel.app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody(SECRET, body)).send(body);
        expect(res.status).toBe(200);
      }),
    );
    // Wait for the condition (every sender answered) with a deadline far below the 60 s poll.
    const answered = () => new Set(channel.graph.messages().filter((m) => m.type === 'interactive' && senders.includes(m.to as string)).map((m) => m.to as string));
    while (answered().size < senders.length && Date.now() - startedAt < 20_000) await new Promise((resolve) => setTimeout(resolve, 20));
    expect([...answered()].sort()).toEqual([...senders].sort());
    expect(Date.now() - startedAt).toBeLessThan(20_000);
  });
});
