/** Console security in a real browser: sign-in/out, wrong password, throttling, CSRF, roles, business isolation, headers. */
import { readCsrfToken, startConsoleKit, type ConsoleKit } from './console-kit';

describe('staff console: signing in and what each user may do', () => {
  let kit: ConsoleKit;
  let otherBookingUid: string;
  let demoBookingUid: string;

  beforeAll(async () => {
    kit = await startConsoleKit();
    const { prisma } = kit.db;
    const [customerId] = await kit.demo.createCustomers(1, '3461200');
    const now = kit.channel.clock.now();
    const start = new Date(now.getTime() + 26 * 3_600_000);
    start.setUTCHours(9, 0, 0, 0);
    const service = await prisma.service.findUniqueOrThrow({ where: { id: kit.demo.services.consultation } });
    const booking = await prisma.booking.create({
      data: {
        uid: 'bk_aaaaaaaaaaaaaaaa', businessId: kit.demo.businessId, customerId: customerId!, staffId: kit.demo.staff.ana, serviceId: service.id,
        startsAt: start, endsAt: new Date(start.getTime() + 30 * 60_000), blockedFrom: start, blockedUntil: new Date(start.getTime() + 30 * 60_000),
        timeZone: 'Europe/Madrid', status: 'confirmed', source: 'api', price: service.price, currency: 'EUR',
      },
    });
    demoBookingUid = booking.uid;
    // A booking of the other business: its uid must not open from the demo business's console.
    const staff = await prisma.staff.create({ data: { businessId: kit.otherBusinessId, name: 'Other Staff' } });
    const otherService = await prisma.service.create({ data: { businessId: kit.otherBusinessId, uid: 'x', name: 'Other service', durationMinutes: 30, price: '10.00', currency: 'EUR' } });
    const otherCustomer = await prisma.customer.create({ data: { businessId: kit.otherBusinessId, waId: '351910000009', name: 'Secret Patient' } });
    const other = await prisma.booking.create({
      data: {
        uid: 'bk_bbbbbbbbbbbbbbbb', businessId: kit.otherBusinessId, customerId: otherCustomer.id, staffId: staff.id, serviceId: otherService.id,
        startsAt: start, endsAt: new Date(start.getTime() + 30 * 60_000), blockedFrom: start, blockedUntil: new Date(start.getTime() + 30 * 60_000),
        timeZone: 'Europe/Lisbon', status: 'confirmed', source: 'api', price: '10.00', currency: 'EUR',
      },
    });
    otherBookingUid = other.uid;
  });
  afterAll(async () => {
    await kit.stop();
  });

  it('GET / leads to the sign-in page; signing in shows the calendar; signing out ends the session', async () => {
    const { context, page } = await kit.newPage();
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    await kit.signIn(page, kit.users.admin);
    expect(new URL(page.url()).pathname).toBe('/admin/calendar');
    const cookie = (await context.cookies()).find((c) => c.name === 'tapbook_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // The old cookie is dead on the server too, not just deleted in the browser.
    const replay = await fetch(`${kit.baseUrl}/admin/calendar`, { headers: { cookie: `tapbook_session=${cookie.value}` }, redirect: 'manual' });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toMatch(/^\/admin\/sign-in/);
    await context.close();
  });

  it('a wrong password is refused with a message, and a new session id is issued at every sign-in', async () => {
    const { context, page } = await kit.newPage();
    await page.goto('/admin/sign-in');
    await page.getByLabel('Email').fill(kit.users.frontDesk.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password' }).waitFor();
    await kit.signIn(page, kit.users.frontDesk);
    const first = (await context.cookies()).find((c) => c.name === 'tapbook_session')!.value;
    await kit.signIn(page, kit.users.frontDesk);
    const second = (await context.cookies()).find((c) => c.name === 'tapbook_session')!.value;
    expect(second).not.toBe(first);
    const replay = await fetch(`${kit.baseUrl}/admin/calendar`, { headers: { cookie: `tapbook_session=${first}` }, redirect: 'manual' });
    expect(replay.status).toBe(303);
    await context.close();
  });

  it('after five failures the account is throttled, even with the right password', async () => {
    const victim = { email: 'throttled@clinic.test', password: '' };
    const { createStaffUser } = await import('../../src/admin');
    victim.password = (await createStaffUser(kit.db.prisma, { businessId: kit.demo.businessId, email: victim.email, role: 'front_desk' })).password;
    const { context, page } = await kit.newPage();
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await page.goto('/admin/sign-in');
      await page.getByLabel('Email').fill(victim.email);
      await page.getByLabel('Password').fill(`wrong-${attempt}`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'Wrong email or password' }).waitFor();
    }
    await page.getByLabel('Password').fill(victim.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Too many failed attempts' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    await context.close();
  });

  it('a state-changing request without the session’s CSRF token is refused and changes nothing', async () => {
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.admin);
    const status = (await page.request.post(`/admin/bookings/${demoBookingUid}/cancel`, { form: { reason: 'forged', _csrf: 'wrong' } })).status();
    expect(status).toBe(403);
    expect((await kit.db.prisma.booking.findUniqueOrThrow({ where: { uid: demoBookingUid } })).status).toBe('confirmed');
    await context.close();
  });

  it('a read-only user sees the booking without any action, and a forged action is refused', async () => {
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.readOnly);
    await page.goto(`/admin/bookings/${demoBookingUid}`);
    await page.getByRole('heading', { name: /Booking:/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Cancel booking' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Mark completed' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'New booking' }).count()).toBe(0);
    // With the right CSRF token (read from the page) the role check still refuses.
    const status = (await page.request.post(`/admin/bookings/${demoBookingUid}/cancel`, { form: { reason: 'forged', _csrf: await readCsrfToken(page) } })).status();
    expect(status).toBe(403);
    expect((await kit.db.prisma.booking.findUniqueOrThrow({ where: { uid: demoBookingUid } })).status).toBe('confirmed');
    await context.close();
  });

  it('a user of one business cannot open or change a booking of another by its id', async () => {
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.admin);
    const response = await page.goto(`/admin/bookings/${otherBookingUid}`);
    expect(response!.status()).toBe(404);
    await page.getByRole('alert').filter({ hasText: 'No such booking in your business.' }).waitFor();
    expect(await page.getByText('Secret Patient').count()).toBe(0);
    const status = (await page.request.post(`/admin/bookings/${otherBookingUid}/cancel`, { form: { reason: 'x', _csrf: await readCsrfToken(page) } })).status();
    expect(status).toBe(404);
    expect((await kit.db.prisma.booking.findUniqueOrThrow({ where: { uid: otherBookingUid } })).status).toBe('confirmed');
    await context.close();
  });

  it('console pages carry a CSP without inline scripts that forbids framing', async () => {
    const response = await fetch(`${kit.baseUrl}/admin/sign-in`);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('the console language is per user', async () => {
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.frontDesk);
    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Agenda' }).waitFor();
    await page.getByRole('button', { name: 'Guardar' }).waitFor();
    await page.getByLabel('Idioma').selectOption('en');
    await page.getByRole('button', { name: 'Guardar' }).click();
    await page.getByRole('heading', { name: 'Calendar' }).waitFor();
    await context.close();
  });

  it('a session ends after 2 hours without a request, and after 12 hours however active', async () => {
    const { context, page } = await kit.newPage();
    const clock = kit.channel.clock;
    const start = clock.now();
    try {
      await kit.signIn(page, kit.users.admin);
      clock.advanceMinutes(119);
      await page.goto('/admin/calendar');
      await page.getByRole('heading', { name: 'Calendar' }).waitFor();
      clock.advanceMinutes(121);
      await page.goto('/admin/calendar');
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();

      await kit.signIn(page, kit.users.admin);
      for (let hour = 0; hour < 12; hour += 1) {
        clock.advanceMinutes(60);
        await page.goto('/admin/inbox');
      }
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    } finally {
      clock.set(start);
      await context.close();
    }
  });

  it('a post from another origin is refused even with the right token; odd sign-in fields answer 4xx, never 500', async () => {
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.admin);
    const foreign = await page.request.post(`/admin/bookings/${demoBookingUid}/notes`, {
      form: { notes: 'forged', _csrf: await readCsrfToken(page) },
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status()).toBe(403);
    expect((await kit.db.prisma.booking.findUniqueOrThrow({ where: { uid: demoBookingUid } })).notes).toBeNull();
    const same = await page.request.post(`/admin/bookings/${demoBookingUid}/notes`, { form: { notes: 'Allergic to latex', _csrf: await readCsrfToken(page) } });
    expect(same.status()).toBe(200);
    expect((await kit.db.prisma.booking.findUniqueOrThrow({ where: { uid: demoBookingUid } })).notes).toBe('Allergic to latex');
    await context.close();
    const odd = await fetch(`${kit.baseUrl}/admin/sign-in`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=a&email=b&password=x&password=y' });
    expect(odd.status).toBe(403);
  });

  it('an admin creates a console user whose one-time password signs in; other roles cannot open the user settings', async () => {
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.admin);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('Email').fill('new.desk@clinic.test');
    await page.getByLabel('Role').selectOption({ label: 'Front desk' });
    await page.getByRole('button', { name: 'Create user' }).click();
    const shown = page.getByRole('status').filter({ hasText: 'One-time password for new.desk@clinic.test' });
    await shown.waitFor();
    const password = (await shown.locator('code').textContent())!;
    expect(await kit.db.prisma.staffUser.findUniqueOrThrow({ where: { email: 'new.desk@clinic.test' } })).toMatchObject({ businessId: kit.demo.businessId, role: 'front_desk' });
    await context.close();

    const fresh = await kit.newPage();
    await kit.signIn(fresh.page, { email: 'new.desk@clinic.test', password });
    expect(await fresh.page.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    expect((await fresh.page.goto('/admin/settings/users'))!.status()).toBe(403);
    const forged = await fresh.page.request.post('/admin/settings/users', { form: { email: 'evil@clinic.test', role: 'admin', _csrf: await readCsrfToken(fresh.page) } });
    expect(forged.status()).toBe(403);
    expect(await kit.db.prisma.staffUser.count({ where: { email: 'evil@clinic.test' } })).toBe(0);
    await fresh.context.close();
  });
});
