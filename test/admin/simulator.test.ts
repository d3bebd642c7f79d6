/**
 * The WhatsApp simulator in a real browser against the real server in sandbox mode: booking end to
 * end through the rendered Flow (service → any staff → date → time → details → summary →
 * confirmation in the chat, booking in the REST API), reschedule through the Flow, a slot taken
 * between TIME and completion, Spanish and Portuguese, delivery ticks, and the checker refusing a
 * broken copy of the Flow JSON.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { createBookingService } from '../../src/booking';
import { waitUntil } from '../support/wait-until';
import { findSeriousAxeViolations } from './console-kit';
import { SIMULATOR_API_KEY, startSimulatorKit, type SimulatorKit } from './simulator-kit';

// The README's screenshots are refreshed only on request (`npm run screenshots`).
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1'
  ? path.join(__dirname, '..', '..', 'docs', 'screenshots')
  : path.join(os.tmpdir(), 'tapbook-screenshots');

/** What the customer taps, in the language the business answers in. */
interface FlowWords {
  /** The phone's own composer label and button (WhatsApp's interface language). */
  message: string;
  send: string;
  greeting: string;
  book: string;
  cta: string;
  next: string;
  anyStaff: string;
  time: string;
  review: string;
  confirm: string;
  booked: RegExp;
}

const ENGLISH: FlowWords = { message: 'Message', send: 'Send', greeting: 'hi', book: 'Book appointment', cta: 'Book now', next: 'Continue', anyStaff: 'Any available', time: 'Time', review: 'Review booking', confirm: 'Confirm booking', booked: /^Booked! ✅/ };

