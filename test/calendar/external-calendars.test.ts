/**
 * External busy times end to end: a staff member's secret ICS address is stored encrypted, the
 * import job fetches it (nock intercepts fetch), and its events take slots away from
 * GET /v1/appointments/slots; failures are recorded without freeing time; unsafe addresses and
 * oversized feeds are refused.
 */
import nock from 'nock';
import {
  importExternalCalendar,
  IMPORT_EXTERNAL_CALENDARS_TASK,
  MAX_FEED_BYTES,
  runImportExternalCalendarsTask,
  type ExternalCalendarImportDeps,
} from '../../src/calendar';
import { createLogger } from '../../src/platform';
import { createApiTestContext, FAKE_DNS, type ApiTestContext } from '../api/api-test-kit';

const FEED_HOST = 'https://calendar.example.com';
const FEED_PATH = '/calendar/ical/ana%40example.com/private-0123456789abcdef/basic.ics';

function icsOf(...events: string[]): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
    ...events.flatMap((event) => ['BEGIN:VEVENT', 'DTSTAMP:20260301T000000Z', ...event.split('\n'), 'END:VEVENT']),
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

/** Dentist 10:00–11:00 Madrid on Tuesday 31 March; a weekly yoga class on Wednesdays 09:00–10:00. */
const ANA_FEED = icsOf(
  'UID:dentist-1\nDTSTART;TZID=Europe/Madrid:20260331T100000\nDTEND;TZID=Europe/Madrid:20260331T110000\nSUMMARY:Dentist',
  'UID:yoga\nDTSTART;TZID=Europe/Madrid:20260325T090000\nDTEND;TZID=Europe/Madrid:20260325T100000\nRRULE:FREQ=WEEKLY;BYDAY=WE',
);

