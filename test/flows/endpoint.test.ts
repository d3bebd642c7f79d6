/**
 * The encrypted Flows endpoint against the running app and a real database, with a client that
 * encrypts and signs like WhatsApp: the whole form, the data contract of every screen, holds,
 * and every status code Meta defines (421, 427, 432) plus 400 and 503 (no key; a busy schedule).
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createFixedClock, createLogger, loadConfig } from '../../src/platform';
import { addLocalDays, getLocalWeekday, toLocalDate } from '../../src/scheduling';
import { nextMondayMorning } from '../support/channel-harness';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { signBody } from '../../src/whatsapp';
import { exchange, FLOW_TEST_SECRET, init, issueToken, postFlow, PRIVATE_PEM, startFlowApp, type FlowAnswer } from './flow-kit';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const flowJson = JSON.parse(fs.readFileSync(path.join(__dirname, '../../flows/booking.flow.json'), 'utf8')) as Json;
const declaredFields = (screen: string): string[] => Object.keys(flowJson.screens.find((s: Json) => s.id === screen).data).sort();

/** Meta rejects an answer whose data does not match the screen's declared model (payload-schema-error). */
function expectScreen(answer: FlowAnswer, screen: string): Json {
  expect([answer.status, answer.body.screen]).toEqual([200, screen]);
  const { error_message: _error, ...data } = answer.body.data as Json;
  expect(Object.keys(data).sort()).toEqual(declaredFields(screen));
  return answer.body.data as Json;
}

