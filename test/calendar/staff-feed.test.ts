/**
 * The staff subscription feed over HTTP, parsed back with ical.js: secret token (stored hashed,
 * rotation kills the old address), the staff member's bookings from 30 days ago on, VTIMEZONE,
 * the same UIDs as the per-booking files, SEQUENCE = reschedules, and no phone numbers.
 */
import ICAL from 'ical.js';
import request from 'supertest';
import { hashFeedToken } from '../../src/calendar';
import { createApiTestContext, type ApiTestContext } from '../api/api-test-kit';

describe('staff calendar feed', () => {
  let ctx: ApiTestContext;
  let feedPath: string;
  const bookedIds: Record<string, string> = {};

  beforeAll(async () => {
    ctx = await createApiTestContext();
    const book = async (name: string, date: string, time: string, staffId = ctx.demo.staff.ana) => {
      const res = await ctx.api('post', '/v1/appointments').send({ fullName: name, countryCode: '+34', phone: `69987${Object.keys(bookedIds).length}321`, serviceId: 'consultation', staffId, date, time });
      expect(res.status).toBe(201);
      bookedIds[`${name}@${date}`] = res.body.id;
      return res.body.id as string;
    };
    await book('Maria Lopez', '2026-03-31', '09:00');
    const moved = await book('Jordi Puig', '2026-04-01', '10:00');
    await ctx.api('post', '/v1/appointments/reschedule').send({ appointmentId: moved, date: '2026-04-02', time: '10:00' });
    const cancelled = await book('Eva Gil', '2026-04-01', '12:00');
    await ctx.api('post', '/v1/appointments/cancel').send({ appointmentId: cancelled });
    await book('Someone Else', '2026-03-31', '09:00', ctx.demo.staff.ben);
  });
  afterAll(async () => ctx.db.drop());

  function parseFeed(text: string) {
    const calendar = new ICAL.Component(ICAL.parse(text));
    for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
    return { calendar, events: calendar.getAllSubcomponents('vevent').map((component) => ({ component, event: new ICAL.Event(component) })) };
  }

  it('creates a feed address (shown once, stored as a hash) and reports it as enabled', async () => {
    expect((await ctx.api('get', `/v1/staff/${ctx.demo.staff.ana}/calendar-feed`)).body).toEqual({ isEnabled: false, createdAt: null });
    const res = await ctx.api('post', `/v1/staff/${ctx.demo.staff.ana}/calendar-feed`).send({});
    expect(res.status).toBe(201);
    expect(res.body.path).toMatch(/^\/calendar\/staff\/[A-Za-z0-9_-]{43}\.ics$/);
    expect(res.body.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/calendar\/staff\//);
    feedPath = res.body.path;
    const token = feedPath.slice('/calendar/staff/'.length, -'.ics'.length);
    const staff = await ctx.db.prisma.staff.findUniqueOrThrow({ where: { id: ctx.demo.staff.ana } });
    expect(staff.calendarFeedTokenHash).toBe(hashFeedToken(token));
    expect(JSON.stringify(staff)).not.toContain(token);
    expect((await ctx.api('get', `/v1/staff/${ctx.demo.staff.ana}/calendar-feed`, ctx.keys.readOnly)).body).toEqual({ isEnabled: true, createdAt: '2026-03-30T06:00:00.000Z' });
  });

  it('serves the staff member’s active bookings without a key: VTIMEZONE, stable UIDs, SEQUENCE, first names only', async () => {
    const res = await request(ctx.app).get(feedPath);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/calendar/);
    expect(res.text).toContain('\r\n');
    expect(res.text.split('\r\n').every((line) => Buffer.byteLength(line, 'utf8') <= 75)).toBe(true);
    const { calendar, events } = parseFeed(res.text);
    expect(calendar.getFirstSubcomponent('vtimezone')!.getFirstPropertyValue('tzid')).toBe('Europe/Madrid');
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    const summaries = events.map(({ event }) => event.summary);
    expect(summaries).toEqual(['Maria — Consultation', 'Jordi — Consultation']);
    const maria = events[0]!;
    expect(maria.event.uid).toBe(`${bookedIds['Maria Lopez@2026-03-31']}@tapbook`);
    expect(maria.event.startDate.toUnixTime()).toBe(Date.parse('2026-03-31T07:00:00Z') / 1000);
    expect(maria.component.getFirstPropertyValue('sequence')).toBe(0);
    const jordi = events[1]!;
    expect(jordi.component.getFirstPropertyValue('sequence')).toBe(1);
    expect(jordi.event.startDate.toString()).toBe('2026-04-02T10:00:00');
    expect(String(jordi.component.getFirstPropertyValue('dtstamp'))).toMatch(/Z$/);
    // Privacy: no surnames, no phone numbers.
    expect(res.text).not.toMatch(/Lopez|Puig|\+34|69987/);
  });

  it('uses the same UID as the per-booking calendar file', async () => {
    const id = bookedIds['Maria Lopez@2026-03-31']!;
    const single = new ICAL.Component(ICAL.parse((await ctx.api('get', `/v1/appointments/${id}/ics`)).text));
    const feed = parseFeed((await request(ctx.app).get(feedPath)).text);
    expect(feed.events[0]!.event.uid).toBe(single.getFirstSubcomponent('vevent')!.getFirstPropertyValue('uid'));
  });

  it('keeps the last 30 days and drops older bookings', async () => {
    const prisma = ctx.db.prisma;
    const recentId = bookedIds['Maria Lopez@2026-03-31']!;
    const recent = await prisma.booking.findUniqueOrThrow({ where: { uid: recentId } });
    const copy = async (uid: string, startsAt: string, status: 'completed' | 'cancelled') =>
      prisma.booking.create({
        data: {
          uid,
          businessId: recent.businessId,
          customerId: recent.customerId,
          staffId: recent.staffId,
          serviceId: recent.serviceId,
          startsAt: new Date(startsAt),
          endsAt: new Date(Date.parse(startsAt) + 30 * 60_000),
          blockedFrom: new Date(startsAt),
          blockedUntil: new Date(Date.parse(startsAt) + 30 * 60_000),
          timeZone: 'Europe/Madrid',
          status,
          source: 'api',
          price: '10.00',
          currency: 'EUR',
        },
      });
    await copy('pastweek', '2026-03-23T08:00:00Z', 'completed');
    await copy('longago', '2026-02-20T08:00:00Z', 'completed');
    const { events } = parseFeed((await request(ctx.app).get(feedPath)).text);
    const uids = events.map(({ event }) => event.uid);
    expect(uids).toContain('pastweek@tapbook');
    expect(uids).not.toContain('longago@tapbook');
  });

  it('stops serving the old address after a rotation, and everything after DELETE', async () => {
    const rotated = await ctx.api('post', `/v1/staff/${ctx.demo.staff.ana}/calendar-feed`).send({});
    expect(rotated.body.path).not.toBe(feedPath);
    expect((await request(ctx.app).get(feedPath)).status).toBe(404);
    expect((await request(ctx.app).get(rotated.body.path)).status).toBe(200);
    expect((await ctx.api('delete', `/v1/staff/${ctx.demo.staff.ana}/calendar-feed`)).status).toBe(204);
    expect((await request(ctx.app).get(rotated.body.path)).status).toBe(404);
    expect((await request(ctx.app).get('/calendar/staff/not-a-token.ics')).status).toBe(400);
  });

  it('may not be created by front desk or read-only keys', async () => {
    expect((await ctx.api('post', `/v1/staff/${ctx.demo.staff.ana}/calendar-feed`, ctx.keys.frontDesk).send({})).status).toBe(403);
    expect((await ctx.api('post', `/v1/staff/${ctx.demo.staff.ana}/calendar-feed`, ctx.keys.readOnly).send({})).status).toBe(403);
  });
});