describe('WhatsApp simulator', () => {
  let kit: SimulatorKit;

  beforeAll(async () => {
    kit = await startSimulatorKit();
  });
  afterAll(async () => {
    await kit.stop();
  });

  const chatOf = (page: Page) => page.getByRole('log');
  const sheetOf = (page: Page) => page.getByRole('dialog');

  /** Does something in the Flow sheet and waits for the sheet's answer (so the next tap sees the new screen). */
  async function inFlow(page: Page, action: () => Promise<void>): Promise<void> {
    const answered = page.waitForResponse((response) => response.url().includes('/simulator/flow/'));
    await action();
    await answered;
    // htmx swaps the new screen in after the response: the next tap must wait for it, or it lands on the old one.
    // A function, not a string: the page's CSP forbids eval. The page has the DOM; the test's compiler does not.
    await page.waitForFunction(() => (globalThis as any).document.querySelector('[role="dialog"] .htmx-request, .htmx-swapping, .htmx-settling') === null); // eslint-disable-line @typescript-eslint/no-explicit-any
  }

  async function say(page: Page, text: string, words: Pick<FlowWords, 'message' | 'send'> = ENGLISH): Promise<void> {
    await page.getByLabel(words.message, { exact: true }).fill(text);
    await page.getByRole('button', { name: words.send, exact: true }).click();
  }

  /** Opens the newest Flow message's CTA. */
  async function openFlow(page: Page, cta: string): Promise<Locator> {
    const button = chatOf(page).getByRole('button', { name: cta, exact: true }).last();
    await button.waitFor();
    await inFlow(page, () => button.click());
    const sheet = sheetOf(page);
    await sheet.waitFor();
    return sheet;
  }

  /** Picks the first day the calendar lets you pick. */
  async function pickFirstFreeDay(page: Page, sheet: Locator): Promise<void> {
    await inFlow(page, () => sheet.getByRole('radio', { disabled: false }).first().check());
  }

  /** From the open SERVICE screen to SUMMARY: first service, any staff, first free day, second time, prefilled name. */
  async function fillUpToSummary(page: Page, sheet: Locator, words: FlowWords, options: { skipService?: boolean } = {}): Promise<void> {
    if (!options.skipService) {
      await inFlow(page, () => sheet.getByRole('radio').first().check());
      await inFlow(page, () => sheet.getByRole('button', { name: words.next }).click());
    }
    await inFlow(page, () => sheet.getByRole('radio', { name: words.anyStaff }).check());
    await inFlow(page, () => sheet.getByRole('button', { name: words.next }).click());
    await pickFirstFreeDay(page, sheet);
    await inFlow(page, () => sheet.getByRole('button', { name: words.next }).click());
    await inFlow(page, async () => {
      await sheet.getByLabel(words.time).selectOption({ index: 2 });
    });
    await inFlow(page, () => sheet.getByRole('button', { name: words.next }).click());
    await sheet.getByRole('button', { name: words.review }).waitFor();
    await inFlow(page, () => sheet.getByRole('button', { name: words.review }).click());
    await sheet.getByRole('button', { name: words.confirm }).waitFor();
  }

  async function bookThroughFlow(page: Page, words: FlowWords): Promise<void> {
    await say(page, words.greeting, words);
    await chatOf(page).getByRole('button', { name: words.book }).last().click();
    const sheet = await openFlow(page, words.cta);
    await fillUpToSummary(page, sheet, words);
    await inFlow(page, () => sheet.getByRole('button', { name: words.confirm }).click());
    await sheet.waitFor({ state: 'detached' });
    await chatOf(page).getByText(words.booked).waitFor();
  }

  async function appointmentsOf(waId: string): Promise<Array<Record<string, unknown>>> {
    const response = await fetch(`${kit.baseUrl}/v1/appointments?limit=100`, { headers: { 'x-api-key': SIMULATOR_API_KEY } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: Array<Record<string, any>> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    const customer = await kit.db.prisma.customer.findFirst({ where: { waId } });
    return body.data.filter((appointment) => JSON.stringify(appointment).includes(customer?.id ?? 'none'));
  }

  it('books end to end through the rendered Flow, with the confirmation in the chat and the booking in the REST API', async () => {
    const { context, page } = await kit.newPage();
    await page.goto('/simulator?phone=34633000001&name=Lucia%20Gomez&lang=en');
    await say(page, 'hi');
    // The bot marks the message read: blue ticks on the customer's bubble.
    await chatOf(page).getByLabel('Read').first().waitFor();
    await chatOf(page).getByRole('button', { name: 'Book appointment' }).click();
    const sheet = await openFlow(page, 'Book now');

    await sheet.getByRole('heading', { name: 'Book an appointment' }).waitFor();
    // Tapping the Footer with nothing chosen is refused by the client, as WhatsApp does.
    await inFlow(page, () => sheet.getByRole('button', { name: 'Continue' }).click());
    await sheet.getByRole('alert').filter({ hasText: 'Required' }).waitFor();
    await inFlow(page, () => sheet.getByRole('radio', { name: /Consultation/ }).check());
    await inFlow(page, () => sheet.getByRole('button', { name: 'Continue' }).click());
    await sheet.getByRole('heading', { name: 'Who would you like?' }).waitFor();
    // Back returns to the service with the choice kept.
    await inFlow(page, () => sheet.getByRole('button', { name: 'Back' }).click());
    expect(await sheet.getByRole('radio', { name: /Consultation/ }).isChecked()).toBe(true);
    await inFlow(page, () => sheet.getByRole('button', { name: 'Continue' }).click());
    await inFlow(page, () => sheet.getByRole('radio', { name: 'Any available' }).check());
    await inFlow(page, () => sheet.getByRole('button', { name: 'Continue' }).click());
    await sheet.getByRole('heading', { name: 'Pick a day' }).waitFor();
    // Days without free time are greyed out and cannot be picked.
    expect(await sheet.getByRole('radio', { disabled: true }).count()).toBeGreaterThan(0);
    await pickFirstFreeDay(page, sheet);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'simulator-flow.png') });
    expect(await findSeriousAxeViolations(page)).toEqual([]);
    await inFlow(page, () => sheet.getByRole('button', { name: 'Continue' }).click());
    await inFlow(page, async () => {
      await sheet.getByLabel('Time').selectOption({ index: 2 });
    });
    await inFlow(page, () => sheet.getByRole('button', { name: 'Continue' }).click());
    await sheet.getByRole('heading', { name: 'Your details' }).waitFor();
    // The name is prefilled from the WhatsApp profile.
    expect(await sheet.getByLabel('Name').inputValue()).toBe('Lucia Gomez');
    await sheet.getByLabel('Note (optional)').fill('First visit');
    await inFlow(page, () => sheet.getByRole('button', { name: 'Review booking' }).click());
    await sheet.getByRole('heading', { name: 'Check and confirm' }).waitFor();
    await sheet.getByText('Lucia Gomez').waitFor();
    await inFlow(page, () => sheet.getByRole('button', { name: 'Confirm booking' }).click());
    await sheet.waitFor({ state: 'detached' });
    await chatOf(page).getByText(/^Booked! ✅/).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'simulator-chat.png') });
    // The phone reported each bot message delivered and read (status webhooks), as WhatsApp does.
    await waitUntil(async () => (await kit.db.prisma.outboxMessage.count({ where: { recipient: '34633000001', kind: 'reply', status: { not: 'read' } } })) === 0, 'every bot message read');

    const [appointment] = await appointmentsOf('34633000001');
    expect(appointment).toMatchObject({ status: 'confirmed' });
    const booking = await kit.db.prisma.booking.findFirstOrThrow({ where: { customer: { waId: '34633000001' } } });
    expect(booking.notes).toBe('First visit');
    // The simulator posted the nfm_reply Meta would post, signed, with the Flow's token in response_json.
    const completion = await kit.db.prisma.inboxMessage.findFirstOrThrow({ where: { customer: { waId: '34633000001' }, type: 'flow_reply' } });
    expect((completion.message as { response?: { flow?: string; flow_token?: string } }).response).toMatchObject({ flow: 'booking' });
    await context.close();
  });

  it('reschedules through the Flow', async () => {
    const { context, page } = await kit.newPage();
    await page.goto('/simulator?phone=34633000002&name=Pedro%20Ruiz&lang=en');
    await bookThroughFlow(page, ENGLISH);
    const before = await kit.db.prisma.booking.findFirstOrThrow({ where: { customer: { waId: '34633000002' } } });

    await say(page, 'menu');
    await chatOf(page).getByRole('button', { name: 'My appointments' }).last().click();
    await chatOf(page).getByRole('button', { name: /☰/ }).last().click();
    // The list opens as a sheet of rows; picking one sends it.
    await sheetOf(page).getByRole('button').nth(1).click();
    await chatOf(page).getByRole('button', { name: 'Reschedule' }).last().click();
    const sheet = await openFlow(page, 'Change time');
    await fillUpToSummary(page, sheet, { ...ENGLISH, confirm: 'Confirm new time' }, { skipService: true });
    await inFlow(page, () => sheet.getByRole('button', { name: 'Confirm new time' }).click());
    await chatOf(page).getByText(/^Done! Your/).waitFor();
    const after = await kit.db.prisma.booking.findUniqueOrThrow({ where: { id: before.id } });
    expect(after.rescheduleCount).toBe(1);
    expect(after.startsAt.getTime()).not.toBe(before.startsAt.getTime());
    await context.close();
  });

  it('a slot taken by someone else between TIME and completion shows the nearest alternatives in the chat', async () => {
    const waId = '34633000003';
    const { context, page } = await kit.newPage();
    await page.goto(`/simulator?phone=${waId}&name=Ana%20Lima&lang=en`);
    await say(page, 'hi');
    await chatOf(page).getByRole('button', { name: 'Book appointment' }).click();
    const sheet = await openFlow(page, 'Book now');
    await fillUpToSummary(page, sheet, ENGLISH);
    const hold = await kit.db.prisma.slotHold.findFirstOrThrow({ where: { customer: { waId } } });
    // The hold runs out while the customer hesitates, and another customer books that very time.
    kit.clock.advanceMinutes(15);
    try {
      await kit.db.prisma.slotHold.deleteMany({ where: { customer: { waId } } });
      const [other] = await kit.demo.createCustomers(1, '3463399');
      const taken = await createBookingService({ prisma: kit.db.prisma, clock: kit.clock }).confirmSlot({
        businessId: kit.demo.businessId, customerId: other!, serviceId: hold.serviceId, staffId: hold.staffId, start: hold.startsAt, source: 'api', actor: 'test',
      });
      expect(taken.ok).toBe(true);
      await inFlow(page, () => sheet.getByRole('button', { name: 'Confirm booking' }).click());
      await chatOf(page).getByText(/^Sorry, that time was just taken/).waitFor();
      await chatOf(page).getByRole('button', { name: /☰/ }).last().click();
      // The list's sheet: close, at least two nearest times, and "Book appointment" to start again.
      await sheetOf(page).getByRole('button', { name: 'Book appointment' }).waitFor();
      expect(await sheetOf(page).getByRole('button').count()).toBeGreaterThan(3);
      expect(await kit.db.prisma.booking.count({ where: { customer: { waId } } })).toBe(0);
    } finally {
      kit.clock.advanceMinutes(-15);
    }
    await context.close();
  });

  it.each([
    ['Spanish', 'es', '34633000004', { message: 'Mensaje', send: 'Enviar', greeting: 'hola', book: 'Reservar cita', cta: 'Reservar', next: 'Continuar', anyStaff: 'Cualquiera disponible', time: 'Hora', review: 'Revisar la reserva', confirm: 'Confirmar la reserva', booked: /^¡Reservado! ✅/ }],
    ['Portuguese', 'pt', '34633000005', { message: 'Mensagem', send: 'Enviar', greeting: 'olá, bom dia', book: 'Agendar horário', cta: 'Marcar', next: 'Continuar', anyStaff: 'Qualquer disponível', time: 'Hora', review: 'Rever a marcação', confirm: 'Confirmar marcação', booked: /^Agendado! ✅/ }],
  ] as Array<[string, string, string, FlowWords]>)('books in %s, with the phone in that language', async (_language, lang, waId, words) => {
    const { context, page } = await kit.newPage();
    await page.goto(`/simulator?phone=${waId}&name=Cliente&lang=${lang}`);
    await bookThroughFlow(page, words);
    expect(await appointmentsOf(waId)).toHaveLength(1);
    await context.close();
  });

  it('a broken copy of the Flow JSON (a field the screen does not declare) shows the checker\'s payload-schema-error in red', async () => {
    const broken = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'flows', 'booking.flow.json'), 'utf8'));
    delete broken.screens.find((screen: { id: string }) => screen.id === 'SERVICE').data.footer_label;
    const file = path.join(os.tmpdir(), `broken-booking-${process.pid}.flow.json`);
    fs.writeFileSync(file, JSON.stringify(broken));
    const server = await kit.startServer({ flowJsonFile: file });
    try {
      const { context, page } = await kit.newPage();
      await page.goto(`${server.baseUrl}/simulator?phone=34633000006&name=Dev&lang=en`);
      await say(page, 'hi');
      await chatOf(page).getByRole('button', { name: 'Book appointment' }).click();
      const sheet = await openFlow(page, 'Book now');
      const error = sheet.getByRole('alert').filter({ hasText: 'payload-schema-error' });
      await error.waitFor();
      expect(await error.textContent()).toContain('footer_label: payload-schema-error: "footer_label" is not declared in the data of screen SERVICE');
      expect(await error.evaluate((element) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(element).color)).toBe('rgb(176, 0, 32)');
      // WhatsApp refuses the screen: nothing of it is drawn.
      expect(await sheet.getByRole('radio').count()).toBe(0);
      await context.close();
    } finally {
      await server.close();
      fs.rmSync(file, { force: true });
    }
  });

  it('refuses changes that do not come from its own page, and a bad number says what to fix', async () => {
    const forged = await fetch(`${kit.baseUrl}/simulator/send`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'phone=34633000007&text=hi' });
    expect(forged.status).toBe(403);
    const bad = await fetch(`${kit.baseUrl}/simulator?phone=12ab`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/phone: a WhatsApp number is 6–15 digits/);
    await waitUntil(async () => (await kit.db.prisma.customer.count({ where: { waId: '34633000007' } })) === 0, 'no customer from a forged post');
  });
});
