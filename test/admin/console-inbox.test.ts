/**
 * The console inbox in a real browser: a hand-off appears live (server-sent events fed by
 * PostgreSQL LISTEN/NOTIFY) with the count in the title, emergencies marked, staff reply reaches
 * the fake Graph API, hand back returns the customer to the bot, the 24-hour window, roles.
 */
import os from 'node:os';
import path from 'node:path';
import { inboxNotifierOf } from '../../src/admin/inbox/inbox-notifier';
import { waitUntil } from '../support/wait-until';
import { findSeriousAxeViolations, readCsrfToken, startConsoleKit, type ConsoleKit } from './console-kit';

const text = (body: string) => ({ type: 'text', text: { body } });
// The README's screenshots are refreshed only on request (`npm run screenshots`), so a test run
// leaves the working tree as it found it.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1'
  ? path.join(__dirname, '..', '..', 'docs', 'screenshots')
  : path.join(os.tmpdir(), 'tapbook-screenshots');

describe('staff console: inbox', () => {
  let kit: ConsoleKit;
  const textsTo = (waId: string) => kit.channel.graph.messages().filter((m) => m.to === waId && m.type === 'text').map((m) => (m.text as { body: string }).body);

  beforeAll(async () => {
    kit = await startConsoleKit();
  });
  afterAll(async () => {
    await kit.stop();
  });

  it('a customer asking for a person appears in an open inbox without reload; staff reply and hand back to the bot', async () => {
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.frontDesk);
    const stream = page.waitForResponse((response) => response.url().endsWith('/admin/inbox/events'));
    await page.goto('/admin/inbox');
    await page.getByText('Nobody is waiting.').waitFor();
    await stream;
    await inboxNotifierOf(kit.db.prisma).waitUntilListening();

    await kit.channel.send('34611000101', text('hello'), { name: 'Lucia Gomez' });
    // She writes again a minute after the bot's answer (the test clock stands still by itself).
    kit.channel.clock.advanceMinutes(1);
    await kit.channel.send('34611000101', text('agent'), { name: 'Lucia Gomez' });
    const item = page.getByRole('link', { name: /Lucia Gomez.*Asked for a person/ });
    await item.waitFor();
    await waitUntil(async () => (await page.title()).startsWith('(1) '), 'the waiting count in the page title');

    // A minute later an emergency arrives too, and is marked as one.
    kit.channel.clock.advanceMinutes(1);
    await kit.channel.send('34611000102', text('I have chest pain'), { name: 'Pedro Ruiz' });
    await page.getByRole('link', { name: /Pedro Ruiz.*Emergency.*I have chest pain/ }).waitFor();
    await waitUntil(async () => (await page.title()).startsWith('(2) '), 'two waiting in the page title');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inbox.png'), fullPage: true });

    await item.click();
    const conversation = page.getByRole('region', { name: 'Conversation with Lucia Gomez' });
    await conversation.getByText('agent', { exact: true }).waitFor();
    await conversation.getByLabel('Reply').fill('Hi Lucia, this is the front desk. How can we help?');
    await conversation.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('status').filter({ hasText: 'Reply queued.' }).waitFor();
    await waitUntil(() => textsTo('34611000101').includes('Hi Lucia, this is the front desk. How can we help?'), 'the staff reply at the fake Graph API');
    // The transcript reads as the conversation went: each customer message before the answer to it.
    const lines = await conversation.getByRole('listitem').allTextContents();
    const positionOf = (start: string) => lines.findIndex((line) => line.startsWith(start));
    expect(['Customer: hello', 'Business: Hi! Welcome', 'Customer: agent', 'Business: Thanks! A person', 'Staff: Hi Lucia'].map(positionOf)).toEqual([0, 1, 2, 3, 4]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inbox-conversation.png'), fullPage: true });

    await page.getByRole('button', { name: 'Hand back to the bot' }).click();
    await page.getByRole('status').filter({ hasText: 'Handed back to the bot.' }).waitFor();
    await waitUntil(async () => !(await kit.db.prisma.conversation.findFirstOrThrow({ where: { customer: { waId: '34611000101' } } })).isHandoff, 'the conversation back with the bot', 15_000);
    // The live list drops her from the waiting group.
    await waitUntil(async () => (await page.title()).startsWith('(1) '), 'one waiting in the page title');
    expect(await findSeriousAxeViolations(page)).toEqual([]);
    await context.close();
  });

  it('outside the 24-hour window no free text is offered and a forged reply is refused', async () => {
    const customer = await kit.db.prisma.customer.findFirstOrThrow({ where: { waId: '34611000102' } });
    await kit.db.prisma.customer.update({ where: { id: customer.id }, data: { lastInboundAt: new Date(kit.channel.clock.now().getTime() - 48 * 3_600_000) } });
    const conversation = await kit.db.prisma.conversation.findFirstOrThrow({ where: { customerId: customer.id } });
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.admin);
    await page.goto(`/admin/inbox?c=${conversation.id}`);
    await page.getByText('WhatsApp only accepts approved templates now').waitFor();
    expect(await page.getByLabel('Reply').count()).toBe(0);
    const before = textsTo('34611000102').length;
    const response = await page.request.post(`/admin/inbox/${conversation.id}/reply`, { form: { text: 'forged', _csrf: await readCsrfToken(page) }, headers: { 'hx-request': 'true' } });
    expect(response.status()).toBe(409);
    expect(textsTo('34611000102')).toHaveLength(before);
    await context.close();
  });

  it('a read-only user sees the transcript without actions and cannot reply by forging a post; other businesses’ conversations do not open', async () => {
    const conversation = await kit.db.prisma.conversation.findFirstOrThrow({ where: { customer: { waId: '34611000102' } } });
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.readOnly);
    await page.goto(`/admin/inbox?c=${conversation.id}`);
    await page.getByRole('region', { name: 'Conversation with Pedro Ruiz' }).waitFor();
    expect(await page.getByRole('button', { name: 'Hand back to the bot' }).count()).toBe(0);
    const response = await page.request.post(`/admin/inbox/${conversation.id}/hand-back`, { form: { _csrf: await readCsrfToken(page) } });
    expect(response.status()).toBe(403);
    await context.close();

    const other = await kit.newPage();
    await kit.signIn(other.page, kit.users.otherAdmin);
    const answer = await other.page.goto(`/admin/inbox?c=${conversation.id}`);
    expect(answer!.status()).toBe(404);
    expect(await other.page.getByText('Pedro Ruiz').count()).toBe(0);
    await other.context.close();
  });

  it('customers: search by name or phone, a customer’s language, opt-out state, bookings and conversation; other businesses’ customers do not open', async () => {
    const pedro = await kit.db.prisma.customer.findFirstOrThrow({ where: { waId: '34611000102' } });
    await kit.db.prisma.customer.update({ where: { id: pedro.id }, data: { isOptedOut: true, optedOutAt: kit.channel.clock.now() } });
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.frontDesk);
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByLabel('Search by name or phone').fill('lucia');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('link', { name: /Lucia Gomez/ }).waitFor();
    expect(await page.getByRole('link', { name: /Pedro Ruiz/ }).count()).toBe(0);
    await page.getByLabel('Search by name or phone').fill('611000102');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('link', { name: /Pedro Ruiz.*opted out/ }).click();
    const detail = page.getByRole('region', { name: 'Pedro Ruiz' });
    await detail.getByText('Opted out: no reminders or news').waitFor();
    await detail.getByText('No bookings yet.').waitFor();
    await detail.getByRole('link', { name: 'Open the conversation' }).click();
    await page.getByRole('region', { name: 'Conversation with Pedro Ruiz' }).waitFor();
    expect(await findSeriousAxeViolations(page)).toEqual([]);
    await context.close();

    const other = await kit.newPage();
    await kit.signIn(other.page, kit.users.otherAdmin);
    expect((await other.page.goto(`/admin/customers/${pedro.id}`))!.status()).toBe(404);
    expect(await other.page.getByText('Pedro Ruiz').count()).toBe(0);
    await other.context.close();
  });
});
