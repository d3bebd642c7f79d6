/**
 * Outgoing event webhooks: what each booking change announces, the signature, retries with
 * backoff for 24 hours with every attempt logged, subscription filters, and the outbox rule that
 * a rolled-back change announces nothing.
 */
import { sealSecret } from '../../src/platform/secret-box';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBookingService } from '../../src/booking';
import {
  createWebhookSubscription,
  findEventTypesOfChange,
  findNextAttemptAt,
  signEventBody,
  verifyEventSignature,
} from '../../src/events';
import { createBookingListeners } from '../../src/reminders';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { createReminderWorld, WORLD_ENCRYPTION_KEY, type ReminderWorld } from '../reminders/reminder-world';

const T0 = '2026-03-23T08:00:00.000Z';
const START = new Date('2026-03-25T09:00:00.000Z');
const SECRET = 'whsec_test_0123456789';

describe('event types of booking changes', () => {
  it.each([
    ['created', null, ['BOOKING_CREATED']],
    ['confirmed', 'pending', ['BOOKING_CONFIRMED']],
    ['rescheduled', 'confirmed', ['BOOKING_RESCHEDULED']],
    ['cancelled', 'confirmed', ['BOOKING_CANCELLED']],
    ['started', 'confirmed', ['MEETING_STARTED']],
    ['completed', 'in_progress', ['MEETING_ENDED', 'BOOKING_COMPLETED']],
    ['completed', 'confirmed', ['BOOKING_COMPLETED']],
    ['no_show', 'confirmed', ['BOOKING_NO_SHOW']],
    ['rated', 'completed', ['UPDATE_RATING']],
    ['details_updated', 'confirmed', []],
  ] as const)('%s (from %s) → %j', (kind, beforeStatus, expected) => {
    const before = beforeStatus ? ({ status: beforeStatus } as never) : null;
    expect(findEventTypesOfChange({ kind, before })).toStrictEqual(expected);
  });
});

describe('signature', () => {
  it('is sha256=<hex HMAC-SHA256 of the raw body> (vector computed with Python hmac)', () => {
    const body = '{"id":"e1","type":"BOOKING_CREATED"}';
    expect(signEventBody(SECRET, body)).toBe('sha256=0c8b575b7a768c71177845b263b3b2305fe2acd5883c02fd4eb60ccded59eb3c');
    expect(verifyEventSignature(SECRET, body, signEventBody(SECRET, body))).toBe(true);
    expect(verifyEventSignature(SECRET, `${body} `, signEventBody(SECRET, body))).toBe(false);
    expect(verifyEventSignature('another-secret-0000', body, signEventBody(SECRET, body))).toBe(false);
    expect(verifyEventSignature(SECRET, body, undefined)).toBe(false);
  });
});

describe('retry schedule', () => {
  const failedAt = new Date('2026-03-23T08:00:00.000Z');
  const giveUpAt = new Date('2026-03-24T08:00:00.000Z');
  it.each([
    [1, '2026-03-23T08:00:10.000Z'],
    [2, '2026-03-23T08:00:30.000Z'],
    [3, '2026-03-23T08:01:30.000Z'],
    [7, '2026-03-23T10:01:30.000Z'],
    [8, '2026-03-23T12:00:00.000Z'], // capped at 4 h
    [20, '2026-03-23T12:00:00.000Z'],
  ])('after failed attempt %i the next one is at %s (no jitter)', (attempt, expected) => {
    expect(findNextAttemptAt({ attempt, failedAt, giveUpAt, random: () => 0.5 })?.toISOString()).toBe(expected);
  });
  it('stops when the next attempt would fall after the 24-hour give-up time', () => {
    expect(findNextAttemptAt({ attempt: 8, failedAt: new Date('2026-03-24T05:00:00.000Z'), giveUpAt, random: () => 0.5 })).toBeNull();
  });
});

