/**
 * The console inbox's staff actions in a real browser: take over (the bot falls silent), reply,
 * hand back (the bot answers again); outside the 24-hour window only approved templates, sent with
 * their parameters; opted-out customers get none; WhatsApp usernames shown and searchable; roles
 * and other businesses refused.
 */
import { waitUntil } from '../support/wait-until';
import { findSeriousAxeViolations, readCsrfToken, startConsoleKit, type ConsoleKit } from './console-kit';

const text = (body: string) => ({ type: 'text', text: { body } });
const CUSTOMER = '34611000301';

describe('staff console: take over, templates, usernames', () => {
  let kit: ConsoleKit;
  const messagesTo = (address: string) => kit.channel.graph.messages().filter((m) => (m.to ?? m.recipient) === address);
  // Every webhook carries the profile name; the harness would otherwise rename her "Test Customer".
  const say = (body: string) => kit.channel.send(CUSTOMER, text(body), { name: 'Marta Vidal' });
  const conversationOf = (waId: string) => kit.db.prisma.conversation.findFirstOrThrow({ where: { customer: { waId } } });

  beforeAll(async () => {
    kit = await startConsoleKit();
  });
  afterAll(async () => {
    await kit.stop();
  });

  it('take over silences the bot for the customer; staff reply; hand back and the bot answers again', async () => {
    expect(await say('hello')).not.toEqual([]);
    const conversation = await conversationOf(CUSTOMER);
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.frontDesk);
    await page.goto(`/admin/inbox?c=${conversation.id}`);
    const region = page.getByRole('region', { name: 'Conversation with Marta Vidal' });
    await region.getByText('The bot is answering this conversation.').waitFor();
    await region.getByRole('button', { name: 'Take over' }).click();
    await page.getByRole('status').filter({ hasText: 'You took over' }).waitFor();
    await kit.channel.settle();
    expect(await conversationOf(CUSTOMER)).toMatchObject({ isHandoff: true, handoffReason: 'staff' });

    // The customer writes: stored and shown, but the bot says nothing.
    expect(await say('Can I bring my daughter too?')).toEqual([]);
    expect(await say('hello')).toEqual([]);

    await page.reload();
    await region.getByText('Can I bring my daughter too?').waitFor();
    await region.getByText('Taken over by staff').waitFor();
    expect(await region.getByRole('button', { name: 'Take over' }).count()).toBe(0);
    await region.getByLabel('Reply').fill('Of course, see you both at 10.');
    await region.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('status').filter({ hasText: 'Reply queued.' }).waitFor();
    await waitUntil(() => messagesTo(CUSTOMER).some((m) => (m.text as { body?: string } | undefined)?.body === 'Of course, see you both at 10.'), 'the staff reply at the fake Graph API');

    await region.getByRole('button', { name: 'Hand back to the bot' }).click();
    await page.getByRole('status').filter({ hasText: 'Handed back to the bot.' }).waitFor();
    await kit.channel.settle();
    expect((await conversationOf(CUSTOMER)).isHandoff).toBe(false);
    // The bot is back: the next message is answered.
    expect(await say('hello')).not.toEqual([]);
    expect(await findSeriousAxeViolations(page)).toEqual([]);
    await context.close();
  });

  it('outside the 24-hour window only the template picker is offered; a template goes out with its parameters', async () => {
    const customer = await kit.db.prisma.customer.findFirstOrThrow({ where: { waId: CUSTOMER } });
    await kit.db.prisma.customer.update({ where: { id: customer.id }, data: { lastInboundAt: new Date(kit.channel.clock.now().getTime() - 48 * 3_600_000) } });
    const conversation = await conversationOf(CUSTOMER);
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.frontDesk);
    await page.goto(`/admin/inbox?c=${conversation.id}`);
    await page.getByText('WhatsApp only accepts approved templates now').waitFor();
    expect(await page.getByLabel('Reply').count()).toBe(0);
    const picker = page.getByRole('group', { name: 'appointment_reminder (en)' });
    expect(await findSeriousAxeViolations(page)).toEqual([]);
    expect(await picker.getByLabel('{{1}} customer_name').inputValue()).toBe('Marta Vidal');
    await picker.getByLabel('{{2}} service').fill('Consultation');
    await picker.getByLabel('{{3}} when').fill('Tuesday 10:00');
    await picker.getByRole('button', { name: 'Send appointment_reminder' }).click();
    await page.getByRole('status').filter({ hasText: 'Template queued.' }).waitFor();
    await waitUntil(() => messagesTo(CUSTOMER).some((m) => m.type === 'template'), 'the template at the fake Graph API');
    const sent = messagesTo(CUSTOMER).find((m) => m.type === 'template')!;
    expect(sent.template).toEqual({
      name: 'appointment_reminder',
      language: { code: 'en' },
      components: [{ type: 'body', parameters: ['Marta Vidal', 'Consultation', 'Tuesday 10:00'].map((value) => ({ type: 'text', text: value })) }],
    });
    await page.getByRole('region', { name: 'Conversation with Marta Vidal' }).getByText('[template appointment_reminder: Marta Vidal · Consultation · Tuesday 10:00]').waitFor();

    // A template not configured, or with a parameter missing, is refused.
    const csrf = await readCsrfToken(page);
    const unknown = await page.request.post(`/admin/inbox/${conversation.id}/template`, { form: { template: 'marketing_blast|en', _csrf: csrf }, headers: { 'hx-request': 'true' } });
    expect(unknown.status()).toBe(422);
    const short = await page.request.post(`/admin/inbox/${conversation.id}/template`, { form: { template: 'appointment_reminder|en', param: 'Marta', _csrf: csrf }, headers: { 'hx-request': 'true' } });
    expect(short.status()).toBe(422);
    expect(await short.text()).toContain('Fill in all 3 parameters');
    await context.close();
  });

  it('an opted-out customer is shown as such and gets no template, even by a forged post', async () => {
    const customer = await kit.db.prisma.customer.findFirstOrThrow({ where: { waId: CUSTOMER } });
    await kit.db.prisma.customer.update({ where: { id: customer.id }, data: { isOptedOut: true, optedOutAt: kit.channel.clock.now() } });
    const conversation = await conversationOf(CUSTOMER);
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.admin);
    await page.goto(`/admin/inbox?c=${conversation.id}`);
    await page.getByText('This customer opted out').waitFor();
    expect(await page.getByRole('button', { name: /^Send appointment_reminder/ }).count()).toBe(0);
    const before = messagesTo(CUSTOMER).length;
    const forged = await page.request.post(`/admin/inbox/${conversation.id}/template`, {
      form: { template: 'appointment_reminder|en', param: ['Marta', 'Consultation', 'Tuesday'], _csrf: await readCsrfToken(page) } as unknown as Record<string, string>,
      headers: { 'hx-request': 'true' },
    });
    expect(forged.status()).toBe(409);
    await kit.channel.settle();
    expect(messagesTo(CUSTOMER)).toHaveLength(before);
    await context.close();
  });

  it('a read-only user sees no take-over or template action and forged posts are refused; another business gets 404', async () => {
    const conversation = await conversationOf(CUSTOMER);
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.readOnly);
    await page.goto(`/admin/inbox?c=${conversation.id}`);
    await page.getByRole('region', { name: 'Conversation with Marta Vidal' }).waitFor();
    expect(await page.getByRole('button', { name: 'Take over' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Send/ }).count()).toBe(0);
    const csrf = await readCsrfToken(page);
    expect((await page.request.post(`/admin/inbox/${conversation.id}/take-over`, { form: { _csrf: csrf } })).status()).toBe(403);
    expect((await page.request.post(`/admin/inbox/${conversation.id}/template`, { form: { _csrf: csrf, template: 'appointment_reminder|en' } })).status()).toBe(403);
    await context.close();

    const other = await kit.newPage();
    await kit.signIn(other.page, kit.users.otherAdmin);
    const otherCsrf = await readCsrfToken(other.page);
    expect((await other.page.request.post(`/admin/inbox/${conversation.id}/take-over`, { form: { _csrf: otherCsrf } })).status()).toBe(404);
    await kit.channel.settle();
    expect((await conversationOf(CUSTOMER)).isHandoff).toBe(false);
    await other.context.close();
  });

  it('a customer known only by WhatsApp username is shown by @username in the inbox, customers page and booking panel, and found by it', async () => {
    const userId = 'US.13491208655302741918';
    await kit.channel.send(userId, text('hello'), { name: 'Iris' });
    const customer = await kit.db.prisma.customer.findFirstOrThrow({ where: { waId: userId } });
    expect(customer.phoneE164).toBeNull();
    // Meta sends the username in contacts[].profile.username; the harness's envelope has none.
    await kit.db.prisma.customer.update({ where: { id: customer.id }, data: { username: 'iris.paints' } });
    const service = await kit.db.prisma.service.findUniqueOrThrow({ where: { id: kit.demo.services.consultation } });
    const addOn = await kit.db.prisma.service.findFirstOrThrow({ where: { businessId: kit.demo.businessId, uid: 'blood-test' } });
    const startsAt = new Date(kit.channel.clock.now().getTime() + 2 * 86_400_000);
    const endsAt = new Date(startsAt.getTime() + 45 * 60_000);
    const booking = await kit.db.prisma.booking.create({
      data: {
        uid: 'bk_usernamebooking1',
        businessId: kit.demo.businessId,
        customerId: customer.id,
        staffId: kit.demo.staff.ana,
        serviceId: service.id,
        startsAt,
        endsAt,
        blockedFrom: startsAt,
        blockedUntil: endsAt,
        timeZone: 'Europe/Madrid',
        source: 'api',
        price: '85.00',
        currency: 'EUR',
        addOns: { create: [{ serviceId: addOn.id, durationMinutes: 15, price: '25.00' }] },
      },
    });

    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.frontDesk);
    await page.goto('/admin/inbox?q=iris.paints');
    await page.getByRole('link', { name: /Iris.*@iris\.paints/ }).click();
    await page.getByRole('region', { name: 'Conversation with Iris' }).getByText('@iris.paints').waitFor();

    await page.goto('/admin/customers');
    await page.getByLabel('Search by name or phone').fill('@iris');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('link', { name: /Iris.*@iris\.paints/ }).click();
    const detail = page.getByRole('region', { name: 'Iris' });
    await detail.getByText('WhatsApp username').waitFor();
    await detail.getByText('@iris.paints').waitFor();

    await page.goto(`/admin/bookings/${booking.uid}`);
    await page.getByText('@iris.paints').first().waitFor();
    await page.getByText('Blood test (+15 min, 25.00 EUR)').waitFor();
    expect(await findSeriousAxeViolations(page)).toEqual([]);
    await context.close();
  });
});
