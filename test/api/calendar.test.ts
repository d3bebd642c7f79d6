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
    expect(vevent.description).toContain('lorem ipsum lorem ipsum');
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

  it('answers 404 for another business’s appointment', async () => {
    expect((await ctx.api('get', `/v1/appointments/${ctx.other.bookingUid}/ics`)).status).toBe(404);
    expect((await ctx.api('get', `/v1/appointments/${ctx.other.bookingUid}/calendar-link`)).status).toBe(404);
  });
});