describe('delivering events', () => {
  let db: TestDatabase;
  let world: ReminderWorld;
  let server: http.Server;
  let url: string;
  const requests: Array<{ path: string; headers: http.IncomingHttpHeaders; raw: string }> = [];
  const statuses: number[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
    world = await createReminderWorld(db, { now: T0 });
    requests.length = 0;
    statuses.length = 0;
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        requests.push({ path: req.url ?? '', headers: req.headers, raw });
        res.statusCode = statuses.shift() ?? 200;
        res.end(res.statusCode === 200 ? 'ok' : 'try later');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await world.stop();
    await db.drop();
  });

  async function book() {
    const [customerId] = await world.demo.createCustomers(1);
    const result = await world.bookings.confirmSlot({
      businessId: world.demo.businessId, customerId: customerId!, serviceId: world.demo.services.consultation, staffId: world.demo.staff.ana, start: START, source: 'api', actor: 'test',
    });
    if (!result.ok) throw new Error('slot taken');
    return result.booking;
  }

  it('signs with a secret stored sealed with DATA_ENCRYPTION_KEY (as the API stores it)', async () => {
    await createWebhookSubscription(db.prisma, { businessId: world.demo.businessId, url: `${url}/sealed`, secret: sealSecret(WORLD_ENCRYPTION_KEY, SECRET), events: ['BOOKING_CREATED'] });
    await book();
    await world.runJobsUntil('2026-03-23T08:01:00.000Z');
    expect(requests).toHaveLength(1);
    expect(verifyEventSignature(SECRET, requests[0]!.raw, requests[0]!.headers['x-tapbook-signature'] as string)).toBe(true);
  });

  it('retries a failing subscriber with backoff, logs every attempt, and delivers the same signed body', async () => {
    await createWebhookSubscription(db.prisma, { businessId: world.demo.businessId, url: `${url}/a`, secret: SECRET, events: ['BOOKING_CREATED'] });
    statuses.push(500, 503);
    const booking = await book();
    await world.runJobsUntil('2026-03-23T08:05:00.000Z');
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((r) => r.raw)).size).toBe(1);
    expect(new Set(requests.map((r) => r.headers['x-tapbook-delivery'])).size).toBe(1);
    for (const request of requests) expect(verifyEventSignature(SECRET, request.raw, request.headers['x-tapbook-signature'] as string)).toBe(true);
    const body = JSON.parse(requests[0]!.raw);
    expect([body.type, body.businessId, body.data.booking.uid, body.data.booking.startsAt]).toStrictEqual([
      'BOOKING_CREATED', world.demo.businessId, booking.uid, START.toISOString(),
    ]);
    expect(requests[0]!.headers['x-tapbook-event']).toBe('BOOKING_CREATED');
    const delivery = await db.prisma.eventDelivery.findFirstOrThrow({ include: { attemptLog: { orderBy: { attempt: 'asc' } } } });
    expect([delivery.status, delivery.attempts, delivery.deliveredAt?.toISOString()]).toStrictEqual(['delivered', 3, '2026-03-23T08:00:40.000Z']);
    expect(delivery.attemptLog.map((a) => [a.attempt, a.startedAt.toISOString(), a.statusCode, a.error])).toStrictEqual([
      [1, '2026-03-23T08:00:00.000Z', 500, 'subscriber answered HTTP 500'],
      [2, '2026-03-23T08:00:10.000Z', 503, 'subscriber answered HTTP 503'],
      [3, '2026-03-23T08:00:40.000Z', 200, null],
    ]);
  });

  it('gives up after 24 hours of failures, with every attempt in the log', async () => {
    await createWebhookSubscription(db.prisma, { businessId: world.demo.businessId, url: `${url}/down`, secret: SECRET, events: ['BOOKING_CREATED'] });
    for (let i = 0; i < 100; i += 1) statuses.push(500);
    await book();
    await world.runJobsUntil('2026-03-24T12:00:00.000Z');
    const delivery = await db.prisma.eventDelivery.findFirstOrThrow({ include: { attemptLog: { orderBy: { attempt: 'asc' } } } });
    expect(delivery.status).toBe('failed');
    expect(delivery.attemptLog).toHaveLength(delivery.attempts);
    expect(requests).toHaveLength(delivery.attempts);
    expect(delivery.attempts).toBeGreaterThanOrEqual(10);
    expect(delivery.attemptLog.at(-1)!.startedAt.getTime()).toBeLessThanOrEqual(new Date('2026-03-24T08:00:00.000Z').getTime());
    expect(delivery.lastError).toContain('gave up');
    expect(await world.pendingJobs()).toStrictEqual(expect.not.arrayContaining([expect.objectContaining({ task: 'deliver_event' })]));
  });

  it('sends a subscriber only the events it asked for, and nothing to an inactive subscription', async () => {
    await createWebhookSubscription(db.prisma, { businessId: world.demo.businessId, url: `${url}/cancels`, secret: SECRET, events: ['BOOKING_CANCELLED'] });
    const inactive = await createWebhookSubscription(db.prisma, { businessId: world.demo.businessId, url: `${url}/off`, secret: SECRET });
    await db.prisma.webhookSubscription.update({ where: { id: inactive.id }, data: { isActive: false } });
    const booking = await book();
    await world.bookings.cancel({ businessId: world.demo.businessId, bookingId: booking.id, actor: 'test' });
    await world.runJobsUntil('2026-03-23T09:00:00.000Z');
    expect(requests.map((r) => [r.path, JSON.parse(r.raw).type])).toStrictEqual([['/cancels', 'BOOKING_CANCELLED']]);
  });

  it('a reminder announces REMINDER_SENDING to the subscribers that asked for it or for everything, once each', async () => {
    await createWebhookSubscription(db.prisma, { businessId: world.demo.businessId, url: `${url}/reminders`, secret: SECRET, events: ['REMINDER_SENDING'] });
    await createWebhookSubscription(db.prisma, { businessId: world.demo.businessId, url: `${url}/all`, secret: SECRET });
    await createWebhookSubscription(db.prisma, { businessId: world.demo.businessId, url: `${url}/cancels`, secret: SECRET, events: ['BOOKING_CANCELLED'] });
    const inactive = await createWebhookSubscription(db.prisma, { businessId: world.demo.businessId, url: `${url}/off`, secret: SECRET });
    await db.prisma.webhookSubscription.update({ where: { id: inactive.id }, data: { isActive: false } });
    const booking = await book();
    // The 24-hour reminder of a Wednesday 10:00 visit goes out on Tuesday at 10:00 Madrid time.
    await world.runJobsUntil('2026-03-24T09:01:00.000Z');
    const received = requests.map((r) => [r.path, JSON.parse(r.raw).type, JSON.parse(r.raw).data.booking?.uid]);
    expect(received.sort()).toStrictEqual([
      ['/all', 'BOOKING_CREATED', booking.uid],
      ['/all', 'REMINDER_SENDING', booking.uid],
      ['/reminders', 'REMINDER_SENDING', booking.uid],
    ]);
    const reminder = JSON.parse(requests.find((r) => r.path === '/reminders')!.raw).data.reminder;
    expect([reminder.kind, reminder.sequence, reminder.dueAt]).toStrictEqual(['reminder', 1, '2026-03-24T09:00:00.000Z']);
  });

  it('a change that rolls back announces nothing and plans nothing', async () => {
    const failing = createBookingService({
      prisma: db.prisma,
      clock: world.clock,
      listeners: [...createBookingListeners({ clock: world.clock }), async () => { throw new Error('a later step failed'); }],
    });
    const [customerId] = await world.demo.createCustomers(1);
    await expect(
      failing.confirmSlot({ businessId: world.demo.businessId, customerId: customerId!, serviceId: world.demo.services.consultation, staffId: world.demo.staff.ana, start: START, source: 'api', actor: 'test' }),
    ).rejects.toThrow('a later step failed');
    expect([await db.prisma.booking.count(), await db.prisma.outgoingEvent.count(), await db.prisma.reminder.count()]).toStrictEqual([0, 0, 0]);
    expect(await world.pendingJobs()).toStrictEqual([]);
  });

  it('refuses subscriptions with a bad URL, a short secret or unknown event names', async () => {
    const businessId = world.demo.businessId;
    await expect(createWebhookSubscription(db.prisma, { businessId, url: 'ftp://x', secret: SECRET })).rejects.toThrow('http');
    await expect(createWebhookSubscription(db.prisma, { businessId, url, secret: 'short' })).rejects.toThrow('16');
    await expect(createWebhookSubscription(db.prisma, { businessId, url, secret: SECRET, events: ['BOOKING_EXPLODED' as never] })).rejects.toThrow('BOOKING_EXPLODED');
  });
});