describe('external calendars', () => {
  let ctx: ApiTestContext;
  let deps: ExternalCalendarImportDeps;
  let calendarId: string;

  const slotStarts = async (date: string) => {
    const res = await ctx.api('get', `/v1/appointments/slots?serviceId=consultation&staffId=${ctx.demo.staff.ana}&date=${date}`);
    expect(res.status).toBe(200);
    return (res.body[0].slots as Array<{ startTime: string }>).map((slot) => slot.startTime.slice(11, 16));
  };
  const jobsOf = async () =>
    ctx.db.prisma.$queryRaw<Array<{ task: string; key: string | null; run_at: Date; payload: unknown }>>`
      SELECT t.identifier AS task, j.key, j.run_at, j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
      WHERE t.identifier = ${IMPORT_EXTERNAL_CALENDARS_TASK} ORDER BY j.run_at`;

  beforeAll(async () => {
    ctx = await createApiTestContext();
    nock.disableNetConnect();
    // supertest talks to the in-process app over loopback.
    nock.enableNetConnect('127.0.0.1');
    deps = {
      prisma: ctx.db.prisma,
      clock: ctx.clock,
      logger: createLogger('silent'),
      encryptionKey: ctx.encryptionKey,
      allowsLoopback: true,
      resolveHost: async (host) => FAKE_DNS[host] ?? [],
    };
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    nock.enableNetConnect();
    await ctx.db.drop();
  });

  it('stores the address encrypted, shows only its host, and queues an import right away', async () => {
    const res = await ctx.secureApi('post', `/v1/staff/${ctx.demo.staff.ana}/external-calendars`).send({ name: 'Personal', url: `webcal://calendar.example.com${FEED_PATH}` });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Personal', host: 'calendar.example.com', lastFetchedAt: null, lastError: null });
    expect(JSON.stringify(res.body)).not.toContain('private-0123456789abcdef');
    calendarId = res.body.id;
    const row = await ctx.db.prisma.externalCalendar.findUniqueOrThrow({ where: { id: calendarId } });
    expect(row.urlEncrypted).toMatch(/^v1:/);
    expect(row.urlEncrypted).not.toContain('private-0123456789abcdef');
    expect(await jobsOf()).toEqual([expect.objectContaining({ key: `import-external-calendar:${calendarId}`, payload: { calendarId } })]);
  });

  it('blocks the slots its events cover, recurring ones included, in GET /v1/appointments/slots', async () => {
    expect(await slotStarts('2026-03-31')).toEqual(expect.arrayContaining(['09:30', '10:00', '10:30', '11:00']));
    expect(await slotStarts('2026-04-01')).toEqual(expect.arrayContaining(['09:00', '09:30', '10:00']));
    const scope = nock(FEED_HOST).get(FEED_PATH).reply(200, ANA_FEED, { 'content-type': 'text/calendar' });
    expect(await runImportExternalCalendarsTask(deps, { calendarId })).toBeUndefined();
    expect(scope.isDone()).toBe(true);
    const tuesday = await slotStarts('2026-03-31');
    expect(tuesday).toEqual(expect.arrayContaining(['09:30', '11:00']));
    expect(tuesday).not.toContain('10:00');
    expect(tuesday).not.toContain('10:30');
    const wednesday = await slotStarts('2026-04-01');
    expect(wednesday).not.toContain('09:00');
    expect(wednesday).not.toContain('09:30');
    expect(wednesday).toContain('10:00');
    // Ben's day is untouched.
    const ben = await ctx.api('get', `/v1/appointments/slots?serviceId=consultation&staffId=${ctx.demo.staff.ben}&date=2026-03-31`);
    expect(ben.body[0].slots.map((s: { startTime: string }) => s.startTime.slice(11, 16))).toContain('10:00');
    const listed = await ctx.api('get', `/v1/staff/${ctx.demo.staff.ana}/external-calendars`, ctx.keys.readOnly);
    expect(listed.body).toEqual([expect.objectContaining({ id: calendarId, lastEventCount: 2, lastError: null, lastFetchedAt: '2026-03-30T06:00:00.000Z' })]);
  });

  it('refuses to book over an external event through the booking core', async () => {
    const res = await ctx.api('post', '/v1/appointments').send({ fullName: 'Maria Lopez', countryCode: '+34', phone: '611 222 333', serviceId: 'consultation', staffId: ctx.demo.staff.ana, date: '2026-03-31', time: '10:00' });
    expect(res.status).toBe(409);
  });

  it('replaces the blocks on the next import (a moved event frees its old time)', async () => {
    nock(FEED_HOST).get(FEED_PATH).reply(200, icsOf('UID:dentist-1\nDTSTART;TZID=Europe/Madrid:20260331T160000\nDTEND;TZID=Europe/Madrid:20260331T170000'));
    expect(await importExternalCalendar(deps, calendarId)).toEqual({ ok: true, blockCount: 1, eventCount: 1 });
    const tuesday = await slotStarts('2026-03-31');
    expect(tuesday).toContain('10:00');
    expect(tuesday).not.toContain('16:00');
    expect(await ctx.db.prisma.externalBusyBlock.count({ where: { calendarId } })).toBe(1);
  });

  it.each([
    ['an HTTP error', () => nock(FEED_HOST).get(FEED_PATH).reply(404, 'gone'), /HTTP 404/],
    ['an HTML login page', () => nock(FEED_HOST).get(FEED_PATH).reply(200, '<html><body>Sign in</body></html>'), /./],
    ['a feed over 5 MB', () => nock(FEED_HOST).get(FEED_PATH).reply(200, 'X'.repeat(MAX_FEED_BYTES + 1)), /larger than 5 MB/],
    ['a redirect to an internal address', () => nock(FEED_HOST).get(FEED_PATH).reply(302, '', { location: 'https://10.0.0.8/steal' }), /public address/],
    ['a network failure', () => nock(FEED_HOST).get(FEED_PATH).replyWithError('socket hang up'), /could not be reached/],
  ])('records %s and keeps the previous busy times', async (_name, arrange, message) => {
    arrange();
    const outcome = await importExternalCalendar(deps, calendarId);
    expect(outcome.ok).toBe(false);
    expect(await ctx.db.prisma.externalBusyBlock.count({ where: { calendarId } })).toBe(1);
    const [listed] = (await ctx.api('get', `/v1/staff/${ctx.demo.staff.ana}/external-calendars`)).body;
    expect(listed.lastError).toMatch(message);
    expect(listed.lastError).not.toContain('private-0123456789abcdef');
  });

  it('a full round imports every calendar and plans the next round 15 minutes later under one key', async () => {
    nock(FEED_HOST).get(FEED_PATH).reply(200, ANA_FEED);
    await runImportExternalCalendarsTask(deps, {});
    expect((await ctx.api('get', `/v1/staff/${ctx.demo.staff.ana}/external-calendars`)).body[0]).toMatchObject({ lastError: null, lastEventCount: 2 });
    await runImportExternalCalendarsTask(deps, {});
    const rounds = (await jobsOf()).filter((job) => job.key === 'import-external-calendars');
    expect(rounds).toHaveLength(1);
    expect(rounds[0]!.run_at.toISOString()).toBe('2026-03-30T06:15:00.000Z');
  });

  it('frees the time at once when the calendar is removed', async () => {
    expect(await slotStarts('2026-03-31')).not.toContain('10:00');
    expect((await ctx.api('delete', `/v1/staff/${ctx.demo.staff.ana}/external-calendars/${calendarId}`)).status).toBe(204);
    expect(await ctx.db.prisma.externalBusyBlock.count({ where: { calendarId } })).toBe(0);
    expect(await slotStarts('2026-03-31')).toContain('10:00');
  });

  it.each([
    ['plain http', 'http://calendar.example.com/x.ics'],
    ['a private address', 'https://192.168.1.10/cal.ics'],
    ['a name resolving inside', 'https://rebind.example.com/cal.ics'],
  ])('refuses %s with 422', async (_name, url) => {
    const res = await ctx.secureApi('post', `/v1/staff/${ctx.demo.staff.ana}/external-calendars`).send({ name: 'Bad', url });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('unsafe_url');
  });

  it('answers 409 naming DATA_ENCRYPTION_KEY when it is not set, and stores nothing', async () => {
    const before = await ctx.db.prisma.externalCalendar.count();
    const res = await ctx.api('post', `/v1/staff/${ctx.demo.staff.ana}/external-calendars`).send({ name: 'Personal', url: `${FEED_HOST}${FEED_PATH}` });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('DATA_ENCRYPTION_KEY');
    expect(await ctx.db.prisma.externalCalendar.count()).toBe(before);
  });

  it('lets a refresh be queued, and only by staff admins', async () => {
    const created = await ctx.secureApi('post', `/v1/staff/${ctx.demo.staff.ben}/external-calendars`).send({ name: 'Work', url: `${FEED_HOST}/ben.ics` });
    expect((await ctx.api('post', `/v1/staff/${ctx.demo.staff.ben}/external-calendars/${created.body.id}/refresh`).send({})).status).toBe(202);
    expect((await ctx.api('post', `/v1/staff/${ctx.demo.staff.ben}/external-calendars/${created.body.id}/refresh`, ctx.keys.frontDesk).send({})).status).toBe(403);
    expect((await ctx.api('post', `/v1/staff/${ctx.demo.staff.ana}/external-calendars/${created.body.id}/refresh`).send({})).status).toBe(404);
  });
});
