/**
 * The console's calendar and booking panel in a real browser: a booking made through the chat
 * shows up; cancel, create and reschedule go through the booking core and message the customer at
 * the fake Graph API; a taken slot shows alternatives; phone width; accessibility; screenshots.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatInTimeZone } from 'date-fns-tz';
import { waitUntil } from '../support/wait-until';
import { findSeriousAxeViolations, startConsoleKit, type ConsoleKit } from './console-kit';

type Msg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const text = (body: string) => ({ type: 'text', text: { body } });
const button = (id: string) => ({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id, title: 'x' } } });
const row = (id: string) => ({ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id, title: 'x' } } });
const buttonsOf = (m: Msg) => (m.interactive?.action?.buttons ?? []).map((b: Msg) => b.reply.id as string);
const rowsOf = (m: Msg) => (m.interactive?.action?.sections ?? []).flatMap((s: Msg) => s.rows.map((r: Msg) => r.id as string));
const last = <T>(items: T[]) => items[items.length - 1]!;
// The README's screenshots are refreshed only on request (`npm run screenshots`), so a test run
// leaves the working tree as it found it.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1'
  ? path.join(__dirname, '..', '..', 'docs', 'screenshots')
  : path.join(os.tmpdir(), 'tapbook-screenshots');
const CUSTOMER = '34611000002';

describe('staff console: calendar and booking panel', () => {
  let kit: ConsoleKit;
  let chatBookingUid: string;
  let bookingDate: string;

  const textsTo = (waId: string) => kit.channel.graph.messages().filter((m) => m.to === waId && m.type === 'text').map((m) => (m.text as { body: string }).body);

  beforeAll(async () => {
    kit = await startConsoleKit();
    // The customer books through the chat: lists and buttons, as on WhatsApp.
    const { demo } = kit;
    const send = async (message: Record<string, unknown>) => last(await kit.channel.send(CUSTOMER, message, { name: 'Maria Lopez' }));
    const menu = await send(text('hello'));
    const services = await send(button(buttonsOf(menu)[0]!));
    const consultation = rowsOf(services).find((id: string) => id.includes(demo.services.consultation))!;
    const staffList = await send(row(consultation));
    const days = await send(row(rowsOf(staffList)[0]!));
    const times = await send(row(rowsOf(days)[0]!));
    const summary = await send(row(rowsOf(times)[0]!));
    await send(button(buttonsOf(summary)[0]!));
    const booking = await kit.db.prisma.booking.findFirstOrThrow({ where: { customer: { waId: CUSTOMER } } });
    chatBookingUid = booking.uid;
    bookingDate = formatInTimeZone(booking.startsAt, 'Europe/Madrid', 'yyyy-MM-dd');
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await kit.stop();
  });

  it('the calendar shows the chat booking in its staff column; the panel shows customer, source and history; cancelling messages the customer', async () => {
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.frontDesk);
    await page.goto(`/admin/calendar?date=${bookingDate}`);
    await page.getByText('Times in Europe/Madrid').waitFor();
    const block = page.getByRole('link', { name: /Maria Lopez/ });
    await block.waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'calendar.png'), fullPage: true });
    await block.click();
    const panel = page.getByRole('complementary', { name: 'Details' });
    await panel.getByRole('heading', { name: 'Booking: Maria Lopez' }).waitFor();
    await panel.getByText('WhatsApp chat').waitFor();
    await panel.getByText('Consultation', { exact: true }).waitFor();
    await panel.getByText(/created · customer:|created · /).first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'booking-panel.png'), fullPage: true });

    await panel.getByLabel('Reason for cancelling').fill('Doctor is ill');
    await panel.getByRole('button', { name: 'Cancel booking' }).click();
    await panel.getByRole('status').filter({ hasText: 'Booking cancelled. The customer was sent a WhatsApp message.' }).waitFor();
    expect((await kit.db.prisma.booking.findUniqueOrThrow({ where: { uid: chatBookingUid } })).status).toBe('cancelled');
    await waitUntil(() => textsTo(CUSTOMER).some((body) => body.includes('cancelled your *Consultation*') && body.includes('Doctor is ill')), 'the cancellation message at the fake Graph API');
    // The audit log names the console user.
    const log = await kit.db.prisma.bookingLog.findFirstOrThrow({ where: { booking: { uid: chatBookingUid }, action: 'cancelled' } });
    expect(log.actor).toBe('console:desk@clinic.test');
    // The grid beside the panel refreshed itself: the cancelled booking left it.
    await waitUntil(async () => (await page.getByRole('link', { name: /Maria Lopez/ }).count()) === 0, 'the cancelled booking to leave the grid');
    await context.close();
  });

  it('"New booking" books a free time from live availability and messages the customer; rescheduling moves it and messages again', async () => {
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.admin);
    await page.goto(`/admin/calendar?date=${bookingDate}`);
    await page.getByRole('link', { name: 'New booking' }).click();
    const panel = page.getByRole('complementary', { name: 'Details' });
    await panel.getByLabel('Customer phone (with country code)').fill(`+${CUSTOMER}`);
    await panel.getByLabel('Service').selectOption({ label: 'Consultation (30 min)' });
    await panel.getByLabel('Staff').selectOption({ label: 'Dr. Ana García' });
    await panel.getByLabel('Date').fill(bookingDate);
    await panel.getByRole('button', { name: 'Find free times' }).click();
    const first = panel.getByRole('button', { name: /^Book \d\d:\d\d$/ }).first();
    await first.waitFor();
    await first.click();
    await panel.getByRole('status').filter({ hasText: 'Booking created. The customer was sent a WhatsApp message.' }).waitFor();
    const created = await kit.db.prisma.booking.findFirstOrThrow({ where: { customer: { waId: CUSTOMER }, source: 'admin' } });
    expect(created.source).toBe('admin');
    expect(created.staffId).toBe(kit.demo.staff.ana);
    await waitUntil(() => textsTo(CUSTOMER).some((body) => body.includes('booked your *Consultation* with Dr. Ana García')), 'the booking message at the fake Graph API');
    await page.getByRole('link', { name: /Maria Lopez/ }).waitFor();

    await panel.getByRole('button', { name: 'Find free times' }).click();
    const move = panel.getByRole('button', { name: /^Move to \d\d:\d\d$/ }).nth(2);
    await move.waitFor();
    await move.click();
    await panel.getByRole('status').filter({ hasText: 'Booking moved.' }).waitFor();
    const moved = await kit.db.prisma.booking.findUniqueOrThrow({ where: { id: created.id } });
    expect(moved.startsAt.getTime()).not.toBe(created.startsAt.getTime());
    await waitUntil(() => textsTo(CUSTOMER).some((body) => body.includes('moved your *Consultation*')), 'the reschedule message at the fake Graph API');
    await context.close();
  });

  it('two staff pick the same time: the first books it, the second is told it is taken and offered the nearest free times', async () => {
    const a = await kit.newPage();
    const b = await kit.newPage();
    await kit.signIn(a.page, kit.users.admin);
    await kit.signIn(b.page, kit.users.frontDesk);
    const url = `/admin/bookings/new?find=1&phone=%2B34611000077&name=Walk+In&serviceId=${kit.demo.services.consultation}&staffId=${kit.demo.staff.ben}&date=${bookingDate}`;
    await a.page.goto(url);
    await b.page.goto(url);
    const slotA = a.page.getByRole('button', { name: /^Book \d\d:\d\d$/ }).last();
    const label = (await slotA.textContent())!;
    await slotA.click();
    await a.page.getByRole('status').filter({ hasText: 'Booking created.' }).waitFor();
    await b.page.getByRole('button', { name: label }).click();
    await b.page.getByRole('alert').filter({ hasText: 'That time was just taken.' }).waitFor();
    expect(await b.page.getByRole('button', { name: /^Book / }).count()).toBeGreaterThan(0);
    expect(await kit.db.prisma.booking.count({ where: { customer: { waId: '34611000077' } } })).toBe(1);
    await a.context.close();
    await b.context.close();
  });

  it('fits a 390 px phone: no sideways page scroll, navigation and the calendar reachable', async () => {
    const { context, page } = await kit.newPage({ width: 390, height: 844 });
    await kit.signIn(page, kit.users.admin);
    await page.goto(`/admin/calendar?date=${bookingDate}`);
    await page.getByRole('region', { name: 'Calendar' }).waitFor();
    const widths = await page.evaluate(() => ({ scroll: (globalThis as any).document.documentElement.scrollWidth as number, inner: (globalThis as any).innerWidth as number })); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(widths.scroll).toBeLessThanOrEqual(widths.inner);
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Inbox' }).isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'calendar-phone.png') });
    await context.close();
  });

  it('axe finds no serious accessibility violations on the sign-in page, the calendar and an open booking panel', async () => {
    const { context, page } = await kit.newPage();
    await page.goto('/admin/sign-in');
    expect(await findSeriousAxeViolations(page)).toEqual([]);
    await kit.signIn(page, kit.users.admin);
    await page.goto(`/admin/bookings/${chatBookingUid}`);
    await page.getByRole('heading', { name: 'Booking: Maria Lopez' }).waitFor();
    expect(await findSeriousAxeViolations(page)).toEqual([]);
    await context.close();
  });

  it('confirm a pending booking, edit its notes and mark it no-show from the panel; the history names the user', async () => {
    const [customerId] = await kit.demo.createCustomers(1, '3461300');
    const bookings = (await import('../../src/booking')).createBookingService({ prisma: kit.db.prisma, clock: kit.channel.clock });
    const slots = await bookings.findSlots({ businessId: kit.demo.businessId, serviceId: kit.demo.services.followUp });
    const result = await bookings.confirmSlot({ businessId: kit.demo.businessId, customerId: customerId!, serviceId: kit.demo.services.followUp, start: slots.slots[0]!.start, source: 'api', status: 'pending', actor: 'test' });
    if (!result.ok) throw new Error('could not book');
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.frontDesk);
    await page.goto(`/admin/bookings/${result.booking.uid}`);
    const panel = page.getByRole('complementary', { name: 'Details' });
    await panel.getByText('Pending', { exact: true }).waitFor();
    await panel.getByRole('button', { name: 'Confirm' }).click();
    await panel.getByRole('status').filter({ hasText: 'Booking confirmed.' }).waitFor();
    await panel.getByLabel('Notes').fill('Bring the X-ray');
    await panel.getByRole('button', { name: 'Save notes' }).click();
    await panel.getByRole('status').filter({ hasText: 'Notes saved.' }).waitFor();
    await panel.getByRole('button', { name: 'Mark no-show' }).click();
    await panel.getByRole('status').filter({ hasText: 'Marked as no-show.' }).waitFor();
    // A final state offers no more changes.
    expect(await panel.getByRole('button', { name: 'Cancel booking' }).count()).toBe(0);
    await panel.getByText('no_show · console:desk@clinic.test').waitFor();
    expect(await kit.db.prisma.booking.findUniqueOrThrow({ where: { id: result.booking.id } })).toMatchObject({ status: 'no_show', notes: 'Bring the X-ray' });
    await context.close();
  });
});
