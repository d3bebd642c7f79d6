/**
 * A busy slot, for real: two app instances (each its own connection pool, job runner and HTTP app)
 * on one database, and 30 contenders for one staff member's slot arriving at once through every
 * path that books — chat customers tapping Confirm, Flow completions, REST creates and REST
 * reschedules. Exactly one wins, every other one hears "taken" with alternatives, nobody waits on a
 * deadlock (PostgreSQL counts none) and no request is left without an answer.
 */
import request from 'supertest';
import { createApiKey } from '../../src/api';
import { createApp } from '../../src/app';
import { createBookingService, type BookingService } from '../../src/booking';
import { migrateJobQueue, startJobRunner, type JobRunner } from '../../src/jobs';
import { createFixedClock, createLogger, createPrismaClient, disconnectPrisma, loadConfig, type PrismaClient } from '../../src/platform';
import { createBookingListeners } from '../../src/reminders';
import type { Slot } from '../../src/scheduling';
import { buildTaskList } from '../../src/tasks';
import { createGraphClient, signBody } from '../../src/whatsapp';
import { issueFlowToken } from '../../src/flows';
import { buildWebhook, nextMondayMorning } from '../support/channel-harness';
import { setupDemo, type DemoHandles } from '../support/demo';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitUntil } from '../support/wait-until';

type Msg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const SECRET = 'contention-test-secret';
const text = (body: string) => ({ type: 'text', text: { body } });
const tap = (id: string) => ({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id, title: 'x' } } });
const rowsOf = (m: Msg): string[] => (m.interactive?.action?.sections ?? []).flatMap((s: Msg) => s.rows.map((r: Msg) => r.id as string));
const buttonsOf = (m: Msg): string[] => (m.interactive?.action?.buttons ?? []).map((b: Msg) => b.reply.id as string);
const bodyOf = (m: Msg) => (m.text?.body ?? m.interactive?.body?.text ?? '') as string;
const last = <T>(items: T[]) => items[items.length - 1]!;

const CHAT = 8;
const FLOW = 8;
const REST_CREATE = 10;
const REST_RESCHEDULE = 4;
const INSTANCE_APP_NAME = 'tapbook-contention-instance';

/** One app process as far as the database can tell: its own pool, job runner and HTTP app. */
interface Instance {
  prisma: PrismaClient;
  runner: JobRunner;
  app: ReturnType<typeof createApp>;
}

