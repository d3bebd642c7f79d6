/**
 * Sending the booking Flow from the conversation and confirming its completion (`nfm_reply`) over
 * the real pipeline: signed webhook → inbox → job → conversation step (SERIALIZABLE) → outbox →
 * loopback Graph API, with the form itself filled at the encrypted endpoint.
 */
import { createHash } from 'node:crypto';
import { createBookingService } from '../../src/booking';
import { addLocalDays, toLocalDate } from '../../src/scheduling';
import { validateOutboundMessage } from '../../src/whatsapp';
import { nextMondayMorning } from '../support/channel-harness';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { exchange, flowCompletion, init, issueToken, postFlow, startFlowChannel, TEST_FLOW_ID, type FlowChannel } from './flow-kit';

type Msg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const text = (body: string) => ({ type: 'text', text: { body } });
const button = (id: string) => ({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id, title: 'x' } } });
const last = <T>(items: T[]) => items[items.length - 1]!;
const rowsOf = (m: Msg) => (m.interactive?.action?.sections ?? []).flatMap((s: Msg) => s.rows.map((r: Msg) => r.id as string));
const bodyOf = (m: Msg) => (m.text?.body ?? m.interactive?.body?.text ?? '') as string;

describe('booking Flow in the conversation', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let channel: FlowChannel;
  const now = nextMondayMorning(new Date('2026-06-01T00:00:00Z'));
  const today = toLocalDate(now, 'Europe/Madrid');

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    channel = await startFlowChannel(db, now, { BOOKING_FLOW_TEMPLATE_NAME: 'booking_form', BOOKING_FLOW_TEMPLATE_LANGUAGE: 'en_US' });
  });
  afterAll(async () => {
    await channel.stop();
    await db.drop();
  });

  /** Taps "Book appointment" and returns the Flow message and its token. */
  async function openForm(from: string, name = 'Maria Silva'): Promise<{ message: Msg; token: string }> {
    await channel.send(from, text('hi'), { name });
    const message = last(await channel.send(from, button('menu:book'), { name }));
    return { message, token: message.interactive.action.parameters.flow_token as string };
  }

  /** Fills the form at the endpoint up to SUMMARY; returns SUMMARY's data (the completion payload's source). */
  async function fillForm(token: string, choice: { date: string; staffId: string; pick?: (times: Msg[]) => Msg }): Promise<Msg> {
    const { app } = channel;
    expect((await postFlow(app, init(token))).body.screen).toBe('SERVICE');
    const time = await postFlow(app, exchange(token, 'DATE', { screen_action: 'choose_date', date: choice.date, service_id: demo.services.consultation, staff_id: choice.staffId }));
    const slot = (choice.pick ?? ((times) => times[0]!))(time.body.data.times);
    const details = await postFlow(app, exchange(token, 'TIME', { screen_action: 'choose_time', time: slot.id, service_id: demo.services.consultation, staff_id: choice.staffId }));
    expect(details.body.screen).toBe('DETAILS');
    const d = details.body.data;
    const summary = await postFlow(app, exchange(token, 'DETAILS', { screen_action: 'submit_details', name: 'Maria Silva', note: 'First visit', service_id: d.service_id, staff_id: d.staff_id, slot_start: d.slot_start, hold_id: d.hold_id }));
    expect(summary.body.screen).toBe('SUMMARY');
    return summary.body.data;
  }

  /** The `complete` payload the SUMMARY Footer sends (booking.flow.json). */
  const toAnswer = (summary: Msg) => ({
    flow: 'booking',
    service_id: summary.service_id,
    staff_id: summary.staff_id,
    slot_start: summary.slot_start,
    hold_id: summary.hold_id,
    customer_name: summary.customer_name,
    note: summary.note,
  });

  it('"Book appointment" sends the Flow: fresh token, flow id, "Book now", data_exchange, the customer\'s name, valid for Meta', async () => {
    const { message, token } = await openForm('34622000001');
    expect(validateOutboundMessage(message)).toEqual([]);
    expect(message.interactive.type).toBe('flow');
    expect(message.interactive.body.text).toMatch(/^Hi Maria!/);
    expect(message.interactive.action.parameters).toEqual({ flow_message_version: '3', flow_id: TEST_FLOW_ID, flow_cta: 'Book now', flow_token: token, flow_action: 'data_exchange' });
    // Only the token's SHA-256 is stored, bound to this customer.
    const row = await db.prisma.flowToken.findUniqueOrThrow({ where: { tokenHash: createHash('sha256').update(token).digest('hex') }, include: { customer: true } });
    expect([row.mode, row.customer.waId, row.usedAt]).toEqual(['book', '34622000001', null]);
    expect(JSON.stringify(await db.prisma.flowToken.findMany())).not.toContain(token);
    // Outside the 24-hour window the sender swaps in the template with the FLOW button and the same token.
    const outbox = await db.prisma.outboxMessage.findFirstOrThrow({ where: { recipient: '34622000001', kind: 'reply' }, orderBy: { sequence: 'desc' } });
    expect(outbox.fallbackPayload).toMatchObject({ type: 'template', template: { name: 'booking_form', components: [{ type: 'button', sub_type: 'flow', parameters: [{ action: { flow_token: token } }] }] } });
    // A second tap gets a new token.
    const again = last(await channel.send('34622000001', button('menu:book')));
    expect(again.interactive.action.parameters.flow_token).not.toBe(token);
  });

  it('the completed form books the slot and answers with the list path\'s confirmation; a token used twice books once', async () => {
    const from = '34622000002';
    const { token } = await openForm(from);
    const summary = await fillForm(token, { date: addLocalDays(today, 1), staffId: 'any' });
    // The endpoint hears of the used token by notification (a few ms after the step commits); see the end of the test.
    const replies = await channel.send(from, flowCompletion(token, toAnswer(summary)));
    const confirmation = bodyOf(last(replies));
    expect(confirmation).toMatch(/^Booked! ✅/);
    expect(confirmation).toMatch(/Consultation/);
    const bookings = await db.prisma.booking.findMany({ where: { customer: { waId: from } } });
    expect(bookings.map((b) => [b.status, b.source, b.startsAt.toISOString(), b.staffId, b.notes])).toEqual([['confirmed', 'flow', summary.slot_start, summary.staff_id, 'First visit']]);
    expect(await db.prisma.slotHold.count({ where: { customer: { waId: from } } })).toBe(0);

    // The same completion again (a new message id): no second "Booked!", the booking it already made.
    const second = await channel.send(from, flowCompletion(token, toAnswer(summary)));
    expect(bodyOf(last(second))).toMatch(/^You're already booked: \*Consultation\* with /);
    expect(await db.prisma.booking.count({ where: { customer: { waId: from } } })).toBe(1);
    // The endpoint refuses the used token.
    expect((await postFlow(channel.app, init(token))).status).toBe(427);
  });

  it('a slot someone else booked meanwhile: the nearest alternatives and a row that opens the form again', async () => {
    const from = '34622000003';
    const { token } = await openForm(from);
    const summary = await fillForm(token, { date: addLocalDays(today, 2), staffId: demo.staff.ana });
    // The hold expires while the customer hesitates, and another customer books that very time.
    channel.clock.advanceMinutes(15);
    try {
      const [other] = await demo.createCustomers(1);
      await db.prisma.slotHold.deleteMany({ where: { customer: { waId: from } } });
      const taken = await createBookingService({ prisma: db.prisma, clock: channel.clock }).confirmSlot({
        businessId: demo.businessId, customerId: other!, serviceId: demo.services.consultation, staffId: demo.staff.ana, start: new Date(summary.slot_start), source: 'api', actor: 'test',
      });
      expect(taken.ok).toBe(true);
      const list = last(await channel.send(from, flowCompletion(token, toAnswer(summary))));
      expect(bodyOf(list)).toMatch(/^Sorry, that time was just taken/);
      const rows = rowsOf(list);
      expect(last(rows)).toBe('menu:book');
      expect(rows.slice(0, -1).every((id: string) => id.startsWith('slot:') && id.endsWith(`|${demo.staff.ana}`))).toBe(true);
      expect(rows).not.toContain(`slot:${summary.slot_start}|${demo.staff.ana}`);
      expect(await db.prisma.booking.count({ where: { customer: { waId: from } } })).toBe(0);
      // An alternative from the list books through the list path.
      const review = last(await channel.send(from, { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: rows[0], title: 'x' } } }));
      const done = last(await channel.send(from, button(review.interactive.action.buttons[0].reply.id)));
      expect(bodyOf(done)).toMatch(/^Booked! ✅/);
      // The row "Book appointment" opens a fresh form.
      await channel.send(from, text('hi'));
      const reopened = await openForm(from);
      expect(reopened.token).not.toBe(token);
    } finally {
      channel.clock.set(now);
    }
  });

  it('a completion after the hold expired still books when the slot is free', async () => {
    const from = '34622000004';
    const { token } = await openForm(from);
    const summary = await fillForm(token, { date: addLocalDays(today, 3), staffId: demo.staff.ben });
    channel.clock.advanceMinutes(20);
    try {
      expect(await db.prisma.slotHold.count({ where: { customer: { waId: from }, expiresAt: { gt: channel.clock.now() } } })).toBe(0);
      expect(bodyOf(last(await channel.send(from, flowCompletion(token, toAnswer(summary)))))).toMatch(/^Booked! ✅/);
    } finally {
      channel.clock.set(now);
    }
  });

  it('another customer\'s token, an unknown one or an expired one books nothing and says the form expired', async () => {
    const owner = await openForm('34622000005');
    const summary = await fillForm(owner.token, { date: addLocalDays(today, 4), staffId: 'any' });
    const thief = last(await channel.send('34622000006', flowCompletion(owner.token, toAnswer(summary))));
    expect(bodyOf(thief)).toBe('That option is no longer available. What would you like to do?');
    const unknown = last(await channel.send('34622000006', flowCompletion('x'.repeat(43), toAnswer(summary))));
    expect(bodyOf(unknown)).toMatch(/no longer available/);
    const [customerId] = await db.prisma.customer.findMany({ where: { waId: '34622000006' }, select: { id: true } }).then((rows) => rows.map((r) => r.id));
    const old = await issueToken(db, { businessId: demo.businessId, customerId: customerId!, now: new Date(now.getTime() - 3 * 3_600_000) });
    expect(bodyOf(last(await channel.send('34622000006', flowCompletion(old, toAnswer(summary)))))).toMatch(/no longer available/);
    expect(await db.prisma.booking.count({ where: { customer: { waId: '34622000006' } } })).toBe(0);
  });

  it('"Reschedule" sends the form for that booking, and its completion moves the booking', async () => {
    const from = '34622000007';
    const { token } = await openForm(from);
    const summary = await fillForm(token, { date: addLocalDays(today, 7), staffId: 'any' });
    await channel.send(from, flowCompletion(token, toAnswer(summary)));
    const booking = await db.prisma.booking.findFirstOrThrow({ where: { customer: { waId: from } } });
    const list = last(await channel.send(from, button('menu:appointments')));
    const actions = last(await channel.send(from, { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: rowsOf(list)[0], title: 'x' } } }));
    const form = last(await channel.send(from, button(actions.interactive.action.buttons[0].reply.id)));
    expect(form.interactive.action.parameters.flow_cta).toBe('Change time');
    const moveToken = form.interactive.action.parameters.flow_token as string;
    const staff = await postFlow(channel.app, init(moveToken));
    expect(staff.body.screen).toBe('STAFF');
    const time = await postFlow(channel.app, exchange(moveToken, 'DATE', { screen_action: 'choose_date', date: addLocalDays(today, 8), service_id: demo.services.consultation, staff_id: 'any' }));
    const details = await postFlow(channel.app, exchange(moveToken, 'TIME', { screen_action: 'choose_time', time: time.body.data.times[4].id, service_id: demo.services.consultation, staff_id: 'any' }));
    const d = details.body.data;
    const moved = await postFlow(channel.app, exchange(moveToken, 'DETAILS', { screen_action: 'submit_details', name: 'Maria', service_id: d.service_id, staff_id: d.staff_id, slot_start: d.slot_start, hold_id: d.hold_id }));
    const done = last(await channel.send(from, flowCompletion(moveToken, toAnswer(moved.body.data))));
    expect(bodyOf(done)).toMatch(/^Done! Your \*Consultation\*/);
    const after = await db.prisma.booking.findUniqueOrThrow({ where: { id: booking.id } });
    expect([after.startsAt.toISOString(), after.rescheduleCount]).toEqual([d.slot_start, 1]);
  });

  it('20 customers completing the same slot at once: exactly one booking, everyone else gets alternatives', async () => {
    const customerIds = await demo.createCustomers(20, '3469900');
    const customers = await db.prisma.customer.findMany({ where: { id: { in: customerIds } }, select: { id: true, waId: true } });
    const start = new Date(`${addLocalDays(today, 9)}T09:00:00.000Z`);
    const completions = await Promise.all(
      customers.map(async (customer) => {
        const token = await issueToken(db, { businessId: demo.businessId, customerId: customer.id, now });
        return { from: customer.waId, message: flowCompletion(token, { flow: 'booking', service_id: demo.services.consultation, staff_id: demo.staff.ana, slot_start: start.toISOString(), hold_id: '', customer_name: 'X', note: '' }) };
      }),
    );
    const before = channel.graph.messages().length;
    await channel.sendAll(completions);
    const bookings = await db.prisma.booking.findMany({ where: { staffId: demo.staff.ana, startsAt: start, status: { in: ['confirmed', 'pending'] } } });
    expect(bookings).toHaveLength(1);
    const answers = channel.graph.messages().slice(before);
    expect(answers.filter((m) => /^Booked!/.test(bodyOf(m)))).toHaveLength(1);
    expect(answers.filter((m) => /^Sorry, that time was just taken/.test(bodyOf(m)))).toHaveLength(19);
  });
});
