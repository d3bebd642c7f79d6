/**
 * iCalendar export over HTTP, parsed back with ical.js: VTIMEZONE, stable UID, DTSTAMP in UTC,
 * SEQUENCE after reschedules, CANCELLED/CANCEL after a cancel, CRLF and folding, and the public
 * token link that needs no key.
 */
import ICAL from 'ical.js';
import request from 'supertest';
import { createApiTestContext, type ApiTestContext } from './api-test-kit';

describe('calendar export', () => {
  let ctx: ApiTestContext;

  beforeAll(async () => {
    ctx = await createApiTestContext();
  });
  afterAll(async () => ctx.db.drop());

  const book = async (overrides: Record<string, unknown> = {}) => {
    const res = await ctx.api('post', '/v1/appointments').send({
      fullName: 'Maria Lopez',
      countryCode: '+34',
      phone: '611 222 333',
      serviceId: 'consultation',
      staffId: ctx.demo.staff.ana,
      date: '2026-03-31',
      time: '09:00',
      notes: 'A note long enough to need folding: ' + 'lorem ipsum '.repeat(10),
      ...overrides,
    });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };

  function parse(text: string) {
    const calendar = new ICAL.Component(ICAL.parse(text));
    const event = calendar.getFirstSubcomponent('vevent')!;
    return { calendar, event, vevent: new ICAL.Event(event) };
  }

  it('exports a valid calendar with the zone, a stable UID and UTC DTSTAMP', async () => {
    const appointment = await book();
    const res = await ctx.api('get', `/v1/appointments/${appointment.id}/ics`, ctx.keys.readOnly);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/calendar/);
    expect(res.text).toContain('\r\n');
    expect(res.text.split('\r\n').every((line) => Buffer.byteLength(line, 'utf8') <= 75)).toBe(true);
    const { calendar, event, vevent } = parse(res.text);
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    const zone = calendar.getFirstSubcomponent('vtimezone')!;
    expect(zone.getFirstPropertyValue('tzid')).toBe('Europe/Madrid');
    expect(vevent.uid).toBe(`${appointment.id}@tapbook`);
    expect(vevent.summary).toBe('Consultation — Demo Clinic');
    expect(vevent.location).toBeNull();
    expect(event.getFirstProperty('dtstart')!.getParameter('tzid')).toBe('Europe/Madrid');
    expect(vevent.startDate.toString()).toBe('2026-03-31T09:00:00');
    // ical.js resolves the zone through our VTIMEZONE: 09:00 Madrid is 07:00 UTC.
    ICAL.TimezoneService.register(zone);
    expect(vevent.startDate.toUnixTime()).toBe(Date.parse('2026-03-31T07:00:00Z') / 1000);
    expect(vevent.endDate.toUnixTime()).toBe(Date.parse('2026-03-31T07:30:00Z') / 1000);
    expect(String(event.getFirstPropertyValue('dtstamp'))).toMatch(/Z$/);
    expect(event.getFirstPropertyValue('sequence')).toBe(0);
    expect(event.getFirstPropertyValue('status')).toBe('CONFIRMED');
    // Staff notes are internal: the file carries only what the customer should see.
    expect(vevent.description).not.toContain('lorem ipsum');
    expect(vevent.description).toMatch(/^With Dr\. Ana García\nTo see, move or cancel it, write "menu" to Demo Clinic on WhatsApp and choose My appointments\./);
  });

  it('raises SEQUENCE on reschedule and cancels with STATUS:CANCELLED and METHOD:CANCEL, same UID', async () => {
    const appointment = await book({ time: '11:00' });
    await ctx.api('post', '/v1/appointments/reschedule').send({ appointmentId: appointment.id, date: '2026-04-01', time: '11:00' });
    await ctx.api('post', '/v1/appointments/reschedule').send({ appointmentId: appointment.id, date: '2026-04-02', time: '11:00' });
    const moved = parse((await ctx.api('get', `/v1/appointments/${appointment.id}/ics`)).text);
    expect(moved.event.getFirstPropertyValue('sequence')).toBe(2);
    expect(moved.vevent.startDate.toString()).toBe('2026-04-02T11:00:00');
    await ctx.api('post', '/v1/appointments/cancel').send({ appointmentId: appointment.id });
    const cancelled = parse((await ctx.api('get', `/v1/appointments/${appointment.id}/ics`)).text);
    expect(cancelled.calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(cancelled.event.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(cancelled.vevent.uid).toBe(moved.vevent.uid);
  });

  it('serves the public link without a key; the token is created once and is unguessable', async () => {
    const appointment = await book({ time: '15:00' });
    const first = await ctx.api('get', `/v1/appointments/${appointment.id}/calendar-link`, ctx.keys.frontDesk);
    expect(first.status).toBe(200);
    expect(first.body.path).toMatch(/^\/calendar\/bookings\/[A-Za-z0-9_-]{43}\.ics$/);
    expect((await ctx.api('get', `/v1/appointments/${appointment.id}/calendar-link`)).body.path).toBe(first.body.path);
    const res = await request(ctx.app).get(first.body.path);
    expect(res.status).toBe(200);
    expect(parse(res.text).vevent.uid).toBe(`${appointment.id}@tapbook`);
    expect((await request(ctx.app).get(`/calendar/bookings/${'A'.repeat(43)}.ics`)).status).toBe(404);
    expect((await request(ctx.app).get('/calendar/bookings/short.ics')).status).toBe(400);
  });

  it('the public file shows the customer only service, staff, place, times and how to manage; no-store, no referrer', async () => {
    const appointment = await book({ time: '16:00', notes: 'INTERNAL: owes 20 EUR, difficult customer' });
    // The business's WhatsApp number becomes the "how to manage" link.
    const number = await ctx.db.prisma.whatsAppNumber.findFirst({ where: { businessId: ctx.demo.businessId }, orderBy: { createdAt: 'asc' } });
    if (number) await ctx.db.prisma.whatsAppNumber.update({ where: { id: number.id }, data: { displayPhone: '+34 910 000 000' } });
    else await ctx.db.prisma.whatsAppNumber.create({ data: { businessId: ctx.demo.businessId, phoneNumberId: 'calendar-test-number', displayPhone: '+34 910 000 000' } });
    const { path } = (await ctx.api('get', `/v1/appointments/${appointment.id}/calendar-link`)).body;
    const res = await request(ctx.app).get(path);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    for (const internal of ['INTERNAL', 'owes 20', 'difficult', 'Maria', '611 222 333', '+34611222333']) expect(res.text).not.toContain(internal);
    const { vevent, event } = parse(res.text);
    expect(vevent.summary).toBe('Consultation — Demo Clinic');
    expect(vevent.startDate.toString()).toBe('2026-03-31T16:00:00');
    expect(vevent.description).toBe('With Dr. Ana García\nTo see, move or cancel it, write "menu" to Demo Clinic on WhatsApp and choose My appointments.\nhttps://wa.me/34910000000');
    // Only these properties: nothing else (notes, attendees, customer data) can slip in unnoticed.
    expect(event.getAllProperties().map((property) => property.name).sort()).toEqual(
      ['description', 'dtend', 'dtstamp', 'dtstart', 'organizer', 'sequence', 'status', 'summary', 'uid'].sort(),
    );
    const keyed = await ctx.api('get', `/v1/appointments/${appointment.id}/ics`);
    expect(keyed.headers['cache-control']).toBe('no-store');
    expect(keyed.text).not.toContain('INTERNAL');
  });

  it('writes the texts in the customer’s language', async () => {
    const appointment = await book({ time: '16:30', phone: '611 222 444', fullName: 'Lucía Pérez' });
    const booking = await ctx.db.prisma.booking.findUniqueOrThrow({ where: { uid: appointment.id } });
    await ctx.db.prisma.customer.update({ where: { id: booking.customerId }, data: { locale: 'es' } });
    const { vevent } = parse((await ctx.api('get', `/v1/appointments/${appointment.id}/ics`)).text);
    expect(vevent.description).toMatch(/^Con Dr\. Ana García\nPara verla, cambiarla o cancelarla, escribe «menú» a Demo Clinic por WhatsApp y elige Mis citas\./);
  });

  it('ends with CRLF, uses CRLF on every line, and names the business as ORGANIZER (RFC 5546, METHOD:PUBLISH)', async () => {
    const appointment = await book({ time: '17:00' });
    const res = await ctx.api('get', `/v1/appointments/${appointment.id}/ics`);
    const bytes = Buffer.from(res.text, 'utf8');
    expect([...bytes.subarray(-13)]).toEqual([...Buffer.from('END:VCALENDAR\r\n')].slice(-13));
    expect(bytes.subarray(-15).toString('latin1')).toBe('END:VCALENDAR\r\n');
    // No bare LF and no bare CR anywhere.
    expect(/(?<!\r)\n|\r(?!\n)/.test(res.text)).toBe(false);
    const { calendar, event } = parse(res.text);
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    const organizer = event.getFirstProperty('organizer')!;
    expect(organizer.getFirstValue()).toBe('mailto:no-reply@tapbook.invalid');
    expect(organizer.getParameter('cn')).toBe('Demo Clinic');
  });

  it('answers 404 for another business’s appointment', async () => {
    expect((await ctx.api('get', `/v1/appointments/${ctx.other.bookingUid}/ics`)).status).toBe(404);
    expect((await ctx.api('get', `/v1/appointments/${ctx.other.bookingUid}/calendar-link`)).status).toBe(404);
  });
});