describe('Flows data-exchange endpoint', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let flow: ReturnType<typeof startFlowApp>;
  const now = nextMondayMorning(new Date('2026-06-01T00:00:00Z'));
  const today = toLocalDate(now, 'Europe/Madrid');
  const tuesday = addLocalDays(today, 1);

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    flow = startFlowApp(db, now);
  });
  afterAll(async () => {
    await db.drop();
  });

  const newToken = async (options: { locale?: string; mode?: 'book' | 'reschedule'; bookingId?: string; ttlMinutes?: number } = {}) => {
    const [customerId] = await demo.createCustomers(1);
    const token = await issueToken(db, { businessId: demo.businessId, customerId: customerId!, now, ...options });
    return { token, customerId: customerId! };
  };

  it('answers a health check ping with status active', async () => {
    expect(await postFlow(flow.app, { version: '3.0', action: 'ping' })).toEqual({ status: 200, body: { data: { status: 'active' } } });
  });

  it('acknowledges a client error notification', async () => {
    const { token } = await newToken();
    const answer = await postFlow(flow.app, exchange(token, 'TIME', { error: 'payload-schema-error', error_message: 'bad data' }));
    expect(answer).toEqual({ status: 200, body: { data: { acknowledged: true } } });
  });

  it('walks INIT → SERVICE → STAFF → DATE → TIME → DETAILS → SUMMARY on live availability and holds the chosen time', async () => {
    const { token, customerId } = await newToken();

    const service = expectScreen(await postFlow(flow.app, init(token)), 'SERVICE');
    expect(service.heading).toBe('Book an appointment');
    expect(service.services).toContainEqual({ id: demo.services.consultation, title: 'Consultation', description: '30 min · €60.00' });

    const staff = expectScreen(await postFlow(flow.app, exchange(token, 'SERVICE', { screen_action: 'choose_service', service: demo.services.consultation })), 'STAFF');
    expect(staff.staff.map((s: Json) => s.title)).toEqual(['Any available', 'Dr. Ana García', 'Dr. Ben Okafor']);

    const date = expectScreen(await postFlow(flow.app, exchange(token, 'STAFF', { screen_action: 'choose_staff', staff: 'any', service_id: staff.service_id })), 'DATE');
    expect(date.min_date).toBe(today);
    expect(date.max_date).toBe(addLocalDays(today, 60));
    // Weekends are closed; the working days of the window are open.
    const unavailable = new Set<string>(date.unavailable_dates);
    for (let day = tuesday; day <= addLocalDays(today, 13); day = addLocalDays(day, 1)) {
      expect([day, unavailable.has(day)]).toEqual([day, [0, 6].includes(getLocalWeekday(day))]);
    }

    const time = expectScreen(await postFlow(flow.app, exchange(token, 'DATE', { screen_action: 'choose_date', date: tuesday, service_id: date.service_id, staff_id: date.staff_id })), 'TIME');
    expect(time.heading).toMatch(/^Tuesday, \d+ \w+ \(Madrid time, CES?T\)$/);
    expect(time.times[0]).toEqual({ id: expect.stringMatching(/Z$/), title: '09:00' });
    expect(time.times.map((t: Json) => t.title)).not.toContain('13:00');

    const chosen = time.times[2].id as string;
    const details = expectScreen(await postFlow(flow.app, exchange(token, 'TIME', { screen_action: 'choose_time', time: chosen, service_id: time.service_id, staff_id: time.staff_id })), 'DETAILS');
    const hold = await db.prisma.slotHold.findFirstOrThrow({ where: { customerId } });
    expect(hold.startsAt.toISOString()).toBe(chosen);
    expect(details).toMatchObject({ customer_name: expect.stringMatching(/^Customer \d+$/), slot_start: chosen, staff_id: hold.staffId, hold_id: hold.id });

    const summary = expectScreen(
      await postFlow(flow.app, exchange(token, 'DETAILS', { screen_action: 'submit_details', name: ' Maria Silva ', note: 'Window seat', service_id: details.service_id, staff_id: details.staff_id, slot_start: details.slot_start, hold_id: details.hold_id })),
      'SUMMARY',
    );
    expect(summary).toMatchObject({
      service_text: 'Consultation',
      price_text: '€60.00',
      name_text: 'Maria Silva',
      customer_name: 'Maria Silva',
      note: 'Window seat',
      slot_start: chosen,
      footer_label: 'Confirm booking',
      time_text: expect.stringMatching(/^09:30 – 10:00 \(Madrid time, CES?T\)$/),
      date_text: expect.stringMatching(/^Tuesday, \d+ \w+ 20\d\d$/),
    });
  });

  it('goes from SERVICE straight to DATE when one person performs the service', async () => {
    const { token } = await newToken();
    const date = expectScreen(await postFlow(flow.app, exchange(token, 'SERVICE', { screen_action: 'choose_service', service: demo.services.physio })), 'DATE');
    expect(date.staff_id).toBe(demo.staff.carla);
    // Carla also works Saturday mornings.
    expect(date.unavailable_dates).not.toContain(addLocalDays(today, 5));
  });

  it('speaks the token\'s language', async () => {
    const { token } = await newToken({ locale: 'es' });
    const service = expectScreen(await postFlow(flow.app, init(token)), 'SERVICE');
    expect(service).toMatchObject({ heading: 'Reservar una cita', footer_label: 'Continuar' });
    // Intl puts a no-break space before the euro sign.
    expect(service.services[0].description).toMatch(/^30 min · 60,00\s€$/);
    // The services' Spanish names (demo seed), not the English ones.
    expect(service.services.map((s: { title: string }) => s.title)).toEqual(['Consulta', 'Revisión', 'Sesión de fisioterapia']);
    const time = expectScreen(await postFlow(flow.app, exchange(token, 'DATE', { screen_action: 'choose_date', date: tuesday, service_id: demo.services.consultation, staff_id: 'any' })), 'TIME');
    expect(time.heading).toMatch(/^Martes, \d+ de \w+ \(hora de Madrid, CES?T\)$/);
  });

  it('asks again for a missing name and for an option that is not on the list', async () => {
    const { token } = await newToken();
    const staff = await postFlow(flow.app, exchange(token, 'SERVICE', { screen_action: 'choose_service', service: 'not-a-service' }));
    expect(expectScreen(staff, 'SERVICE').error_message).toBe('Please choose one of the options.');
    const time = expectScreen(await postFlow(flow.app, exchange(token, 'DATE', { screen_action: 'choose_date', date: tuesday, service_id: demo.services.consultation, staff_id: demo.staff.ana })), 'TIME');
    const details = expectScreen(await postFlow(flow.app, exchange(token, 'TIME', { screen_action: 'choose_time', time: time.times[0].id, service_id: time.service_id, staff_id: time.staff_id })), 'DETAILS');
    const again = await postFlow(flow.app, exchange(token, 'DETAILS', { screen_action: 'submit_details', name: '   ', note: '', service_id: details.service_id, staff_id: details.staff_id, slot_start: details.slot_start, hold_id: details.hold_id }));
    expect(expectScreen(again, 'DETAILS').error_message).toBe('Please enter your name.');
  });

  it('two customers choosing the same time at once: one holds it, the other sees TIME again without it', async () => {
    const [first, second, third] = [await newToken(), await newToken(), await newToken()];
    const time = expectScreen(await postFlow(flow.app, exchange(first.token, 'DATE', { screen_action: 'choose_date', date: addLocalDays(today, 2), service_id: demo.services.consultation, staff_id: demo.staff.ana })), 'TIME');
    const wanted = time.times[3].id as string;
    const choose = (token: string) => postFlow(flow.app, exchange(token, 'TIME', { screen_action: 'choose_time', time: wanted, service_id: demo.services.consultation, staff_id: demo.staff.ana }));
    const answers = await Promise.all([choose(first.token), choose(second.token)]);

    expect(answers.map((a) => a.body.screen).sort()).toEqual(['DETAILS', 'TIME']);
    const loser = answers.find((a) => a.body.screen === 'TIME')!;
    expect(loser.body.data.error_message).toBe('Sorry, that time was just taken. Please pick another one.');
    expect(loser.body.data.times.map((t: Json) => t.id)).not.toContain(wanted);
    expect(await db.prisma.slotHold.count({ where: { startsAt: new Date(wanted), staffId: demo.staff.ana } })).toBe(1);
    // Nobody else sees it either, while the holder still does (their own hold is theirs).
    const others = await postFlow(flow.app, exchange(third.token, 'DATE', { screen_action: 'choose_date', date: addLocalDays(today, 2), service_id: demo.services.consultation, staff_id: demo.staff.ana }));
    expect(others.body.data.times.map((t: Json) => t.id)).not.toContain(wanted);
  });

  it('choosing another time moves the customer\'s hold instead of adding one', async () => {
    const { token, customerId } = await newToken();
    const time = expectScreen(await postFlow(flow.app, exchange(token, 'DATE', { screen_action: 'choose_date', date: addLocalDays(today, 3), service_id: demo.services.consultation, staff_id: 'any' })), 'TIME');
    for (const slot of [time.times[0], time.times[1]]) {
      expectScreen(await postFlow(flow.app, exchange(token, 'TIME', { screen_action: 'choose_time', time: slot.id, service_id: time.service_id, staff_id: 'any' })), 'DETAILS');
    }
    const holds = await db.prisma.slotHold.findMany({ where: { customerId } });
    expect(holds.map((h) => h.startsAt.toISOString())).toEqual([time.times[1].id]);
  });

  it('a reschedule token keeps the booking\'s service: INIT skips SERVICE and the summary talks about the new time', async () => {
    const [customerId] = await demo.createCustomers(1);
    const booked = await flow.bookings.confirmSlot({ businessId: demo.businessId, customerId: customerId!, serviceId: demo.services.consultation, start: new Date(`${addLocalDays(today, 4)}T08:00:00Z`), source: 'api', actor: 'test' });
    if (!booked.ok) throw new Error('setup booking failed');
    const token = await issueToken(db, { businessId: demo.businessId, customerId: customerId!, now, mode: 'reschedule', bookingId: booked.booking.id });
    const staff = expectScreen(await postFlow(flow.app, init(token)), 'STAFF');
    expect(staff.service_id).toBe(demo.services.consultation);
    // The client cannot switch services while moving a booking.
    const date = expectScreen(await postFlow(flow.app, exchange(token, 'STAFF', { screen_action: 'choose_staff', staff: 'any', service_id: demo.services.followUp })), 'DATE');
    expect(date.service_id).toBe(demo.services.consultation);
    const time = expectScreen(await postFlow(flow.app, exchange(token, 'DATE', { screen_action: 'choose_date', date: tuesday, service_id: date.service_id, staff_id: 'any' })), 'TIME');
    const details = expectScreen(await postFlow(flow.app, exchange(token, 'TIME', { screen_action: 'choose_time', time: time.times[0].id, service_id: time.service_id, staff_id: 'any' })), 'DETAILS');
    const summary = expectScreen(await postFlow(flow.app, exchange(token, 'DETAILS', { screen_action: 'submit_details', name: 'Ana', service_id: details.service_id, staff_id: details.staff_id, slot_start: details.slot_start, hold_id: details.hold_id })), 'SUMMARY');
    expect(summary).toMatchObject({ heading: 'Check your new time', footer_label: 'Confirm new time' });
    await flow.bookings.cancel({ businessId: demo.businessId, bookingId: booked.booking.id, actor: 'test' });
    expect(await postFlow(flow.app, init(token))).toEqual({ status: 427, body: { error_msg: 'This appointment can no longer be changed here.' } });
  });

  describe('status codes', () => {
    it('421 for ciphertext that was altered or encrypted for another key', async () => {
      const { token } = await newToken();
      const flipLast = (value: string) => `${value.slice(0, -6)}${value.slice(-6, -5) === 'A' ? 'B' : 'A'}${value.slice(-5)}`;
      const altered = await postFlow(flow.app, init(token), { tamper: (body) => (body.encrypted_flow_data = flipLast(body.encrypted_flow_data!)) });
      expect([altered.status, altered.body.error.code]).toEqual([421, 'decryption_failed']);
      const otherKey = await postFlow(flow.app, init(token), { tamper: (body) => (body.encrypted_aes_key = Buffer.alloc(256, 7).toString('base64')) });
      expect(otherKey.status).toBe(421);
    });

    it('427 for an unknown, expired or already used token, with the reason in the customer\'s language', async () => {
      expect(await postFlow(flow.app, init('not-a-token'))).toEqual({ status: 427, body: { error_msg: 'This form has expired. Please ask for a new one in the chat.' } });
      const expired = await newToken({ locale: 'pt', ttlMinutes: 5 });
      flow.clock.advanceMinutes(6);
      try {
        expect(await postFlow(flow.app, init(expired.token))).toEqual({ status: 427, body: { error_msg: 'Este formulário expirou. Peça um novo na conversa.' } });
      } finally {
        flow.clock.set(now);
      }
      const used = await newToken();
      await db.prisma.flowToken.updateMany({ where: { customerId: used.customerId }, data: { usedAt: now } });
      expect((await postFlow(flow.app, init(used.token))).status).toBe(427);
    });

    describe('a token the endpoint has already seen', () => {
      const chooseTuesday = (token: string) => exchange(token, 'DATE', { screen_action: 'choose_date', date: tuesday, service_id: demo.services.consultation, staff_id: 'any' });
      const refused = { status: 427, body: { error_msg: 'This form has expired. Please ask for a new one in the chat.' } };

      it('427 on every screen once the token was used after it was seen, even for a request that would be a 400', async () => {
        const { token, customerId } = await newToken();
        expectScreen(await postFlow(flow.app, init(token)), 'SERVICE');
        expectScreen(await postFlow(flow.app, chooseTuesday(token)), 'TIME');
        await db.prisma.flowToken.updateMany({ where: { customerId }, data: { usedAt: now } });
        expect(await postFlow(flow.app, chooseTuesday(token))).toEqual(refused);
        expect(await postFlow(flow.app, init(token))).toEqual(refused);
        expect(await postFlow(flow.app, exchange(token, 'SERVICE', { screen_action: 'choose_service', service: demo.services.consultation }))).toEqual(refused);
        expect(await postFlow(flow.app, exchange(token, 'DATE', { screen_action: 'choose_date', date: tuesday, service_id: 'no-such-service', staff_id: 'any' }))).toEqual(refused);
        expect(await postFlow(flow.app, exchange(token, 'TIME', { screen_action: 'choose_time', time: 'later', service_id: demo.services.consultation, staff_id: 'any' }))).toEqual(refused);
      });

      it('427 once the token is deleted (the customer was erased) after it was seen', async () => {
        const { token, customerId } = await newToken();
        expectScreen(await postFlow(flow.app, chooseTuesday(token)), 'TIME');
        await db.prisma.flowToken.deleteMany({ where: { customerId } });
        expect(await postFlow(flow.app, chooseTuesday(token))).toEqual(refused);
        expect(await postFlow(flow.app, init(token))).toEqual(refused);
      });

      it('427 once it expires while kept', async () => {
        const { token } = await newToken({ ttlMinutes: 5 });
        expectScreen(await postFlow(flow.app, chooseTuesday(token)), 'TIME');
        flow.clock.advanceMinutes(6);
        try {
          expect(await postFlow(flow.app, chooseTuesday(token))).toEqual(refused);
        } finally {
          flow.clock.set(now);
        }
      });

      it('times reflect a hold placed after the token was seen, and holding a time shows the name as it is now', async () => {
        const { token, customerId } = await newToken();
        const withBen = (t: string, data: Record<string, unknown>) => exchange(t, 'DATE', { service_id: demo.services.consultation, staff_id: demo.staff.ben, ...data });
        const first = expectScreen(await postFlow(flow.app, withBen(token, { screen_action: 'choose_date', date: tuesday })), 'TIME');
        const taken = first.times[0].id as string;
        const other = await newToken();
        expectScreen(await postFlow(flow.app, withBen(other.token, { screen_action: 'choose_time', time: taken })), 'DETAILS');
        const again = expectScreen(await postFlow(flow.app, withBen(token, { screen_action: 'choose_date', date: tuesday })), 'TIME');
        expect(again.times.map((t: Json) => t.id)).not.toContain(taken);
        await db.prisma.customer.update({ where: { id: customerId }, data: { name: 'Renamed Customer' } });
        const details = expectScreen(await postFlow(flow.app, withBen(token, { screen_action: 'choose_time', time: again.times[0].id })), 'DETAILS');
        expect(details.customer_name).toBe('Renamed Customer');
      });
    });

    it('432 for a wrong or missing signature (live mode)', async () => {
      const { token } = await newToken();
      expect((await postFlow(flow.app, init(token), { secret: 'another-secret' })).status).toBe(432);
      expect((await postFlow(flow.app, init(token), { secret: null })).status).toBe(432);
    });

    it('400 for a body that is not JSON or not the envelope, and for a decrypted request of the wrong shape; never 500', async () => {
      const raw = (body: string) => request(flow.app).post('/flows/endpoint').set('content-type', 'application/json').set('x-hub-signature-256', signBody(FLOW_TEST_SECRET, body)).send(body);
      expect((await raw('{not json')).status).toBe(400);
      expect((await raw('{"encrypted_flow_data":"AAAA"}')).status).toBe(400);
      const { token } = await newToken();
      expect((await postFlow(flow.app, { action: 'dance', flow_token: token })).status).toBe(400);
      expect((await postFlow(flow.app, exchange(token, 'SERVICE', { screen_action: 'fly' }))).status).toBe(400);
      const forged = await postFlow(flow.app, exchange(token, 'DATE', { screen_action: 'choose_date', date: tuesday, service_id: 'x', staff_id: 'any' }));
      expect(forged.status).toBe(400);
      const strangeTime = await postFlow(flow.app, exchange(token, 'TIME', { screen_action: 'choose_time', time: '2020-01-01T00:00:00.000Z', service_id: demo.services.consultation, staff_id: demo.staff.ana }));
      expect([strangeTime.status, strangeTime.body.screen]).toEqual([200, 'DATE']);
    });

    it('503 "busy", never 500, when holding a time gives up on a busy schedule; nothing is held', async () => {
      // Retries end at once in a process that is stopping: the same way out as retries that ran out under contention.
      const stopping = new AbortController();
      stopping.abort();
      const app = createApp({ config: flow.config, prisma: db.prisma, logger: createLogger('silent'), clock: flow.clock, shutdownSignal: stopping.signal });
      const { token, customerId } = await newToken();
      const time = expectScreen(await postFlow(app, exchange(token, 'DATE', { screen_action: 'choose_date', date: addLocalDays(today, 2), service_id: demo.services.consultation, staff_id: 'any' })), 'TIME');
      const answer = await postFlow(app, exchange(token, 'TIME', { screen_action: 'choose_time', time: time.times[0].id, service_id: demo.services.consultation, staff_id: 'any' }));
      expect(answer).toEqual({ status: 503, body: { error: { code: 'busy', message: 'Too many changes to this schedule at once; nothing was written. Try again in a moment.' } } });
      expect(await db.prisma.slotHold.count({ where: { customerId } })).toBe(0);
    });

    it('503 naming the variable to set when no private key is configured', async () => {
      const app = createApp({ config: loadConfig({ DATABASE_URL: db.url }), prisma: db.prisma, logger: createLogger('silent'), clock: createFixedClock(now) });
      const res = await request(app).post('/flows/endpoint').send({});
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(/FLOWS_PRIVATE_KEY/);
    });

    it('sandbox mode accepts an unsigned request but still checks a signature that is sent; the path is configurable', async () => {
      const config = loadConfig({ DATABASE_URL: db.url, FLOWS_PRIVATE_KEY: PRIVATE_PEM, FLOWS_PRIVATE_KEY_PASSPHRASE: 'oracle-test', FLOWS_ENDPOINT_PATH: '/wa/flows' });
      const app = createApp({ config, prisma: db.prisma, logger: createLogger('silent'), clock: createFixedClock(now) });
      expect((await postFlow(app, { version: '3.0', action: 'ping' }, { secret: null, path: '/wa/flows' })).status).toBe(200);
      expect((await postFlow(app, { version: '3.0', action: 'ping' }, { secret: 'wrong', path: '/wa/flows' })).status).toBe(432);
    });

    it('a configured key that cannot be read stops the app at startup with a readable reason', () => {
      const config = loadConfig({ DATABASE_URL: db.url, FLOWS_PRIVATE_KEY: PRIVATE_PEM, FLOWS_PRIVATE_KEY_PASSPHRASE: 'wrong' });
      expect(() => createApp({ config, prisma: db.prisma, logger: createLogger('silent'), clock: createFixedClock(now) })).toThrow(/passphrase is wrong/);
    });
  });
});
