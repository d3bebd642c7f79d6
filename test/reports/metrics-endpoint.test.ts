/**
 * GET /metrics after real traffic: a customer message answered over the whole pipeline (signed
 * webhook → job → step → loopback Graph API), a hand-off, Flows endpoint requests and a booking
 * that finds its slot taken. The output is parsed like a scraper would: every family has HELP and
 * TYPE, histograms are cumulative with +Inf = _count, and no label carries a phone number.
 */
import request from 'supertest';
import { DEMO } from '../../prisma/seed';
import { createBookingService } from '../../src/booking';
import { observeTurns } from '../../src/reports';
import { createFixedClock } from '../../src/platform';
import { nextMondayMorning } from '../support/channel-harness';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitUntil } from '../support/wait-until';
import { init, issueToken, postFlow, startFlowChannel, type FlowChannel } from '../flows/flow-kit';
import { findExpositionProblems, parsePrometheusText, sumOf, type Family } from './prometheus-text';

const TOKEN = 'metrics-test-token-0123456789abcdef';
const CUSTOMER = '34611223344';
const text = (body: string) => ({ type: 'text', text: { body } });

describe('GET /metrics after a webhook turn and Flows requests', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let channel: FlowChannel;
  const now = nextMondayMorning(new Date('2026-06-01T00:00:00Z'));

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    channel = await startFlowChannel(db, now, { METRICS_TOKEN: TOKEN });
    observeTurns(channel.runner.runner.events);
  });
  afterAll(async () => {
    await channel.stop();
    await db.drop();
  });

  async function scrape(): Promise<{ text: string; families: Map<string, Family> }> {
    const res = await request(channel.app).get('/metrics').set('authorization', `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return { text: res.text, families: parsePrometheusText(res.text) };
  }

  it('counts the turn, its latency, the Graph calls, the hand-off, the Flows answers and a taken slot, in a well-formed exposition', async () => {
    const before = (await scrape()).families;
    const turnsBefore = sumOf(before, 'tapbook_turns_processed_total', 'tapbook_turns_processed_total', { outcome: 'success' });

    const replies = await channel.send(CUSTOMER, text('hi'), { name: 'Maria Silva' });
    expect(replies.length).toBeGreaterThan(0);
    await channel.send(CUSTOMER, text('I want to talk to a person'), { name: 'Maria Silva' });

    const customer = await db.prisma.customer.findFirstOrThrow({ where: { waId: CUSTOMER } });
    expect((await postFlow(channel.app, { version: '3.0', action: 'ping' })).status).toBe(200);
    const token = await issueToken(db, { businessId: demo.businessId, customerId: customer.id, now });
    expect((await postFlow(channel.app, init(token))).status).toBe(200);
    expect((await postFlow(channel.app, { version: '3.0', action: 'ping' }, { secret: 'wrong-secret' })).status).toBeGreaterThanOrEqual(400);

    // Two customers reach for the same slot: the second is told it is taken.
    const bookings = createBookingService({ prisma: db.prisma, clock: createFixedClock(now) });
    const { slots } = await bookings.findSlots({ businessId: demo.businessId, serviceId: demo.services.consultation, staffId: demo.staff.ana });
    const [first, second] = await demo.createCustomers(2, '3469999');
    const attempt = (customerId: string) =>
      bookings.confirmSlot({ businessId: demo.businessId, customerId, serviceId: demo.services.consultation, staffId: demo.staff.ana, start: slots[0]!.start, source: 'api', actor: 'system' });
    expect((await attempt(first!)).ok).toBe(true);
    expect((await attempt(second!)).ok).toBe(false);

    // A job due later shows in the queue depth (read through graphile-worker's public view).
    await db.prisma.$executeRaw`SELECT graphile_worker.add_job('send_reminder', '{}'::json, run_at => now() + interval '1 hour', job_key => 'metrics-test')`;

    // The job runner reports a job's success once it has finished; wait for the event, not a time.
    await waitUntil(async () => sumOf((await scrape()).families, 'tapbook_turns_processed_total', 'tapbook_turns_processed_total', { outcome: 'success' }) >= turnsBefore + 2, 'two turns counted');
    const { text: exposition, families } = await scrape();

    expect(findExpositionProblems(families)).toEqual([]);
    for (const name of families.keys()) expect(name).toMatch(/^tapbook_[a-z0-9_]+$/);
    // Bounded labels: no phone number, customer id or business id anywhere in the output.
    const labelValues = [...families.values()].flatMap((family) => family.samples.flatMap((sample) => Object.values(sample.labels)));
    for (const value of labelValues) expect(value).not.toMatch(/\d{8,}|[0-9a-f]{8}-[0-9a-f]{4}-/);
    // Everything but the sample values (a float such as 0.14100000000000001 may hold any digits).
    const namesAndLabels = exposition.split('\n').map((line) => line.replace(/ \S+$/, '')).join('\n');
    for (const secret of [CUSTOMER, DEMO.phoneNumberId, demo.businessId, customer.id]) expect(namesAndLabels).not.toContain(secret);

    expect(sumOf(families, 'tapbook_webhook_ack_duration_seconds', 'tapbook_webhook_ack_duration_seconds_count', { status: '200' })).toBeGreaterThanOrEqual(2);
    expect(sumOf(families, 'tapbook_turn_latency_seconds', 'tapbook_turn_latency_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(sumOf(families, 'tapbook_graph_api_requests_total', 'tapbook_graph_api_requests_total', { method: 'send_message', outcome: 'accepted', code: 'none' })).toBeGreaterThanOrEqual(2);
    expect(sumOf(families, 'tapbook_graph_api_request_duration_seconds', 'tapbook_graph_api_request_duration_seconds_count', { method: 'send_message' })).toBeGreaterThanOrEqual(2);
    expect(sumOf(families, 'tapbook_handoffs_total', 'tapbook_handoffs_total', { reason: 'requested' })).toBe(1);
    expect(sumOf(families, 'tapbook_flows_endpoint_duration_seconds', 'tapbook_flows_endpoint_duration_seconds_count', { status: '200' })).toBe(2);
    expect(sumOf(families, 'tapbook_flows_endpoint_duration_seconds', 'tapbook_flows_endpoint_duration_seconds_count')).toBe(3);
    expect(sumOf(families, 'tapbook_bookings_total', 'tapbook_bookings_total', { source: 'api', result: 'confirmed' })).toBe(1);
    expect(sumOf(families, 'tapbook_bookings_total', 'tapbook_bookings_total', { source: 'api', result: 'slot_taken' })).toBe(1);
    expect(sumOf(families, 'tapbook_job_queue_depth', 'tapbook_job_queue_depth', { task: 'send_reminder', state: 'scheduled' })).toBe(1);
    expect(sumOf(families, 'tapbook_database_up', 'tapbook_database_up')).toBe(1);
    expect(sumOf(families, 'tapbook_database_pool_max_connections', 'tapbook_database_pool_max_connections')).toBeGreaterThan(0);
    expect(families.get('tapbook_outbox_pending_messages')?.type).toBe('gauge');
    expect(families.get('tapbook_holds_expired_total')?.type).toBe('counter');
    expect(families.get('tapbook_reminder_lateness_seconds')?.type).toBe('histogram');
    expect(families.get('tapbook_process_cpu_seconds_total')?.type).toBe('counter');
  });

  it('shows active and expired slot holds', async () => {
    const bookings = createBookingService({ prisma: db.prisma, clock: createFixedClock(now) });
    const { slots } = await bookings.findSlots({ businessId: demo.businessId, serviceId: demo.services.consultation, staffId: demo.staff.ben });
    const [active, abandoned] = await demo.createCustomers(2, '3468888');
    const later = slots.find((slot) => slot.start.getTime() >= slots[0]!.end.getTime() + 3_600_000)!;
    expect((await bookings.placeHold({ businessId: demo.businessId, customerId: active!, serviceId: demo.services.consultation, staffId: demo.staff.ben, start: slots[0]!.start })).ok).toBe(true);
    expect((await bookings.placeHold({ businessId: demo.businessId, customerId: abandoned!, serviceId: demo.services.consultation, staffId: demo.staff.ben, start: later.start })).ok).toBe(true);
    // The test's clock is fixed; the gauge reads the database's: date the holds around the real now.
    await db.prisma.slotHold.updateMany({ where: { customerId: active! }, data: { expiresAt: new Date(Date.now() + 600_000) } });
    await db.prisma.slotHold.updateMany({ where: { customerId: abandoned! }, data: { expiresAt: new Date(Date.now() - 60_000) } });
    const { families } = await scrape();
    expect(sumOf(families, 'tapbook_slot_holds', 'tapbook_slot_holds', { state: 'expired' })).toBe(1);
    expect(sumOf(families, 'tapbook_slot_holds', 'tapbook_slot_holds', { state: 'active' })).toBe(1);
  });

  it('counts outbox rows not yet accepted by Meta, by kind and status', async () => {
    const customer = await db.prisma.customer.findFirstOrThrow({ where: { waId: CUSTOMER } });
    await db.prisma.outboxMessage.create({
      data: { businessId: demo.businessId, customerId: customer.id, phoneNumberId: DEMO.phoneNumberId, recipient: CUSTOMER, kind: 'reminder', payload: {}, status: 'queued', nextAttemptAt: new Date(now.getTime() + 3_600_000) },
    });
    const { families } = await scrape();
    expect(sumOf(families, 'tapbook_outbox_pending_messages', 'tapbook_outbox_pending_messages', { kind: 'reminder', status: 'queued' })).toBe(1);
  });
});
