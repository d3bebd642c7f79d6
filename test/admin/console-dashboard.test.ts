/**
 * The Dashboard in a real browser: the period picker, the charts (Chart.js from node_modules, under
 * the console's CSP), the table's numbers, the CSV download of the same table, every role may look.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findSeriousAxeViolations, startConsoleKit, type ConsoleKit } from './console-kit';

// The README's screenshot is refreshed only on request (`npm run screenshots`).
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.join(__dirname, '..', '..', 'docs', 'screenshots') : path.join(os.tmpdir(), 'tapbook-screenshots');

describe('staff console: dashboard', () => {
  let kit: ConsoleKit;
  let day: string;
  let nextDay: string;

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    kit = await startConsoleKit();
    const { prisma } = kit.db;
    const businessId = kit.demo.businessId;
    const now = kit.channel.clock.now();
    // The clock's day and the next in Madrid (the clock is 08:00 or 09:00 there).
    day = now.toISOString().slice(0, 10);
    nextDay = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
    const customers = await kit.demo.createCustomers(3, '3462200');
    const at = (hours: number) => new Date(now.getTime() + hours * 3_600_000);
    const events: Array<[number, string, string, string | null, string | null]> = [
      [0, 'booking_intent', customers[0]!, 'flow', null],
      [0, 'flow_opened', customers[0]!, 'flow', null],
      [0, 'slot_chosen', customers[0]!, 'flow', null],
      [0, 'booking_confirmed', customers[0]!, 'flow', null],
      [1, 'booking_intent', customers[1]!, 'list', null],
      [1, 'list_started', customers[1]!, 'list', null],
      [1, 'path_abandoned', customers[1]!, 'list', 'timeout'],
      [2, 'handoff', customers[2]!, null, 'emergency'],
      [25, 'booking_intent', customers[2]!, 'list', null],
    ];
    for (const [hours, stage, customerId, eventPath, detail] of events) {
      await prisma.funnelEvent.create({ data: { businessId, customerId, stage, path: eventPath, detail, occurredAt: at(hours) } });
    }
    await prisma.outboxMessage.createMany({
      data: [
        { businessId, customerId: customers[0]!, phoneNumberId: '100000000000001', recipient: '34622000001', kind: 'reminder', payload: {}, status: 'read', providerMessageId: 'wamid.dash.1', readAt: at(0), deliveredAt: at(0), pricingCategory: 'utility', pricingType: 'regular', isBillable: true, createdAt: at(0) },
        { businessId, customerId: customers[0]!, phoneNumberId: '100000000000001', recipient: '34622000001', kind: 'reply', payload: {}, status: 'delivered', providerMessageId: 'wamid.dash.2', deliveredAt: at(0), pricingCategory: 'service', pricingType: 'free_customer_service', isBillable: false, createdAt: at(0) },
      ],
    });
  });
  afterAll(async () => kit.stop());

  it('shows the period picker, both charts and the numbers; the CSV holds the same table', async () => {
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.readOnly);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByLabel('From').fill(day);
    await page.getByLabel('To').fill(nextDay);
    await page.getByLabel('Group by').selectOption('day');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/from=/);
    // Chart.js ran (its file came from our asset route, the CSP allowed it) and drew on both canvases.
    await page.locator('#kpi-charts[data-drawn="true"]').waitFor();
    // Some pixel of each canvas is no longer transparent.
    const drawn = await page.evaluate(`['kpi-chart-periods', 'kpi-chart-funnel'].map((id) => {
      const canvas = document.getElementById(id);
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      return pixels.some((value, index) => index % 4 === 3 && value !== 0);
    })`);
    expect(drawn).toEqual([true, true]);
    const cells = async (label: string) => (await page.getByRole('row', { name: label, exact: false }).first().locator('td').allTextContents()).map((text) => text.trim());
    expect(await cells('Booking intents ("Book")')).toEqual(['3', '2', '1']);
    expect(await cells('Bookings confirmed')).toEqual(['1', '1', '0']);
    expect(await cells('Booking rate')).toEqual(['33.3%', '50%', '0%']);
    expect(await cells('Hand-offs: emergency')).toEqual(['1', '1', '0']);
    expect(await cells('List paths abandoned')).toEqual(['1', '1', '0']);
    expect(await cells('Reminders read')).toEqual(['1', '1', '0']);
    expect(await cells('Billable messages: utility')).toEqual(['1', '1', '0']);
    expect(await cells('Free messages: service')).toEqual(['1', '1', '0']);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8').trimEnd().split('\r\n').map((line) => line.split(','));
    const header = csv[0]!;
    expect(header.slice(0, 3)).toEqual(['period_start', 'period_end', 'conversations_started']);
    expect(header.slice(-4)).toEqual(['billable_service', 'free_service', 'billable_utility', 'free_utility']);
    const column = (name: string) => csv.slice(1).map((row) => row[header.indexOf(name)]);
    expect(csv.slice(1).map((row) => row[0])).toEqual([day, nextDay]);
    expect(column('booking_intents')).toEqual(['2', '1']);
    expect(column('booking_rate')).toEqual(['0.5', '0']);
    expect(column('handoffs_emergency')).toEqual(['1', '0']);
    expect(column('billable_utility')).toEqual(['1', '0']);
    await context.close();
  });

  it('answers the CSV as text/csv with a header row, and refuses a reversed range with a message', async () => {
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.frontDesk);
    const csv = await page.request.get(`/admin/dashboard.csv?from=${day}&to=${day}&granularity=week`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="kpis-/);
    expect((await csv.text()).split('\r\n')[0]).toMatch(/^period_start,period_end,conversations_started,/);
    const refused = await page.goto(`/admin/dashboard?from=${nextDay}&to=${day}`);
    expect(refused!.status()).toBe(400);
    await page.getByRole('alert').filter({ hasText: `is after to (${day})` }).waitFor();
    expect(await findSeriousAxeViolations(page)).toEqual([]);
    await page.goto(`/admin/dashboard?from=${day}&to=${nextDay}`);
    expect(await findSeriousAxeViolations(page)).toEqual([]);
    await context.close();
  });
});
