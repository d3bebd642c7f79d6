/**
 * A scripted day at the demo clinic, driven through the real endpoints (signed webhooks, the
 * encrypted Flows endpoint, the REST API) with the loopback fake Graph API, then every KPI of
 * GET /v1/reports/kpis asserted exactly. The clinic books through lists in the morning and switches
 * its booking Flow on at noon (the step reads the Flow setting on every turn, as in production).
 *
 * Customers: Lucia books through the lists (later a reminder, its confirm tap, a no-show); Leo leaves
 * the summary until his hold expires; Hana asks for a person and staff answers; Fatima books in the
 * Flow (completed, rates 5); Felix submits the form for a time the API booked meanwhile (taken at
 * confirmation); Flora opens the form and never finishes. The API booking is moved by staff and
 * cancelled over the API.
 */
import request from 'supertest';
import { createApiKey } from '../../src/api';
import { createApp } from '../../src/app';
import { createBookingService } from '../../src/booking';
import { CONVERSATION_EVENT_TASK, deliverSystemEvent, processInbox, type ConversationEventPayload } from '../../src/conversation';
import { migrateJobQueue, startJobRunner, type JobRunner } from '../../src/jobs';
import { createFixedClock, createLogger } from '../../src/platform';
import { createBookingListeners, sendReminder } from '../../src/reminders';
import { addLocalDays, toLocalDate } from '../../src/scheduling';
import { buildTaskList } from '../../src/tasks';
import { createGraphClient, PROCESS_INBOX_TASK, signBody, type ProcessInboxPayload } from '../../src/whatsapp';
import { DEMO } from '../../prisma/seed';
import { exchange, flowCompletion, FLOW_TEST_SECRET, init, loadFlowConfig, postFlow } from '../flows/flow-kit';
import { buildWebhook } from '../support/channel-harness';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

type Msg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const text = (body: string) => ({ type: 'text', text: { body } });
const button = (id: string) => ({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id, title: 'x' } } });
const row = (id: string) => ({ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id, title: 'x' } } });
const last = <T>(items: T[]) => items[items.length - 1]!;
const rowsOf = (m: Msg): string[] => (m.interactive?.action?.sections ?? []).flatMap((s: Msg) => s.rows.map((r: Msg) => r.id as string));
const buttonsOf = (m: Msg): string[] => (m.interactive?.action?.buttons ?? []).map((b: Msg) => b.reply.id as string);
const bodyOf = (m: Msg) => (m.text?.body ?? m.interactive?.body?.text ?? '') as string;
const ZONE = DEMO.timeZone;

const LUCIA = '34633000001';
const LEO = '34633000002';
const HANA = '34633000003';
const FATIMA = '34633000004';
const FELIX = '34633000005';
const FLORA = '34633000006';

