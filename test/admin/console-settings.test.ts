/**
 * The console's Settings pages in a real browser: business settings, services (with rules and
 * add-ons), staff (weekly hours grid, date overrides, services, number), locations. Changes take
 * effect where customers book (the slots API); refusals show the API's message next to the field,
 * in the user's language; only admins act; another business's ids are 404; one per-business rule
 * decides whether staff changes made in the console or through the API message the customer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { addDays } from 'date-fns';
import { formatInTimeZone } from 'date-fns-tz';
import { createApiKey } from '../../src/api';
import { waitUntil } from '../support/wait-until';
import { findSeriousAxeViolations, readCsrfToken, startConsoleKit, type ConsoleKit } from './console-kit';

const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.join(__dirname, '..', '..', 'docs', 'screenshots') : path.join(os.tmpdir(), 'tapbook-screenshots');
const ZONE = 'Europe/Madrid';
const CUSTOMER = '34611000099';

describe('staff console: settings', () => {
  let kit: ConsoleKit;
  let apiKey: string;
  /** Local dates of the fixed clock's week: Monday (today), Tuesday, Wednesday, Thursday. */
  let day: { mon: string; tue: string; wed: string; thu: string };

  const api = () => request(kit.channel.app);
  const slotsOf = async (date: string, staffId: string) => {
    const res = await api().get('/v1/appointments/slots').query({ serviceId: 'consultation', staffId, date }).set('x-api-key', apiKey);
    expect({ status: res.status, body: res.status === 200 ? null : res.body }).toEqual({ status: 200, body: null });
    return (res.body as Array<{ slots: Array<{ startTime: string; endTime: string }> }>)[0]!.slots;
  };
  const localTime = (iso: string) => formatInTimeZone(new Date(iso), ZONE, 'HH:mm');
  const textsTo = (waId: string) => kit.channel.graph.messages().filter((m) => m.to === waId && m.type === 'text').map((m) => (m.text as { body: string }).body);

  beforeAll(async () => {
    kit = await startConsoleKit();
    apiKey = (await createApiKey(kit.db.prisma, { businessId: kit.demo.businessId, role: 'admin' })).key;
    const now = kit.channel.clock.now();
    const local = (offset: number) => formatInTimeZone(addDays(now, offset), ZONE, 'yyyy-MM-dd');
    day = { mon: local(0), tue: local(1), wed: local(2), thu: local(3) };
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await kit.stop();
  });

  it('an admin edits weekly hours in the grid (24:00 as the end of the day) and the slots API follows; a bad time is shown next to its field', async () => {
    const before = await slotsOf(day.tue, kit.demo.staff.ana);
    expect(before.map((slot) => localTime(slot.startTime))).toContain('09:00');

    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.admin);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Staff' }).click();
    await page.getByRole('link', { name: 'Dr. Ana García' }).click();
    await page.getByRole('heading', { name: 'Weekly hours' }).waitFor();
    expect(await page.getByLabel('Tuesday from (range 1)').inputValue()).toBe('09:00');
    expect(await page.getByLabel('Tuesday until (range 2)').inputValue()).toBe('18:00');

    // Keyboard only: type the first range, tab to the end, clear the second range.
    await page.getByLabel('Tuesday from (range 1)').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('20');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('25:00');
    await page.getByLabel('Tuesday from (range 2)').fill('');
    await page.getByLabel('Tuesday until (range 2)').fill('');
    await page.getByRole('button', { name: 'Save hours' }).click();
    // The API's own message, under the field that is wrong; nothing saved.
    const endField = page.getByLabel('Tuesday until (range 1)');
    expect(await endField.getAttribute('aria-invalid')).toBe('true');
    await page.locator('#hours-tuesday-0-end-error').filter({ hasText: 'must be a time in the HH:mm format (00:00–24:00)' }).waitFor();
    expect(await page.getByLabel('Tuesday from (range 1)').inputValue()).toBe('20:00');
    expect((await slotsOf(day.tue, kit.demo.staff.ana)).map((slot) => localTime(slot.startTime))).toContain('09:00');

    await endField.fill('24:00');
    // A second range on Wednesday in its blank row, then save.
    await page.getByLabel('Wednesday from (range 3)').fill('19:00');
    await page.getByLabel('Wednesday until (range 3)').fill('21:00');
    await page.getByRole('button', { name: 'Save hours' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'staff-hours.png'), fullPage: true });
    expect(await page.getByLabel('Tuesday until (range 1)').inputValue()).toBe('24:00');
    expect(await page.getByLabel('Tuesday from (range 2)').inputValue()).toBe('');

    const tuesday = await slotsOf(day.tue, kit.demo.staff.ana);
    expect(tuesday.map((slot) => localTime(slot.startTime))[0]).toBe('20:00');
    expect(localTime(tuesday[tuesday.length - 1]!.endTime)).toBe('00:00');
    expect((await slotsOf(day.wed, kit.demo.staff.ana)).map((slot) => localTime(slot.startTime))).toContain('20:30');
    await context.close();
  });

  it('a date override closes a day, and removing it opens the day again', async () => {
    expect((await slotsOf(day.thu, kit.demo.staff.ben)).length).toBeGreaterThan(0);
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.admin);
    await page.goto(`/admin/settings/staff/${kit.demo.staff.ben}`);
    await page.getByLabel('Date', { exact: true }).fill(day.thu);
    await page.getByLabel('Closed', { exact: true }).check();
    await page.getByLabel('Note (optional)').fill('Training day');
    await page.getByRole('button', { name: 'Add override' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.getByText('Training day').waitFor();
    expect(await slotsOf(day.thu, kit.demo.staff.ben)).toEqual([]);

    // Special hours without an end: the API's refusal, next to the end field.
    await page.getByLabel('Date', { exact: true }).fill(day.wed);
    await page.getByLabel('Special hours', { exact: true }).check();
    await page.getByLabel('From (special hours)').fill('10:00');
    await page.getByRole('button', { name: 'Add override' }).click();
    await page.locator('#override-end-error').filter({ hasText: 'is required when isClosed is false' }).waitFor();

    await page.getByRole('button', { name: `Remove the override of ${day.thu}` }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await slotsOf(day.thu, kit.demo.staff.ben)).length).toBeGreaterThan(0);
    await context.close();
  });

  it('staff: add a member with services and a notification number; an invalid number is refused next to the field; a calendar feed goes through the API check', async () => {
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.admin);
    await page.goto('/admin/settings/staff');
    await page.getByLabel('Name', { exact: true }).fill('Dr. Lena Park');
    await page.getByLabel('WhatsApp number for notifications').fill('12345');
    await page.getByLabel('Consultation', { exact: true }).check();
    await page.getByRole('button', { name: 'Add staff member' }).click();
    await page.locator('#new-staff-whatsappNumber-error').filter({ hasText: 'must be an E.164 number' }).waitFor();
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Dr. Lena Park');
    await page.getByLabel('WhatsApp number for notifications').fill('+34 600 000 009');
    await page.getByRole('button', { name: 'Add staff member' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const lena = await kit.db.prisma.staff.findFirstOrThrow({ where: { businessId: kit.demo.businessId, name: 'Dr. Lena Park' }, include: { services: true } });
    expect(lena.whatsappNumber).toBe('+34600000009');
    expect(lena.services.map((link) => link.serviceId)).toEqual([kit.demo.services.consultation]);

    // The server of this suite has no DATA_ENCRYPTION_KEY: the API's refusal is shown, nothing stored.
    await page.getByLabel('Calendar name').fill('Personal');
    await page.getByLabel('Secret iCal address (https://)').fill('https://calendar.example.com/private.ics');
    await page.getByRole('button', { name: 'Add calendar' }).click();
    await page.getByRole('alert').filter({ hasText: 'DATA_ENCRYPTION_KEY' }).waitFor();
    expect(await kit.db.prisma.externalCalendar.count({ where: { staffId: lena.id } })).toBe(0);
    await context.close();
  });

  it('services: edit price and duration, add a reminder rule, create an add-on attached to a service, deactivate; refusals in the page language', async () => {
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.admin);
    await page.goto('/admin/settings/services');
    await page.getByRole('link', { name: 'Physiotherapy session' }).click();
    await page.getByLabel('Duration (minutes)').fill('50');
    await page.getByLabel('Price (EUR)').fill('55,50');
    await page.getByLabel('Name in Spanish (optional)').fill('Sesión de fisioterapia');
    await page.getByRole('form', { name: 'Details' }).getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const physio = await api().get(`/v1/services/${kit.demo.services.physio}`).set('x-api-key', apiKey);
    expect(physio.body).toMatchObject({ durationMinutes: 50, sellingPrice: 55.5, names: { es: 'Sesión de fisioterapia' } });

    // A reminder with a too-long title: the rule schema's message, under the title.
    const addReminder = page.getByRole('form', { name: 'Add reminder' });
    await addReminder.getByLabel('Title').fill('x'.repeat(60));
    await addReminder.getByLabel('Message').fill('See you on {when}.');
    await addReminder.getByRole('button', { name: 'Add reminder' }).click();
    await page.locator('#new-reminder-title-error').waitFor();
    await page.getByRole('form', { name: 'Add reminder' }).getByLabel('Title').fill('Day before');
    await page.getByRole('form', { name: 'Add reminder' }).getByRole('button', { name: 'Add reminder' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const rules = await api().get(`/v1/services/${kit.demo.services.physio}/reminder-rules`).set('x-api-key', apiKey);
    expect(rules.body).toEqual(expect.arrayContaining([expect.objectContaining({ title: 'Day before', text: 'See you on {when}.', offsetDays: 1 })]));
    // Edit it: two days and three hours before.
    const rule = page.getByRole('form', { name: 'Rule: Day before' });
    await rule.getByLabel('Days').fill('2');
    await rule.getByLabel('Hours').fill('3');
    await rule.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const edited = await api().get(`/v1/services/${kit.demo.services.physio}/reminder-rules`).set('x-api-key', apiKey);
    expect(edited.body).toEqual(expect.arrayContaining([expect.objectContaining({ title: 'Day before', offsetDays: 2, offsetHours: 3, isActive: true })]));

    // An add-on of the consultation.
    await page.goto('/admin/settings/services');
    await page.getByLabel('Name', { exact: true }).fill('Fluoride varnish');
    await page.getByLabel('Duration (minutes)').fill('15');
    await page.getByLabel('Price (EUR)').fill('20');
    await page.getByRole('group', { name: 'Add-on of' }).getByLabel('Consultation').check();
    await page.getByRole('button', { name: 'Add service or add-on' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const fluoride = await api().get('/v1/services/fluoride-varnish').set('x-api-key', apiKey);
    expect(fluoride.body).toMatchObject({ isAddOn: true, addOnOf: [kit.demo.services.consultation], durationMinutes: 15 });

    // Deactivate it; then delete it (never booked).
    await page.getByRole('button', { name: 'Deactivate' }).click();
    await page.getByText('Deactivated: customers cannot book it').waitFor();
    expect((await api().get('/v1/services/fluoride-varnish').set('x-api-key', apiKey)).body.isActive).toBe(false);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { level: 1, name: 'Services' }).waitFor();
    expect((await api().get('/v1/services/fluoride-varnish').set('x-api-key', apiKey)).status).toBe(404);

    // In Spanish, zod's own messages come in Spanish, next to the field.
    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('button', { name: 'Save' }).first().click();
    await page.goto(`/admin/settings/services/${kit.demo.services.consultation}`);
    await page.getByLabel('Duración (minutos)').fill('2');
    await page.getByRole('form', { name: 'Datos' }).getByRole('button', { name: 'Guardar' }).click();
    await page.locator('#service-duration-error').filter({ hasText: 'Demasiado pequeño' }).waitFor();
    await page.getByLabel('Idioma').selectOption('en');
    await page.getByRole('button', { name: 'Guardar' }).first().click();
    await context.close();
  });

  it('business settings and locations: change the booking window and hold; a refused value shows next to its field; add and rename a location', async () => {
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.admin);
    await page.goto('/admin/settings');
    await page.getByText('Time zone: Europe/Madrid').waitFor();
    await page.getByLabel('Hold (minutes)').fill('0');
    await page.getByLabel('Booking window (days)').fill('30');
    await page.getByRole('button', { name: 'Save' }).last().click();
    await page.locator('#s-holdMinutes-error').filter({ hasText: 'Too small' }).waitFor();
    expect((await kit.db.prisma.business.findUniqueOrThrow({ where: { id: kit.demo.businessId } })).maxAdvanceDays).toBe(60);
    await page.getByLabel('Hold (minutes)').fill('7');
    await page.getByLabel('Start times every').selectOption('30');
    await page.getByLabel('Extra emergency keywords').fill('sangrado\nhemorragia');
    await page.getByLabel('Emergency text in Portuguese').fill('Ligue 112.');
    await page.getByRole('button', { name: 'Save' }).last().click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const settings = (await api().get('/v1/settings').set('x-api-key', apiKey)).body;
    expect(settings).toMatchObject({ holdMinutes: 7, maxAdvanceDays: 30, slotStepMinutes: 30, emergencyKeywords: ['sangrado', 'hemorragia'], emergencyTexts: { pt: 'Ligue 112.' } });
    expect((await slotsOf(day.thu, kit.demo.staff.ben)).every((slot) => ['00', '30'].includes(localTime(slot.startTime).slice(3)))).toBe(true);

    await page.goto('/admin/settings/locations');
    await page.getByLabel('Name', { exact: true }).fill('City centre');
    await page.getByLabel('Address').fill('Gran Vía 10, Madrid');
    await page.getByRole('button', { name: 'Add location' }).click();
    await page.getByRole('link', { name: 'City centre' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Centro');
    await page.getByRole('button', { name: 'Save' }).last().click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const locations = (await api().get('/v1/locations').set('x-api-key', apiKey)).body as Array<{ title: string; address: string }>;
    expect(locations).toEqual(expect.arrayContaining([expect.objectContaining({ title: 'Centro', address: 'Gran Vía 10, Madrid' })]));
    await context.close();
  });

  it('one rule for customer notices: staff changes through the API and the console message the customer while it is on, neither does when it is off', async () => {
    await kit.channel.send(CUSTOMER, { type: 'text', text: { body: 'hello' } }, { name: 'Rosa Diaz' });
    const customer = await kit.db.prisma.customer.findFirstOrThrow({ where: { waId: CUSTOMER } });
    const book = async (time: string) => {
      const res = await api()
        .post('/v1/appointments')
        .set('x-api-key', apiKey)
        .send({ client: { id: customer.id }, service: { id: 'consultation' }, staff: { id: kit.demo.staff.ben }, date: day.thu, time, timezone: ZONE });
      expect({ status: res.status, body: res.status === 201 ? null : res.body }).toEqual({ status: 201, body: null });
      await kit.channel.settle();
      return res.body.id as string;
    };
    const cancelThroughApi = async (uid: string) => {
      expect((await api().post('/v1/appointments/cancel').set('x-api-key', apiKey).send({ appointmentId: uid, cancellationReason: 'API change' })).status).toBe(200);
      await kit.channel.settle();
    };
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.admin);
    /** Cancels as the booking panel's button does; resolves with what the panel tells staff. */
    const cancelInConsole = async (uid: string, reason: string) => {
      const res = await page.request.post(`/admin/bookings/${uid}/cancel`, { form: { reason, _csrf: await readCsrfToken(page) }, headers: { 'hx-request': 'true' } });
      expect(res.status()).toBe(200);
      await kit.channel.settle();
      return res.text();
    };

    // On (the default): the API path now messages the customer too, like the console.
    const first = await book('10:00');
    await waitUntil(() => textsTo(CUSTOMER).some((body) => body.includes('booked your *Consultation*')), 'the API booking message');
    await cancelThroughApi(first);
    await waitUntil(() => textsTo(CUSTOMER).some((body) => body.includes('cancelled your *Consultation*') && body.includes('API change')), 'the API cancellation message');

    // Off, on the business settings page: neither path messages.
    await page.goto('/admin/settings');
    const box = page.getByLabel('Message the customer on WhatsApp when staff book, move or cancel their booking (console and API)');
    expect(await box.isChecked()).toBe(true);
    await box.uncheck();
    await page.getByRole('button', { name: 'Save' }).last().click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await kit.db.prisma.business.findUniqueOrThrow({ where: { id: kit.demo.businessId } })).notifyCustomerOnStaffChanges).toBe(false);
    const sentBefore = textsTo(CUSTOMER).length;
    const second = await book('11:00');
    await cancelThroughApi(second);
    const third = await book('12:00');
    expect(await cancelInConsole(third, 'Quiet change')).toContain('The customer was not messaged: the business&#39;s setting for staff changes is off');
    expect(textsTo(CUSTOMER).length).toBe(sentBefore);

    // On again: the console path messages.
    await page.goto('/admin/settings');
    await box.check();
    await page.getByRole('button', { name: 'Save' }).last().click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const fourth = await book('09:00');
    expect(await cancelInConsole(fourth, 'Loud change')).toContain('Booking cancelled. The customer was sent a WhatsApp message.');
    await waitUntil(() => textsTo(CUSTOMER).some((body) => body.includes('Loud change')), 'the console cancellation message');
    expect(textsTo(CUSTOMER).some((body) => body.includes('Quiet change'))).toBe(false);
    await context.close();
  });

  it('front desk and read-only users see no settings and forged requests are refused; another business gets 404 for these ids', async () => {
    for (const user of [kit.users.readOnly, kit.users.frontDesk]) {
      const { context, page } = await kit.newPage();
      await kit.signIn(page, user);
      expect(await page.getByRole('link', { name: 'Settings' }).count()).toBe(0);
      expect((await page.goto('/admin/settings/staff'))!.status()).toBe(403);
      const csrf = await readCsrfToken(page);
      const forged = [
        page.request.post(`/admin/settings/staff/${kit.demo.staff.carla}/hours`, { form: { _csrf: csrf, 'hours.monday.0.start': '00:00', 'hours.monday.0.end': '24:00' } }),
        page.request.post('/admin/settings', { form: { _csrf: csrf, holdMinutes: '60' } }),
        page.request.post(`/admin/settings/services/${kit.demo.services.consultation}/deactivate`, { form: { _csrf: csrf } }),
        page.request.post('/admin/settings/locations', { form: { _csrf: csrf, title: 'Forged' } }),
      ];
      for (const res of await Promise.all(forged)) expect(res.status()).toBe(403);
      await context.close();
    }
    expect(await kit.db.prisma.workingHours.count({ where: { staffId: kit.demo.staff.carla, weekday: 1, startMinute: 0 } })).toBe(0);
    expect((await kit.db.prisma.service.findUniqueOrThrow({ where: { id: kit.demo.services.consultation } })).isActive).toBe(true);
    expect(await kit.db.prisma.location.count({ where: { name: 'Forged' } })).toBe(0);

    // Without the CSRF token even an admin is refused.
    const admin = await kit.newPage();
    await kit.signIn(admin.page, kit.users.admin);
    expect((await admin.page.request.post('/admin/settings', { form: { holdMinutes: '60' } })).status()).toBe(403);
    await admin.context.close();

    const other = await kit.newPage();
    await kit.signIn(other.page, kit.users.otherAdmin);
    const location = await kit.db.prisma.location.findFirstOrThrow({ where: { businessId: kit.demo.businessId } });
    for (const url of [`/admin/settings/staff/${kit.demo.staff.carla}`, `/admin/settings/services/${kit.demo.services.consultation}`, `/admin/settings/services/consultation`, `/admin/settings/locations/${location.id}`, '/admin/settings/staff/not-an-id']) {
      expect((await other.page.goto(url))!.status()).toBe(404);
    }
    await other.page.goto('/admin/settings');
    const csrf = await readCsrfToken(other.page);
    const writes = await Promise.all([
      other.page.request.post(`/admin/settings/staff/${kit.demo.staff.carla}/hours`, { form: { _csrf: csrf, 'hours.monday.0.start': '00:00', 'hours.monday.0.end': '24:00' } }),
      other.page.request.post(`/admin/settings/staff/${kit.demo.staff.carla}/overrides`, { form: { _csrf: csrf, date: day.thu, kind: 'closed' } }),
      other.page.request.post(`/admin/settings/services/${kit.demo.services.consultation}/deactivate`, { form: { _csrf: csrf } }),
      other.page.request.post(`/admin/settings/locations/${location.id}`, { form: { _csrf: csrf, title: 'Taken over' } }),
    ]);
    for (const res of writes) expect(res.status()).toBe(404);
    expect(await kit.db.prisma.workingHours.count({ where: { staffId: kit.demo.staff.carla, weekday: 1, startMinute: 0 } })).toBe(0);
    expect(await kit.db.prisma.dateOverride.count({ where: { staffId: kit.demo.staff.carla } })).toBe(0);
    expect((await kit.db.prisma.location.findUniqueOrThrow({ where: { id: location.id } })).name).not.toBe('Taken over');
    // Their own lists show none of the demo business's rows.
    await other.page.goto('/admin/settings/staff');
    expect(await other.page.getByRole('link', { name: 'Dr. Ana García' }).count()).toBe(0);
    await other.page.getByRole('table', { name: 'Staff' }).getByRole('row', { name: 'No staff members yet.' }).waitFor();
    await other.context.close();
  });

  it('fits a 390 px phone and axe finds no serious violations on every settings page', async () => {
    const { context, page } = await kit.newPage({ width: 390, height: 844 });
    await kit.signIn(page, kit.users.admin);
    for (const url of ['/admin/settings', '/admin/settings/services', `/admin/settings/services/${kit.demo.services.consultation}`, '/admin/settings/staff', `/admin/settings/staff/${kit.demo.staff.ana}`, '/admin/settings/locations', '/admin/settings/users']) {
      await page.goto(url);
      const widths = await page.evaluate(() => ({ scroll: (globalThis as any).document.documentElement.scrollWidth as number, inner: (globalThis as any).innerWidth as number })); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect({ url, fits: widths.scroll <= widths.inner }).toEqual({ url, fits: true });
      expect({ url, violations: await findSeriousAxeViolations(page) }).toEqual({ url, violations: [] });
    }
    await context.close();
  });
});
