/**
 * The lost-job race, forced step by step: a webhook's add_jobs finds the sender's job free, a
 * worker locks that job before add_jobs' insert, so the insert leaves the running job's key alone
 * and adds no successor. The job that just started must then still see the webhook's message:
 * processInbox reads the inbox only after every webhook holding the sender's row has committed.
 * The interleaving is held with locks (a worker's open transaction on the job, an advisory lock a
 * test trigger takes at the webhook's commit), never with timing.
 */
import { Client } from 'pg';
import { DEMO } from '../../prisma/seed';
import { createBookingService } from '../../src/booking';
import { processInbox } from '../../src/conversation';
import { findPendingInbox } from '../../src/conversation/conversation-repository';
import { migrateJobQueue } from '../../src/jobs';
import { createFixedClock, createLogger, poolOf } from '../../src/platform';
import { parseWebhookPayload, type InboundMessageEvent } from '../../src/whatsapp';
import { createInboxWriter } from '../../src/whatsapp/inbox-writer';
import { setupDemo } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitUntil } from '../support/wait-until';

const SENDER = '34699600001';
const HOLD_COMMIT_LOCK = 4242;

describe('a message stored while its sender’s job starts', () => {
  let db: TestDatabase;
  let businessId: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    businessId = (await setupDemo(db.prisma)).businessId;
    await migrateJobQueue(db.url);
    // Test-only: the commit of a webhook storing a "held" message waits for an advisory lock the test holds.
    await db.prisma.$executeRawUnsafe(`CREATE FUNCTION test_hold_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_advisory_xact_lock(${HOLD_COMMIT_LOCK}); RETURN NULL; END $$`);
    await db.prisma.$executeRawUnsafe(`CREATE CONSTRAINT TRIGGER test_hold_commit AFTER INSERT ON inbox_messages DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (NEW.wa_message_id LIKE 'wamid.held.%') EXECUTE FUNCTION test_hold_commit()`);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end()));
    await db.drop();
  });

  async function connect(): Promise<Client> {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    clients.push(client);
    return client;
  }

  function webhook(id: string): InboundMessageEvent[] {
    const body = {
      object: 'whatsapp_business_account',
      entry: [{ id: 'waba', changes: [{ field: 'messages', value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '34600000001', phone_number_id: DEMO.phoneNumberId },
        contacts: [{ profile: { name: 'Race Customer' }, wa_id: SENDER }],
        messages: [{ from: SENDER, id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'hi' } }],
      } }] }],
    };
    const parsed = parseWebhookPayload(body, { receivedAt: new Date() });
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.events.filter((event): event is InboundMessageEvent => event.kind === 'message');
  }

  /** The backend running a statement that contains `text` while it waits for `blockerPid`, if any. */
  async function blockedPid(text: string, blockerPid: number): Promise<number | undefined> {
    const rows = await db.prisma.$queryRaw<Array<{ pid: number }>>`
      SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active' AND position(${text} in query) > 0
         AND ${blockerPid}::int = ANY(pg_blocking_pids(pid))`;
    return rows[0]?.pid;
  }

  it('is handled by the job that was already running, which got no successor', async () => {
    const writer = createInboxWriter(db.prisma);
    const receivedAt = new Date();
    expect(await writer.store({ businessId, phoneNumberId: DEMO.phoneNumberId, events: webhook('wamid.race.first'), receivedAt })).toBe(1);
    const customerId = (await db.prisma.customer.findFirstOrThrow({ where: { businessId, waId: SENDER } })).id;
    const key = `inbox:${customerId}`;

    const worker = await connect();
    const holder = await connect();
    const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const workerPid = (await worker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await holder.query('SELECT pg_advisory_lock($1)', [HOLD_COMMIT_LOCK]);
    // A worker takes the sender's job (as graphile-worker's get_job does), not committed yet.
    await worker.query('BEGIN');
    await worker.query(`UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'test-worker' WHERE key = $1`, [key]);

    // The webhook's add_jobs clears no key (in its snapshot the job is free), then its insert waits for the worker…
    const held = writer.store({ businessId, phoneNumberId: DEMO.phoneNumberId, events: webhook('wamid.held.second'), receivedAt });
    await waitUntil(async () => (await blockedPid('jsonb_to_recordset', workerPid)) !== undefined, 'the webhook waiting for the worker\'s lock on the job');
    // …which now has the job: the insert finds it locked and leaves it be. The webhook holds at its commit.
    await worker.query('COMMIT');
    let webhookPid: number | undefined;
    await waitUntil(async () => (webhookPid = await blockedPid('jsonb_to_recordset', holderPid)) !== undefined, 'the webhook holding at its commit');
    const jobs = await db.prisma.$queryRaw<Array<{ locked_by: string | null }>>`SELECT locked_by FROM graphile_worker._private_jobs WHERE key = ${key} OR payload->>'customerId' = ${customerId}`;
    expect(jobs).toEqual([{ locked_by: 'test-worker' }]);
    // A read now would miss the message, and no job would ever come for it.
    expect((await findPendingInbox(poolOf(db.prisma), { businessId, customerId, limit: 20 })).map((row) => row.waMessageId)).toEqual(['wamid.race.first']);

    // The running job waits for the webhook's commit before it reads the inbox.
    const clock = createFixedClock(new Date());
    const deps = { prisma: db.prisma, clock, logger: createLogger('silent'), bookings: createBookingService({ prisma: db.prisma, clock }) };
    let isDone = false;
    const handled = processInbox(deps, { businessId, customerId }).finally(() => (isDone = true));
    await waitUntil(async () => isDone || (await blockedPid('FOR SHARE', webhookPid!)) !== undefined, 'the job waiting for the webhook (or done)');
    await holder.query('SELECT pg_advisory_unlock($1)', [HOLD_COMMIT_LOCK]);
    expect(await held).toBe(1);
    expect(await handled).toBe(2);
    const inbox = await db.prisma.inboxMessage.findMany({ where: { customerId }, orderBy: { waMessageId: 'asc' } });
    expect(inbox.map((row) => [row.waMessageId, row.processedAt !== null])).toEqual([
      ['wamid.held.second', true],
      ['wamid.race.first', true],
    ]);
  });
});