describe('KPIs of a scripted day', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let graph: FakeGraph;
  let runner: JobRunner;
  let app: ReturnType<typeof createApp>;
  let apiKey: string;
  const start = new Date();
  // The day runs on from `start` with the wall clock, as in production: the app stamps messages and
  // funnel facts with this clock, and the report relates them in time (a frozen clock would make a
  // whole day one instant).
  const fixed = createFixedClock(start);
  const clock = { ...fixed, now: () => new Date(fixed.now().getTime() + Date.now() - start.getTime()) };
  const logger = createLogger('silent');
  let isFlowOn = false;

  const settle = async () => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [jobs] = await db.prisma.$queryRaw<Array<{ n: bigint }>>`
        SELECT count(*) AS n FROM graphile_worker.jobs WHERE (run_at <= now() AND attempts < max_attempts) OR locked_at IS NOT NULL`;
      const waiting = await db.prisma.outboxMessage.count({ where: { status: { in: ['queued', 'sending'] }, nextAttemptAt: null } });
      const unprocessed = await db.prisma.inboxMessage.count({ where: { processedAt: null } });
      if (Number(jobs!.n) === 0 && waiting === 0 && unprocessed === 0) return;
      if (Date.now() > deadline) throw new Error(`the day did not settle: ${jobs!.n} jobs, ${waiting} outbox rows, ${unprocessed} inbox rows`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const postWebhook = async (body: string) => {
    const res = await request(app).post('/webhook').set('content-type', 'application/json').set('x-hub-signature-256', signBody(FLOW_TEST_SECRET, body)).send(body);
    expect(res.status).toBe(200);
    await settle();
  };
  /** Posts a customer message and returns the bot's messages to that customer in answer. */
  const send = async (from: string, message: Record<string, unknown>): Promise<Msg[]> => {
    const before = graph.messages().length;
    await postWebhook(buildWebhook(from, message));
    return graph.messages().slice(before).filter((m) => m.to === from);
  };
  const postStatuses = (statuses: Array<Record<string, unknown>>) =>
    postWebhook(
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: 'waba', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '34600000001', phone_number_id: DEMO.phoneNumberId }, statuses } }] }],
      }),
    );
  const api = (method: 'get' | 'post', path: string) => request(app)[method](path).set('x-api-key', apiKey);
  const customerId = async (waId: string) => (await db.prisma.customer.findFirstOrThrow({ where: { waId } })).id;

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    graph = await startFakeGraph();
    const dayConfig = loadFlowConfig(db, { WHATSAPP_GRAPH_URL: graph.baseUrl });
    await migrateJobQueue(db.url);
    const bookings = createBookingService({ prisma: db.prisma, clock, listeners: createBookingListeners({ clock }) });
    const base = buildTaskList({ prisma: db.prisma, logger, clock, config: dayConfig, bookings, graph: createGraphClient({ baseUrl: graph.baseUrl, accessToken: 'test-token' }) });
    // The Flow setting is read on every turn: switching it on at noon changes the next "Book" tap.
    const conversation = () => ({ prisma: db.prisma, clock, logger, bookings, ...(isFlowOn ? { flows: dayConfig.flows } : {}) });
    runner = await startJobRunner({
      connectionString: db.url,
      concurrency: 4,
      logger,
      pollIntervalMs: 50,
      tasks: {
        ...base,
        [PROCESS_INBOX_TASK]: async (payload) => {
          await processInbox(conversation(), payload as ProcessInboxPayload);
        },
        [CONVERSATION_EVENT_TASK]: async (payload) => {
          await deliverSystemEvent(conversation(), payload as ConversationEventPayload);
        },
      },
    });
    app = createApp({ config: dayConfig, prisma: db.prisma, logger, clock });
    apiKey = (await createApiKey(db.prisma, { businessId: demo.businessId, role: 'admin', name: 'kpi day' })).key;
  });
  afterAll(async () => {
    await runner.stop();
    await graph.close();
    await db.drop();
  });

  /** The list path from "Book" to the summary (consultation, first staff member, the first day on or after `fromDay`, its first time); returns the replies of every step. */
  async function walkListToSummary(from: string, fromDay: string): Promise<Msg[]> {
    const replies: Msg[] = [];
    let step = last(await send(from, button('menu:book')).then((r) => (replies.push(...r), r)));
    for (let guard = 0; guard < 8 && !buttonsOf(step).includes('summary:confirm'); guard += 1) {
      const rows = rowsOf(step);
      const pick =
        rows.find((id) => id === `service:${demo.services.consultation}`) ??
        rows.find((id) => id.startsWith('staff:')) ??
        rows.find((id) => id.startsWith('day:') && id.slice(4) >= fromDay) ??
        rows.find((id) => id.startsWith('slot:'));
      if (!pick) throw new Error(`no row to tap in ${JSON.stringify(rows)}`);
      const answer = await send(from, row(pick));
      replies.push(...answer);
      step = last(answer);
    }
    expect(buttonsOf(step)).toContain('summary:confirm');
    return replies;
  }

  /** Taps "Book" with the Flow on: returns the Flow message's token and the replies. */
  async function openFlow(from: string): Promise<{ token: string; replies: Msg[] }> {
    const replies = await send(from, button('menu:book'));
    const flow = last(replies);
    expect(flow.interactive.type).toBe('flow');
    return { token: flow.interactive.action.parameters.flow_token as string, replies };
  }

  /** Fills the form at the endpoint up to SUMMARY (consultation with Ana, the first day with free times); returns SUMMARY's data. */
  async function fillForm(token: string): Promise<Msg> {
    expect((await postFlow(app, init(token))).body.screen).toBe('SERVICE');
    const today = toLocalDate(start, ZONE);
    for (let offset = 1; offset <= 14; offset += 1) {
      const date = addLocalDays(today, offset);
      const dateAnswer = await postFlow(app, exchange(token, 'DATE', { screen_action: 'choose_date', date, service_id: demo.services.consultation, staff_id: demo.staff.ana }));
      const times = dateAnswer.body.data?.times ?? [];
      if (times.length === 0) continue;
      const details = await postFlow(app, exchange(token, 'TIME', { screen_action: 'choose_time', time: times[0].id, service_id: demo.services.consultation, staff_id: demo.staff.ana }));
      const d = details.body.data;
      const summary = await postFlow(app, exchange(token, 'DETAILS', { screen_action: 'submit_details', name: 'Customer', note: '', service_id: d.service_id, staff_id: d.staff_id, slot_start: d.slot_start, hold_id: d.hold_id }));
      expect(summary.body.screen).toBe('SUMMARY');
      return summary.body.data;
    }
    throw new Error('no free day for the form in two weeks');
  }
  const toAnswer = (summary: Msg) => ({ flow: 'booking', service_id: summary.service_id, staff_id: summary.staff_id, slot_start: summary.slot_start, hold_id: summary.hold_id, customer_name: summary.customer_name, note: summary.note });

  it('counts every KPI of the day exactly', async () => {
    const today = toLocalDate(start, ZONE);
    const perBooking: Record<'list' | 'flow', number> = { list: 0, flow: 0 };

    // Morning: lists. Lucia books on a day at least two days ahead (so both reminders are planned).
    for (const waId of [LUCIA, LEO, HANA]) await send(waId, text('hi'));
    const luciaPath = await walkListToSummary(LUCIA, addLocalDays(today, 2));
    const booked = await send(LUCIA, button('summary:confirm'));
    expect(bodyOf(last(booked))).toMatch(/^Booked! ✅/);
    perBooking.list = luciaPath.length + booked.length;

    // Leo reaches the summary (a held time), then goes quiet until the inactivity timer fires.
    await walkListToSummary(LEO, today);
    const leoRow = await db.prisma.conversation.findFirstOrThrow({ where: { customer: { waId: LEO } } });
    const late = createFixedClock(new Date(leoRow.inactivityDeadline!.getTime() + 1000));
    const lateBookings = createBookingService({ prisma: db.prisma, clock: late });
    expect(await deliverSystemEvent({ prisma: db.prisma, clock: late, logger, bookings: lateBookings }, { businessId: demo.businessId, customerId: leoRow.customerId, event: { type: 'SESSION_TIMED_OUT' } })).toBe(true);
    expect(await db.prisma.slotHold.count({ where: { customerId: leoRow.customerId } })).toBe(0);

    // Hana asks for a person; staff answers over the API.
    await send(HANA, button('menu:talk'));
    const hanaConversation = await db.prisma.conversation.findFirstOrThrow({ where: { customer: { waId: HANA } } });
    expect(hanaConversation.isHandoff).toBe(true);
    expect((await api('post', `/v1/conversations/${hanaConversation.id}/reply`).send({ text: 'Hi Hana, Ana here.' })).status).toBe(202);
    await settle();

    // Noon: the booking Flow goes on.
    isFlowOn = true;
    for (const waId of [FATIMA, FELIX, FLORA]) await send(waId, text('hi'));
    const fatima = await openFlow(FATIMA);
    const fatimaSummary = await fillForm(fatima.token);
    const fatimaBooked = await send(FATIMA, flowCompletion(fatima.token, toAnswer(fatimaSummary)));
    expect(bodyOf(last(fatimaBooked))).toMatch(/^Booked! ✅/);
    perBooking.flow = fatima.replies.length + fatimaBooked.length;

    // Felix's time is booked over the API while he hesitates (his hold lapsed): taken at confirmation.
    const felix = await openFlow(FELIX);
    const felixSummary = await fillForm(felix.token);
    await db.prisma.slotHold.deleteMany({ where: { customer: { waId: FELIX } } });
    const [otto] = await demo.createCustomers(1, '3469900');
    const taken = await createBookingService({ prisma: db.prisma, clock }).confirmSlot({
      businessId: demo.businessId, customerId: otto!, serviceId: demo.services.consultation, staffId: demo.staff.ana, start: new Date(felixSummary.slot_start), source: 'api', actor: 'api:kpi-day',
    });
    expect(taken.ok).toBe(true);
    const alternatives = last(await send(FELIX, flowCompletion(felix.token, toAnswer(felixSummary))));
    expect(bodyOf(alternatives)).toMatch(/^Sorry, that time was just taken/);

    // Flora opens the form and never finishes it.
    const flora = await openFlow(FLORA);
    expect((await postFlow(app, init(flora.token))).body.screen).toBe('SERVICE');

    // The API booking is moved by staff (to one of the free times offered to Felix), then cancelled over the API.
    const ottoBooking = taken.ok ? taken.booking : undefined;
    const freeTime = rowsOf(alternatives).find((id) => id.startsWith('slot:'))!;
    const moved = await createBookingService({ prisma: db.prisma, clock }).reschedule({
      businessId: demo.businessId, bookingId: ottoBooking!.id, start: new Date(freeTime.slice(5, freeTime.lastIndexOf('|'))), actor: 'console:desk@clinic.test',
    });
    expect(moved.ok).toBe(true);
    expect((await api('post', '/v1/appointments/cancel').send({ appointmentId: ottoBooking!.id, cancellationReason: 'Client called' })).status).toBe(200);

    // Lucia's two reminders go out at their times; Meta reports the first delivered and read (a billable
    // utility message), the second failed; Fatima's confirmation is reported free (service, in the window).
    const luciaBooking = await db.prisma.booking.findFirstOrThrow({ where: { customer: { waId: LUCIA } } });
    const reminders = await db.prisma.reminder.findMany({ where: { bookingId: luciaBooking.id, kind: 'reminder', status: 'pending' }, orderBy: { dueAt: 'asc' } });
    expect(reminders).toHaveLength(2);
    const reminderGraph = createGraphClient({ baseUrl: graph.baseUrl, accessToken: 'test-token' });
    for (const reminder of reminders) {
      const outcome = await sendReminder({ prisma: db.prisma, clock: createFixedClock(reminder.dueAt), logger, sender: { graph: reminderGraph } }, { reminderId: reminder.id });
      expect(outcome.outcome).toBe('sent');
    }
    await settle();
    const sentReminders = await db.prisma.outboxMessage.findMany({ where: { kind: 'reminder' }, orderBy: { sequence: 'asc' } });
    expect(sentReminders.map((m) => m.providerMessageId === null)).toEqual([false, false]);
    const fatimaConfirmation = await db.prisma.outboxMessage.findFirstOrThrow({ where: { recipient: FATIMA, kind: 'reply' }, orderBy: { sequence: 'desc' } });
    const at = String(Math.floor(start.getTime() / 1000));
    const utility = { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' };
    await postStatuses([
      { id: sentReminders[0]!.providerMessageId, status: 'sent', timestamp: at, recipient_id: LUCIA, pricing: utility },
      { id: sentReminders[0]!.providerMessageId, status: 'delivered', timestamp: at, recipient_id: LUCIA, pricing: utility },
      { id: sentReminders[0]!.providerMessageId, status: 'read', timestamp: at, recipient_id: LUCIA },
      { id: sentReminders[1]!.providerMessageId, status: 'failed', timestamp: at, recipient_id: LUCIA, errors: [{ code: 131026, title: 'Message undeliverable' }] },
      { id: fatimaConfirmation.providerMessageId, status: 'delivered', timestamp: at, recipient_id: FATIMA, pricing: { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' } },
    ]);

    // Lucia taps "Confirm" in the reminder, then does not come: a no-show. Fatima's visit is completed and she rates it 5.
    const confirmed = await send(LUCIA, button(`reminder:confirm:${luciaBooking.id}`));
    expect(confirmed.length).toBeGreaterThan(0);
    expect((await api('post', `/v1/appointments/${luciaBooking.uid}/no-show`).send({})).status).toBe(200);
    const fatimaBooking = await db.prisma.booking.findFirstOrThrow({ where: { customer: { waId: FATIMA } } });
    expect((await api('post', `/v1/appointments/${fatimaBooking.uid}/complete`).send({})).status).toBe(200);
    const thanks = await send(FATIMA, button(`rating:5:${fatimaBooking.uid}`));
    expect(bodyOf(last(thanks))).toMatch(/5\/5/);

    // The report, once Flora's form token has expired.
    const floraToken = await db.prisma.flowToken.findFirstOrThrow({ where: { customer: { waId: FLORA } } });
    clock.set(new Date(floraToken.expiresAt.getTime() + 1000));
    // Up to the booking's day: the reminders are counted on the days they went out (their due times).
    const res = await api('get', `/v1/reports/kpis?from=${addLocalDays(today, -1)}&to=${addLocalDays(today, 2)}&granularity=day`);
    expect(res.status).toBe(200);

    // Durations from the stored facts: first message of the customer → the confirmation; hand-off → staff reply.
    const secondsToBooking: number[] = [];
    for (const waId of [LUCIA, FATIMA]) {
      const id = await customerId(waId);
      const firstMessage = await db.prisma.inboxMessage.findFirstOrThrow({ where: { customerId: id }, orderBy: { receivedAt: 'asc' } });
      const confirmation = await db.prisma.funnelEvent.findFirstOrThrow({ where: { customerId: id, stage: 'booking_confirmed' } });
      secondsToBooking.push((confirmation.occurredAt.getTime() - firstMessage.receivedAt.getTime()) / 1000);
    }
    const handoff = await db.prisma.funnelEvent.findFirstOrThrow({ where: { stage: 'handoff' } });
    const staffReply = await db.prisma.outboxMessage.findFirstOrThrow({ where: { kind: 'staff_reply' } });
    const botRepliesSent = await db.prisma.outboxMessage.count({ where: { kind: 'reply', providerMessageId: { not: null } } });
    expect(perBooking.list).toBeGreaterThanOrEqual(5);
    expect(perBooking.flow).toBe(2);

    expect(res.body.totals).toStrictEqual({
      conversationsStarted: 6,
      funnel: {
        bookingIntents: 5,
        intentsByPath: { flow: 3, list: 2 },
        flowOpened: 3,
        listStarted: 2,
        slotChosen: 4,
        slotChosenByPath: { flow: 2, list: 2 },
        bookingsConfirmed: 2,
        confirmedByPath: { flow: 1, list: 1 },
      },
      bookingRate: 0.4,
      medianSecondsToBooking: (secondsToBooking[0]! + secondsToBooking[1]!) / 2,
      botMessages: { sent: botRepliesSent, perConfirmedBooking: { flow: perBooking.flow, list: perBooking.list } },
      billableMessages: { utility: { billable: 1, free: 0 }, service: { billable: 0, free: 1 } },
      bookingsBySource: { chat: 1, flow: 1, api: 1, console: 0 },
      cancellations: { customer: 0, staff: 0, api: 1, system: 0 },
      reschedules: { customer: 0, staff: 1, api: 0, system: 0 },
      completed: 1,
      noShows: 1,
      noShowRate: 0.5,
      ratings: 1,
      averageRating: 5,
      handoffs: { asked: 1, emergency: 0, failure: 0 },
      escalationRate: 1 / 6,
      medianSecondsToFirstStaffReply: (staffReply.createdAt.getTime() - handoff.occurredAt.getTime()) / 1000,
      handoffsUnanswered: 0,
      holdsExpired: 1,
      pathsAbandoned: { flow: 1, list: 1 },
      slotTakenAtConfirmation: 1,
      reminders: { sent: 2, delivered: 1, read: 1, failed: 1, confirmationsTapped: 1 },
    });
    // The periods add up to the totals (the day may straddle midnight in Madrid).
    const sum = (read: (p: Msg) => number) => res.body.periods.reduce((total: number, p: Msg) => total + read(p), 0);
    expect([sum((p) => p.conversationsStarted), sum((p) => p.funnel.bookingIntents), sum((p) => p.reminders.sent)]).toEqual([6, 5, 2]);
    expect(res.body.periods.map((p: Msg) => p.start)).toEqual([addLocalDays(today, -1), today, addLocalDays(today, 1), addLocalDays(today, 2)]);
  });
});
