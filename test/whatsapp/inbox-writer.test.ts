/**
 * Webhooks that arrive together are stored together (one statement, one commit): every message
 * once, its job with it, each webhook told how many of its messages were new, and a redelivery
 * inside the same batch stores nothing twice. A lone webhook takes the same path (a group of one)
 * and stores the same rows.
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
  function webhook(from: string, ids: string[], name = 'Burst Customer', text = (id: string) => `message ${id}`): InboundMessageEvent[] {
    const body = {
      object: 'whatsapp_business_account',
      entry: [{ id: 'waba', changes: [{ field: 'messages', value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '34600000001', phone_number_id: DEMO.phoneNumberId },
        contacts: [{ profile: { name }, wa_id: from }],
        messages: ids.map((id, i) => ({ from, id, timestamp: String(1795000000 + i), type: 'text', text: { body: text(id) } })),
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

  /** The transaction that wrote each message (rows written in one commit share it). */
  async function writtenBy(ids: string[]): Promise<string[]> {
    const rows = await db.prisma.$queryRaw<Array<{ id: string; xid: string }>>`SELECT wa_message_id AS id, xmin::text AS xid FROM inbox_messages WHERE wa_message_id = ANY(${ids})`;
    return ids.map((id) => rows.find((row) => row.id === id)!.xid);
  }

  /** What a webhook stored for its one message: the inbox row, the customer row and the job, without their own ids. */
  async function storedFor(waMessageId: string): Promise<Record<string, unknown>> {
    const [inbox] = await db.prisma.$queryRaw<Array<Record<string, unknown>>>`SELECT * FROM inbox_messages WHERE wa_message_id = ${waMessageId}`;
    const [customer] = await db.prisma.$queryRaw<Array<Record<string, unknown>>>`SELECT * FROM customers WHERE id = ${inbox!.customer_id}::uuid`;
    const [job] = await db.prisma.$queryRaw<Array<Record<string, unknown>>>`
      SELECT t.identifier AS task_identifier, j.payload, j.priority, j.max_attempts, j.attempts, j.key, j.job_queue_id, j.flags, j.locked_at, j.run_at <= now() AS is_due
        FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE j.key = ${`inbox:${String(inbox!.customer_id)}`}`;
    const { id: _inboxId, customer_id: customerId, wa_message_id: _waMessageId, ...inboxColumns } = inbox!;
    const { id: _customerId, wa_id: _waId, phone_e164: phone, created_at: _created, updated_at: _updated, ...customerColumns } = customer!;
    const payload = job!.payload as Record<string, unknown>;
    expect(payload.customerId).toBe(customerId);
    expect(String(phone)).toBe(`+${String(customer!.wa_id)}`);
    return { inbox: inboxColumns, customer: customerColumns, job: { ...job, key: 'inbox:<customer>', payload: { ...payload, customerId: '<customer>' } } };
  }

  it('a lone webhook and a grouped one store the same rows: inbox message, customer, job with its trace', async () => {
    const writer = createInboxWriter(db.prisma);
    const receivedAt = new Date('2026-12-02T09:00:00Z');
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const same = { businessId, phoneNumberId: DEMO.phoneNumberId, receivedAt, traceparent };
    const hello = () => 'hello';
    expect(await writer.store({ ...same, events: webhook('34699400001', ['wamid.same.lone'], 'Same Name', hello) })).toBe(1);
    // A writer of its own (the first one finishes its loop a moment after answering): the first of
    // three goes alone, the two behind it go together.
    const another = createInboxWriter(db.prisma);
    const counts = await Promise.all([
      another.store({ ...same, events: webhook('34699400002', ['wamid.same.first'], 'Same Name', hello) }),
      another.store({ ...same, events: webhook('34699400003', ['wamid.same.grouped'], 'Same Name', hello) }),
      another.store({ ...same, events: webhook('34699400004', ['wamid.same.companion'], 'Same Name', hello) }),
    ]);
    expect(counts).toEqual([1, 1, 1]);
    const [first, grouped, companion] = await writtenBy(['wamid.same.first', 'wamid.same.grouped', 'wamid.same.companion']);
    expect(grouped).toBe(companion);
    expect(grouped).not.toBe(first);

    const lone = await storedFor('wamid.same.lone');
    expect(await storedFor('wamid.same.grouped')).toEqual(lone);
    expect(lone).toMatchObject({
      inbox: { business_id: businessId, type: 'text', received_at: receivedAt, processed_at: null },
      customer: { business_id: businessId, name: 'Same Name', last_inbound_at: receivedAt, last_phone_number_id: DEMO.phoneNumberId },
      job: { task_identifier: 'process_inbox', payload: { businessId, customerId: '<customer>', traceparent }, attempts: 0, locked_at: null },
    });
  });

  it('webhooks of a group each hand their own trace to their sender’s job; a sender’s newest webhook wins; an untraced one has none', async () => {
    const writer = createInboxWriter(db.prisma);
    const receivedAt = new Date();
    const trace = (n: number) => `00-${String(n).repeat(32)}-${String(n).repeat(16)}-01`;
    const [a, b, c] = ['34699500001', '34699500002', '34699500003'];
    await Promise.all([
      writer.store({ businessId, events: webhook('34699500000', ['wamid.trace.first']), receivedAt, traceparent: trace(9) }),
      writer.store({ businessId, events: webhook(a!, ['wamid.trace.a1']), receivedAt, traceparent: trace(1) }),
      writer.store({ businessId, events: webhook(b!, ['wamid.trace.b']), receivedAt, traceparent: trace(2) }),
      writer.store({ businessId, events: webhook(a!, ['wamid.trace.a2']), receivedAt, traceparent: trace(3) }),
      writer.store({ businessId, events: webhook(c!, ['wamid.trace.c']), receivedAt }),
    ]);
    const xids = await writtenBy(['wamid.trace.a1', 'wamid.trace.b', 'wamid.trace.a2', 'wamid.trace.c']);
    expect(new Set(xids).size).toBe(1);
    const jobs = await db.prisma.$queryRaw<Array<{ wa_id: string; payload: Record<string, unknown> }>>`
      SELECT c.wa_id, j.payload FROM graphile_worker._private_jobs j JOIN customers c ON j.key = 'inbox:' || c.id::text WHERE c.wa_id = ANY(${[a, b, c]}) ORDER BY c.wa_id`;
    expect(jobs.map((job) => [job.wa_id, job.payload.traceparent])).toEqual([
      [a, trace(3)],
      [b, trace(2)],
      [c, undefined],
    ]);
  });
});
