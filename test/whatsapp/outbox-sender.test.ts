/**
 * The outbox sender under concurrency: two workers running the same recipient's job at once
 * (a new job is created while one runs) send every message once, in the order produced.
 */
import { createFixedClock, createLogger } from '../../src/platform';
import { buildTextMessage, createGraphClient, enqueueOutbound, sendQueuedForRecipient } from '../../src/whatsapp';
import { DEMO } from '../../prisma/seed';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph';
import { setupDemo } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('outbox sender', () => {
  let db: TestDatabase;
  let graph: FakeGraph;
  let businessId: string;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 12 });
    businessId = (await setupDemo(db.prisma)).businessId;
    graph = await startFakeGraph();
  });
  afterAll(async () => {
    await graph.close();
    await db.drop();
  });

  it('two concurrent runs for one recipient send each message exactly once, in order', async () => {
    const recipient = '34633000001';
    for (let i = 1; i <= 8; i += 1) {
      await db.prisma.$transaction((tx) =>
        enqueueOutbound(tx, { businessId, customerId: null, phoneNumberId: DEMO.phoneNumberId, recipient, kind: 'reply', payload: buildTextMessage({ to: recipient, text: `message ${i}` }) }),
      );
    }
    const deps = {
      prisma: db.prisma,
      clock: createFixedClock('2030-01-01T00:00:00Z'),
      logger: createLogger('silent'),
      graph: createGraphClient({ baseUrl: graph.baseUrl, accessToken: 'test' }),
    };
    await Promise.all([sendQueuedForRecipient(deps, { businessId, recipient }), sendQueuedForRecipient(deps, { businessId, recipient })]);
    // The run that found the recipient busy re-queued itself; whatever is left is sent by a third run.
    await sendQueuedForRecipient(deps, { businessId, recipient });
    const texts = graph.messages().filter((m) => m.to === recipient).map((m) => (m.text as { body: string }).body);
    expect(texts).toEqual(Array.from({ length: 8 }, (_, i) => `message ${i + 1}`));
    const rows = await db.prisma.outboxMessage.findMany({ where: { recipient } });
    expect(rows.every((row) => row.status === 'accepted' && row.attempts === 1 && row.providerMessageId)).toBe(true);
  });
});
