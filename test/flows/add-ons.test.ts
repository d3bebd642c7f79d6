/**
 * Add-on services in the booking Flow, over the real pipeline: DETAILS offers the service's
 * add-ons, choosing one re-holds the slot for the longer visit (or says it no longer fits),
 * SUMMARY shows them with the later end and the higher price, and the completion books them and
 * names them in the WhatsApp confirmation.
 */
import { createBookingService } from '../../src/booking';
import { addLocalDays, toLocalDate } from '../../src/scheduling';
import { nextMondayMorning } from '../support/channel-harness';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { exchange, flowCompletion, init, issueToken, postFlow, startFlowChannel, type FlowChannel } from './flow-kit';

type Msg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const text = (body: string) => ({ type: 'text', text: { body } });
const button = (id: string) => ({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id, title: 'x' } } });
const last = <T>(items: T[]) => items[items.length - 1]!;
const bodyOf = (m: Msg) => (m.text?.body ?? m.interactive?.body?.text ?? '') as string;

describe('add-on services in the booking Flow', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let channel: FlowChannel;
  let bloodTestId: string;
  const now = nextMondayMorning(new Date('2026-06-01T00:00:00Z'));
  const tuesday = addLocalDays(toLocalDate(now, 'Europe/Madrid'), 1);

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    channel = await startFlowChannel(db, now);
    bloodTestId = (await db.prisma.service.findFirstOrThrow({ where: { businessId: demo.businessId, uid: 'blood-test' } })).id;
  });
  afterAll(async () => {
    await channel.stop();
    await db.drop();
  });

  async function openForm(from: string): Promise<string> {
    await channel.send(from, text('hi'), { name: 'Maria Silva' });
    const message = last(await channel.send(from, button('menu:book'), { name: 'Maria Silva' }));
    return message.interactive.action.parameters.flow_token as string;
  }

  /** Chooses a time of Tuesday with Ana and returns DETAILS' data. */
  async function chooseTime(token: string, localTime: string, serviceId = demo.services.consultation, staffId = demo.staff.ana): Promise<Msg> {
    const time = await postFlow(channel.app, exchange(token, 'DATE', { screen_action: 'choose_date', date: tuesday, service_id: serviceId, staff_id: staffId }));
    const slot = time.body.data.times.find((t: Msg) => t.title === localTime);
    const details = await postFlow(channel.app, exchange(token, 'TIME', { screen_action: 'choose_time', time: slot.id, service_id: serviceId, staff_id: staffId }));
    expect(details.body.screen).toBe('DETAILS');
    return details.body.data;
  }

  const submitDetails = (token: string, details: Msg, addOnIds: string[]) =>
    postFlow(channel.app, exchange(token, 'DETAILS', {
      screen_action: 'submit_details', name: 'Maria Silva', note: '', add_on_ids: addOnIds,
      service_id: details.service_id, staff_id: details.staff_id, slot_start: details.slot_start, hold_id: details.hold_id,
    }));

  it('offers the add-ons on DETAILS, and shows the longer, dearer visit on SUMMARY; the confirmation names them', async () => {
    const from = '34622100001';
    const token = await openForm(from);
    const details = await chooseTime(token, '09:00');
    expect(details).toMatchObject({ has_add_ons: true, add_ons_label: 'Add extras (optional)', add_on_options: [{ id: bloodTestId, title: 'Blood test', description: '+15 min · €25.00' }] });

    const summary = await submitDetails(token, details, [bloodTestId]);
    expect(summary.body.screen).toBe('SUMMARY');
    expect(summary.body.data).toMatchObject({
      service_text: 'Consultation',
      has_add_ons: true,
      add_ons_text: '+ Blood test',
      price_text: '€85.00',
      time_text: expect.stringMatching(/^09:00 – 09:45 /),
      add_on_ids: [bloodTestId],
    });
    // The hold now covers the whole visit.
    const hold = await db.prisma.slotHold.findFirstOrThrow({ where: { customer: { waId: from } } });
    expect(hold.endsAt.getTime() - hold.startsAt.getTime()).toBe(45 * 60_000);

    const s = summary.body.data;
    const answer = { flow: 'booking', service_id: s.service_id, staff_id: s.staff_id, slot_start: s.slot_start, hold_id: s.hold_id, customer_name: s.customer_name, note: s.note, add_on_ids: s.add_on_ids };
    const replies = await channel.send(from, flowCompletion(token, answer));
    const confirmation = bodyOf(last(replies));
    expect(confirmation).toMatch(/^Booked! ✅/);
    expect(confirmation).toContain('*Consultation + Blood test*');
    expect(confirmation).toContain('€85.00');
    const booking = await db.prisma.booking.findFirstOrThrow({ where: { customer: { waId: from } }, include: { addOns: true } });
    expect([booking.endsAt.getTime() - booking.startsAt.getTime(), booking.price.toFixed(2)]).toEqual([45 * 60_000, '85.00']);
    expect(booking.addOns.map((addOn) => [addOn.serviceId, addOn.durationMinutes, addOn.price.toFixed(2)])).toEqual([[bloodTestId, 15, '25.00']]);
  });

  it('says on DETAILS when the add-ons no longer fit at that time, and keeps the plain slot held', async () => {
    const from = '34622100002';
    const token = await openForm(from);
    // 12:30 + 45 minutes runs into Ana's lunch break at 13:00.
    const details = await chooseTime(token, '12:30');
    const again = await submitDetails(token, details, [bloodTestId]);
    expect(again.body.screen).toBe('DETAILS');
    expect(again.body.data.error_message).toBe('With these extras the visit no longer fits at that time. Remove some, or go back and pick another time.');
    const hold = await db.prisma.slotHold.findFirstOrThrow({ where: { customer: { waId: from } } });
    expect([hold.startsAt.toISOString(), hold.endsAt.getTime() - hold.startsAt.getTime()]).toEqual([details.slot_start, 30 * 60_000]);
    const plain = await submitDetails(token, details, []);
    expect(plain.body.data).toMatchObject({ has_add_ons: false, add_ons_text: '', price_text: '€60.00', add_on_ids: [] });
  });

  it('moving a booking with an add-on: only times with room for it, the summary and the confirmation keep it', async () => {
    const from = '34622100004';
    const token = await openForm(from);
    const details = await chooseTime(token, '10:00');
    const summary = (await submitDetails(token, details, [bloodTestId])).body.data;
    const answer = (data: Msg) => ({ flow: 'booking', service_id: data.service_id, staff_id: data.staff_id, slot_start: data.slot_start, hold_id: data.hold_id, customer_name: data.customer_name, note: data.note, add_on_ids: data.add_on_ids });
    await channel.send(from, flowCompletion(token, answer(summary)));
    const booking = await db.prisma.booking.findFirstOrThrow({ where: { customer: { waId: from } } });
    const moveToken = await issueToken(db, { businessId: demo.businessId, customerId: booking.customerId, now, mode: 'reschedule', bookingId: booking.id });

    const time = await postFlow(channel.app, exchange(moveToken, 'DATE', { screen_action: 'choose_date', date: addLocalDays(tuesday, 1), service_id: demo.services.consultation, staff_id: demo.staff.ana }));
    const titles = time.body.data.times.map((t: Msg) => t.title);
    // 12:15 + 45 minutes ends at Ana's lunch break; 12:30 would run into it.
    expect(titles).toContain('12:15');
    expect(titles).not.toContain('12:30');
    const slot = time.body.data.times.find((t: Msg) => t.title === '12:15');
    const moveDetails = (await postFlow(channel.app, exchange(moveToken, 'TIME', { screen_action: 'choose_time', time: slot.id, service_id: demo.services.consultation, staff_id: demo.staff.ana }))).body.data;
    expect(moveDetails.has_add_ons).toBe(false);
    const moveSummary = (await submitDetails(moveToken, moveDetails, [])).body.data;
    expect(moveSummary).toMatchObject({ add_ons_text: '+ Blood test', price_text: '€85.00', time_text: expect.stringMatching(/^12:15 – 13:00 /) });
    const done = last(await channel.send(from, flowCompletion(moveToken, answer(moveSummary))));
    expect(bodyOf(done)).toMatch(/^Done! Your \*Consultation \+ Blood test\*/);
    const moved = await db.prisma.booking.findUniqueOrThrow({ where: { id: booking.id }, include: { addOns: true } });
    expect([moved.startsAt.toISOString(), moved.endsAt.getTime() - moved.startsAt.getTime(), moved.addOns.length]).toEqual([slot.id, 45 * 60_000, 1]);
  });

  it('the chat names the add-ons wherever it names the booking (My appointments list and actions)', async () => {
    const from = '34622100005';
    await channel.send(from, text('hi'), { name: 'Maria Silva' });
    const customer = await db.prisma.customer.findFirstOrThrow({ where: { waId: from } });
    const booked = await createBookingService({ prisma: db.prisma, clock: channel.clock }).confirmSlot({
      businessId: demo.businessId, customerId: customer.id, serviceId: 'consultation', staffId: demo.staff.ben, start: new Date(`${tuesday}T14:00:00Z`), source: 'api', actor: 'test', addOnServiceIds: ['blood-test'],
    });
    expect(booked.ok).toBe(true);
    const list = last(await channel.send(from, button('menu:appointments')));
    const rows = list.interactive.action.sections.flatMap((section: Msg) => section.rows);
    expect(rows[0].description).toContain('Consultation + Blood test');
    const actions = last(await channel.send(from, { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: rows[0].id, title: 'x' } } }));
    expect(bodyOf(actions)).toContain('Consultation + Blood test');
  });

  it('hides the choice for a service without add-ons, and never lists an add-on as a service of its own', async () => {
    const token = await openForm('34622100003');
    const details = await chooseTime(token, '10:00', demo.services.physio, demo.staff.carla);
    expect(details.has_add_ons).toBe(false);
    const service = await postFlow(channel.app, init(token));
    expect(service.body.data.services.map((s: Msg) => s.title)).not.toContain('Blood test');
  });
});
