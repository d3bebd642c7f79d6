/**
 * Webhooks that arrive together are stored together (one statement, one commit): every message
 * once, its job with it, each webhook told how many of its messages were new, and a redelivery
 * inside the same batch stores nothing twice.
 */
import { DEMO } from '../../prisma/seed';
import { migrateJobQueue } from '../../src/jobs';
import { parseWebhookPayload, type InboundMessageEvent } from '../../src/whatsapp';
import { createInboxWriter } from '../../src/whatsapp/inbox-writer';
import { setupDemo } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('inbox writer (group commit)', () => {
  let db: TestDatabase;
  let businessId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    businessId = (await setupDemo(db.prisma)).businessId;
    await migrateJobQueue(db.url);
  });
  afterAll(async () => db.drop());

  /** A webhook's message events: one per id, all from `from`. */
  function webhook(from: string, ids: string[], name = 'Burst Customer'): InboundMessageEvent[] {
    const body = {
      object: 'whatsapp_business_account',
      entry: [{ id: 'waba', changes: [{ field: 'messages', value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '34600000001', phone_number_id: DEMO.phoneNumberId },
        contacts: [{ profile: { name }, wa_id: from }],
        messages: ids.map((id, i) => ({ from, id, timestamp: String(1795000000 + i), type: 'text', text: { body: `message ${id}` } })),
      } }] }],
    };
    const parsed = parseWebhookPayload(body, { receivedAt: new Date() });
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.events.filter((event): event is InboundMessageEvent => event.kind === 'message');
  }

  it('stores a burst of webhooks once each, with one job per sender, and counts each webhook’s new messages', async () => {
    const writer = createInboxWriter(db.prisma);
    const receivedAt = new Date();
    // 10 senders × 3 webhooks, one of which holds two messages, the last with a new profile name;
    // then redeliveries of 5 last webhooks.
    const webhooks: InboundMessageEvent[][] = [];
    for (let s = 0; s < 10; s += 1) {
      const from = `3469900${String(s).padStart(4, '0')}`;
      webhooks.push(webhook(from, [`wamid.burst.${s}.a`]), webhook(from, [`wamid.burst.${s}.b`, `wamid.burst.${s}.c`]), webhook(from, [`wamid.burst.${s}.d`], `Renamed ${s}`));
    }
    const redeliveries = webhooks.filter((_, i) => i % 3 === 2).slice(0, 5);
    // All at once: the first is written alone, the rest queue behind it and go together.
    const counts = await Promise.all([...webhooks, ...redeliveries].map((events) => writer.store({ businessId, events, receivedAt })));

    const newCounts = counts.slice(0, webhooks.length);
    expect(newCounts).toEqual(webhooks.map((events) => events.length));
    expect(counts.slice(webhooks.length)).toEqual([0, 0, 0, 0, 0]);
    const inbox = await db.prisma.inboxMessage.findMany({ where: { waMessageId: { startsWith: 'wamid.burst.' } } });
    expect(inbox).toHaveLength(40);
    // One job per sender (its key collapses the sender's burst), naming the sender.
    const jobs = await db.prisma.$queryRaw<Array<{ key: string }>>`SELECT key FROM graphile_worker.jobs WHERE task_identifier = 'process_inbox'`;
    const senders = [...new Set(inbox.map((row) => row.customerId))].sort();
    expect(jobs.map((job) => job.key).sort()).toEqual(senders.map((id) => `inbox:${id}`));
    const customers = await db.prisma.customer.findMany({ where: { waId: { startsWith: '3469900' } }, orderBy: { waId: 'asc' } });
    expect(customers).toHaveLength(10);
    // Every message belongs to its sender's one customer row, which kept the newest profile name.
    for (const customer of customers) {
      expect(inbox.filter((row) => row.customerId === customer.id)).toHaveLength(4);
      expect(customer.name).toBe(`Renamed ${Number(customer.waId.slice(-4))}`);
    }
  });

  it('a message id delivered twice in one batch is stored once and counted for one webhook', async () => {
    const writer = createInboxWriter(db.prisma);
    const receivedAt = new Date();
    const first = webhook('34699100001', ['wamid.twice.warmup']);
    const original = webhook('34699100002', ['wamid.twice.same']);
    const redelivered = webhook('34699100002', ['wamid.twice.same']);
    const counts = await Promise.all([first, original, redelivered].map((events) => writer.store({ businessId, events, receivedAt })));
    expect(counts).toEqual([1, 1, 0]);
    expect(await db.prisma.inboxMessage.count({ where: { waMessageId: 'wamid.twice.same' } })).toBe(1);
  });

  it('a webhook whose message time cannot be stored never holds up the 30 stored with it: all answered, the bad one at its receive time', async () => {
    const writer = createInboxWriter(db.prisma);
    const receivedAt = new Date('2026-12-01T10:00:00Z');
    const webhooks = Array.from({ length: 31 }, (_, i) => webhook(`3469920${String(i).padStart(4, '0')}`, [`wamid.isolated.${i}`]));
    // What a parser bug or a future field could hand over: an Invalid Date, and a year PostgreSQL refuses.
    webhooks[10]![0]!.timestamp = new Date(Number.NaN);
    webhooks[20]![0]!.timestamp = new Date(-8.6e15);
    const counts = await Promise.all(webhooks.map((events) => writer.store({ businessId, events, receivedAt })));
    expect(counts).toEqual(webhooks.map(() => 1));
    const rows = await db.prisma.inboxMessage.findMany({ where: { waMessageId: { in: ['wamid.isolated.10', 'wamid.isolated.20', 'wamid.isolated.11'] } }, orderBy: { waMessageId: 'asc' } });
    expect(rows.map((row) => [row.waMessageId, row.sentAt.toISOString()])).toEqual([
      ['wamid.isolated.10', receivedAt.toISOString()],
      ['wamid.isolated.11', '2026-11-18T11:06:40.000Z'],
      ['wamid.isolated.20', receivedAt.toISOString()],
    ]);
  });

  it('a webhook whose row cannot even be built fails alone; the others of its batch are stored and answered', async () => {
    const writer = createInboxWriter(db.prisma);
    const receivedAt = new Date();
    const webhooks = Array.from({ length: 5 }, (_, i) => webhook(`3469930${String(i).padStart(4, '0')}`, [`wamid.unbuildable.${i}`]));
    // A cycle JSON cannot encode stands for any row the batch statement cannot take.
    const cyclic: Record<string, unknown> = { type: 'text', text: 'loop' };
    cyclic.self = cyclic;
    webhooks[3]![0]!.message = cyclic as unknown as InboundMessageEvent['message'];
    const results = await Promise.allSettled(webhooks.map((events) => writer.store({ businessId, events, receivedAt })));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(await db.prisma.inboxMessage.count({ where: { waMessageId: { startsWith: 'wamid.unbuildable.' } } })).toBe(4);
  });
});