describe('30 contenders for one slot from two app instances', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let graph: FakeGraph;
  const instances: Instance[] = [];
  const now = nextMondayMorning();
  const clock = createFixedClock(now);
  let apiKey: string;
  let bookings: BookingService;

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    graph = await startFakeGraph();
    await migrateJobQueue(db.url);
    apiKey = (await createApiKey(db.prisma, { businessId: demo.businessId, role: 'admin', name: 'contention test' })).key;
    bookings = createBookingService({ prisma: db.prisma, clock });
    const config = loadConfig({ DATABASE_URL: db.url, WHATSAPP_APP_SECRET: SECRET, WHATSAPP_ACCESS_TOKEN: 'test-token', WHATSAPP_GRAPH_URL: graph.baseUrl });
    const logger = createLogger('silent');
    // Their connections carry a name, so the test can tell when they have all gone (see countDeadlocks).
    const url = `${db.url}${db.url.includes('?') ? '&' : '?'}application_name=${INSTANCE_APP_NAME}`;
    for (let i = 0; i < 2; i += 1) {
      const prisma = createPrismaClient({ url, poolSize: 8 });
      const instanceBookings = createBookingService({ prisma, clock, listeners: createBookingListeners({ clock }) });
      const runner = await startJobRunner({
        connectionString: url,
        concurrency: 4,
        logger,
        pollIntervalMs: 50,
        tasks: buildTaskList({ prisma, logger, clock, config, bookings: instanceBookings, graph: createGraphClient({ baseUrl: graph.baseUrl, accessToken: 'test-token' }) }),
      });
      instances.push({ prisma, runner, app: createApp({ config, prisma, logger, clock }) });
    }
  });
  afterAll(async () => {
    for (const instance of instances) await instance.runner.stop().catch(() => undefined);
    for (const instance of instances) await disconnectPrisma(instance.prisma);
    await graph?.close();
    await db?.drop();
  });

  /** Waits until every inbox message is processed, every job done and every reply sent. */
  async function settle(): Promise<void> {
    try {
      await waitUntilSettled();
    } catch (error) {
      const jobs = await db.prisma.$queryRaw`SELECT task_identifier, attempts, last_error, locked_at, run_at FROM graphile_worker.jobs`;
      const outbox = await db.prisma.outboxMessage.groupBy({ by: ['status'], _count: true });
      const inbox = await db.prisma.inboxMessage.count({ where: { processedAt: null } });
      throw new Error(`${(error as Error).message}: jobs ${JSON.stringify(jobs)}, outbox ${JSON.stringify(outbox)}, ${inbox} inbox rows unprocessed`);
    }
  }

  async function waitUntilSettled(): Promise<void> {
    await waitUntil(
      async () => {
        const [jobs] = await db.prisma.$queryRaw<Array<{ n: bigint }>>`
          SELECT count(*) AS n FROM graphile_worker.jobs WHERE (run_at <= now() AND attempts < max_attempts) OR locked_at IS NOT NULL`;
        const waiting = await db.prisma.outboxMessage.count({ where: { status: { in: ['queued', 'sending'] }, nextAttemptAt: null } });
        const unprocessed = await db.prisma.inboxMessage.count({ where: { processedAt: null } });
        return Number(jobs!.n) === 0 && waiting === 0 && unprocessed === 0;
      },
      'every message processed and answered',
      60_000,
    );
  }

  async function postWebhook(instance: Instance, from: string, message: Record<string, unknown>): Promise<void> {
    const body = buildWebhook(from, message);
    const res = await request(instance.app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody(SECRET, body)).send(body);
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${JSON.stringify(res.body)}`);
  }

  /** Every customer sends one message at once (through both instances); resolves with each one's replies. */
  async function sendEach(froms: string[], message: (from: string) => Record<string, unknown>): Promise<Map<string, Msg[]>> {
    const before = graph.messages().length;
    await Promise.all(froms.map((from, i) => postWebhook(instances[i % 2]!, from, message(from))));
    await settle();
    const sent = graph.messages().slice(before);
    return new Map(froms.map((from) => [from, sent.filter((m) => m.to === from)]));
  }

  it('one booking; every chat, Flow and REST contender gets an answer: booked, or taken with alternatives; no deadlock', async () => {
    // The slot: Dr. Ana's first free time the day after tomorrow.
    const dayAfterTomorrow = new Date(now.getTime() + 2 * 86_400_000);
    const { slots } = await bookings.findSlots({ businessId: demo.businessId, serviceId: demo.services.consultation, staffId: demo.staff.ana, from: dayAfterTomorrow });
    const slot: Slot = slots[0]!;
    const slotRow = `slot:${slot.start.toISOString()}|${demo.staff.ana}`;

    // Chat customers walk to the summary of that slot. Each tap on a time holds it; holds are let go
    // (as if each customer sat on the summary past the hold), so everyone reaches Confirm.
    const chatFroms = Array.from({ length: CHAT }, (_, i) => `3463100${String(i).padStart(4, '0')}`);
    await sendEach(chatFroms, () => text('hi'));
    await sendEach(chatFroms, () => tap('menu:book'));
    await sendEach(chatFroms, () => tap(`service:${demo.services.consultation}`));
    const days = await sendEach(chatFroms, () => tap(`staff:${demo.staff.ana}`));
    for (const from of chatFroms) {
      const dayRow = rowsOf(last(days.get(from)!)).find((id) => id.includes(slot.localDate));
      expect(dayRow).toBeDefined();
      const times = await sendEach([from], () => tap(dayRow!));
      expect(rowsOf(last(times.get(from)!))).toContain(slotRow);
      const summary = await sendEach([from], () => tap(slotRow));
      expect(buttonsOf(last(summary.get(from)!))).toEqual(['summary:confirm', 'summary:change']);
      await db.prisma.slotHold.deleteMany();
    }

    // Flow customers hold a completed form for the same slot.
    const flowCustomerIds = await demo.createCustomers(FLOW, '3463200');
    const flowCustomers = await db.prisma.customer.findMany({ where: { id: { in: flowCustomerIds } }, select: { id: true, waId: true } });
    const flowMessages = new Map<string, Record<string, unknown>>();
    for (const customer of flowCustomers) {
      const token = await issueFlowToken(db.prisma, { businessId: demo.businessId, customerId: customer.id, mode: 'book', locale: 'en', ttlMinutes: 60, now });
      const answer = { flow: 'booking', service_id: demo.services.consultation, staff_id: demo.staff.ana, slot_start: slot.start.toISOString(), hold_id: '', customer_name: 'X', note: '', flow_token: token };
      flowMessages.set(customer.waId, { type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: JSON.stringify(answer) } } });
    }

    // REST clients: new bookings of that slot, and bookings elsewhere (Dr. Ana later that day, Dr. Ben
    // or Carla at that very time) moved onto it.
    const restCustomers = await demo.createCustomers(REST_CREATE, '3463300');
    const movers = await demo.createCustomers(REST_RESCHEDULE, '3463400');
    const later = (await bookings.findSlots({ businessId: demo.businessId, serviceId: demo.services.consultation, from: new Date(slot.start.getTime() + 3 * 3_600_000) })).slots;
    const elsewhere: Array<{ staffId: string; start: Date }> = [
      ...slot.staffIds.filter((id) => id !== demo.staff.ana).map((staffId) => ({ staffId, start: slot.start })),
      ...later.filter((s) => s.localDate === slot.localDate && s.staffIds.includes(demo.staff.ana)).filter((_, i) => i % 4 === 0).map((s) => ({ staffId: demo.staff.ana, start: s.start })),
    ].slice(0, REST_RESCHEDULE);
    expect(elsewhere).toHaveLength(REST_RESCHEDULE);
    const moving: string[] = [];
    for (const [i, place] of elsewhere.entries()) {
      const booked = await bookings.confirmSlot({ businessId: demo.businessId, customerId: movers[i]!, serviceId: demo.services.consultation, ...place, source: 'api', actor: 'test' });
      if (!booked.ok) throw new Error('could not arrange a booking to move');
      moving.push(booked.booking.uid);
    }
    const when = { date: slot.localDate, time: slot.localTime, timezone: 'Europe/Madrid', staffId: demo.staff.ana };
    const api = (i: number, path: string, body: unknown) => request(instances[i % 2]!.app).post(path).set('x-api-key', apiKey).send(body as object);

    const chatBefore = graph.messages().length;
    // All 30 at once.
    const [rest] = await Promise.all([
      Promise.all([
        ...restCustomers.map((clientId, i) => api(i, '/v1/appointments', { clientId, serviceId: demo.services.consultation, ...when })),
        ...moving.map((appointmentId, i) => api(i + 1, '/v1/appointments/reschedule', { appointmentId, ...when })),
      ]),
      Promise.all([
        ...chatFroms.map((from, i) => postWebhook(instances[i % 2]!, from, tap('summary:confirm'))),
        ...[...flowMessages].map(([from, message], i) => postWebhook(instances[(i + 1) % 2]!, from, message)),
      ]),
    ]);
    await settle();

    // Exactly one active booking on that slot.
    const onSlot = await db.prisma.booking.findMany({
      where: { staffId: demo.staff.ana, status: { in: ['pending', 'confirmed'] }, blockedFrom: { lt: slot.end }, blockedUntil: { gt: slot.start } },
      select: { customerId: true, source: true },
    });
    expect(onSlot).toHaveLength(1);

    // REST: 201/200 for the winner, 409 slot_no_longer_available with alternatives for the rest.
    const restWins = rest.filter((res) => res.status === 201 || res.status === 200);
    const restTaken = rest.filter((res) => res.status === 409);
    expect(rest.filter((res) => !restWins.includes(res) && !restTaken.includes(res)).map((res) => [res.status, res.body])).toEqual([]);
    for (const res of restTaken) {
      expect(res.body.error.code).toBe('slot_no_longer_available');
      expect(res.body.error.details.alternatives.length).toBeGreaterThan(0);
    }

    // Chat and Flow: each customer's last answer is "Booked!" or the nearest free times.
    const answers = graph.messages().slice(chatBefore);
    const replyTo = (from: string) => answers.filter((m) => m.to === from && bodyOf(m) !== '');
    const conversational = [...chatFroms, ...flowMessages.keys()];
    const outcomes = conversational.map((from) => bodyOf(last(replyTo(from)) ?? {}));
    const chatWins = outcomes.filter((body) => /^Booked! ✅/.test(body));
    const chatTaken = outcomes.filter((body) => /^Sorry, that time was just taken/.test(body));
    expect(outcomes.filter((body) => !chatWins.includes(body) && !chatTaken.includes(body))).toEqual([]);
    expect(restWins.length + chatWins.length).toBe(1);
    expect(restTaken.length + chatTaken.length).toBe(29);

    // The moved bookings that lost stayed where they were.
    const unmoved = await db.prisma.booking.count({ where: { uid: { in: moving }, rescheduleCount: 0 } });
    expect(unmoved).toBe(REST_RESCHEDULE - (restWins.some((res) => moving.includes(res.body.id)) ? 1 : 0));
    // No job failed along the way (a failed step would have been retried: a late or doubled answer).
    expect(await db.prisma.$queryRaw<Array<{ task: string }>>`SELECT task_identifier AS task FROM graphile_worker.jobs WHERE last_error IS NOT NULL`).toEqual([]);
    expect(await countDeadlocks()).toBe(0);
  }, 240_000);

  /** PostgreSQL's deadlock count for this (fresh) database, once the instances are stopped and their backends reported. */
  async function countDeadlocks(): Promise<number> {
    // A backend reports its statistics when idle (up to seconds late) or when it exits: stop them all.
    for (const instance of instances.splice(0)) {
      await instance.runner.stop();
      await disconnectPrisma(instance.prisma);
    }
    await waitUntil(
      async () => (await db.prisma.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${INSTANCE_APP_NAME}`)[0]!.n === 0,
      'the instances\' connections are closed',
      30_000,
    );
    const rows = await db.prisma.$queryRaw<Array<{ deadlocks: bigint }>>`SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`;
    return Number(rows[0]!.deadlocks);
  }
});
