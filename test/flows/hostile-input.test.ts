/**
 * The Flows endpoint under requests a forged or buggy client can send, encrypted and signed like
 * WhatsApp's: handler names that exist on Object.prototype, error reports whose toString throws,
 * dates far outside the booking window, NUL characters and unpaired surrogates. Each answers as
 * Meta expects (an encrypted screen, or 400 for a request we cannot use), never 500.
 */
import { addLocalDays, toLocalDate } from '../../src/scheduling';
import { nextMondayMorning } from '../support/channel-harness';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { exchange, issueToken, postFlow, startFlowApp } from './flow-kit';
import { postRawFlow } from './raw-flow-client';

describe('Flows endpoint: hostile requests answer as Meta expects, never 500', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let flow: ReturnType<typeof startFlowApp>;
  const now = nextMondayMorning(new Date('2026-06-01T00:00:00Z'));
  const tuesday = addLocalDays(toLocalDate(now, 'Europe/Madrid'), 1);

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    flow = startFlowApp(db, now);
  });
  afterAll(async () => db.drop());

  const newToken = async () => {
    const [customerId] = await demo.createCustomers(1);
    return issueToken(db, { businessId: demo.businessId, customerId: customerId!, now });
  };

  it.each(['constructor', '__proto__', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__'])(
    'screen_action %j is an unknown action (400 naming it), not a method of Object.prototype',
    async (screenAction) => {
      const answer = await postFlow(flow.app, exchange(await newToken(), 'SERVICE', { screen_action: screenAction, service: demo.services.consultation }));
      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual({ code: 'unknown_screen_action', message: `Unknown screen_action ${JSON.stringify(screenAction)}; see flows/README.md.` });
    },
  );

  it.each(['constructor', '__proto__', 'toString'])('a screen named %j with a real action still gets its screen', async (screen) => {
    const answer = await postFlow(flow.app, exchange(await newToken(), screen, { screen_action: 'choose_service', service: demo.services.consultation }));
    expect([answer.status, answer.body.screen]).toEqual([200, 'STAFF']);
  });

  it('an error report whose error and error_message are objects (toString that would throw) is acknowledged', async () => {
    const token = await newToken();
    const throwing = { toString: 'not a function', valueOf: null };
    for (const data of [{ error: throwing, error_message: throwing }, { error: 'payload-schema-error', error_message: { toString: 1 } }, { error: [throwing], error_message: null }]) {
      expect(await postFlow(flow.app, exchange(token, 'TIME', data))).toEqual({ status: 200, body: { data: { acknowledged: true } } });
    }
  });

  it.each(['9999-12-31', '0000-01-01', '2199-12-31', '+275760-09-13'])('choose_date %s (outside the booking window) shows the days again, asking to choose', async (date) => {
    const answer = await postFlow(flow.app, exchange(await newToken(), 'DATE', { screen_action: 'choose_date', date, service_id: demo.services.consultation, staff_id: 'any' }));
    expect([answer.status, answer.body.screen, answer.body.data.error_message]).toEqual([200, 'DATE', 'Please choose one of the options.']);
  });

  it.each(['+275760-09-13T00:00:00.000Z', '9999-12-31T10:00:00.000Z', '-271821-04-20T00:00:00.000Z', '0000-01-01T00:00:00Z'])(
    'choose_time %s (outside the booking window) shows the days again, asking to choose',
    async (time) => {
      const answer = await postFlow(flow.app, exchange(await newToken(), 'TIME', { screen_action: 'choose_time', time, service_id: demo.services.consultation, staff_id: 'any' }));
      expect([answer.status, answer.body.screen, answer.body.data.error_message]).toEqual([200, 'DATE', 'Please choose one of the options.']);
    },
  );

  it.each(['+275760-09-13T00:00:00.000Z', '9999-12-31T10:00:00.000Z', '0000-01-01T00:00:00Z'])('submit_details with slot_start %s is refused with 400', async (slotStart) => {
    const answer = await postFlow(
      flow.app,
      exchange(await newToken(), 'DETAILS', { screen_action: 'submit_details', name: 'Ana', service_id: demo.services.consultation, staff_id: demo.staff.ana, slot_start: slotStart, hold_id: '' }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_flow_request');
  });

  it.each([
    ['a NUL in the name', { name: 'Ana\u0000' }, 'data.name contains a NUL character'],
    ['an unpaired surrogate in the note', { name: 'Ana', note: 'hi \ud800' }, 'data.note contains an unpaired UTF-16 surrogate'],
    ['a NUL in a key', { name: 'Ana', 'x\u0000': 1 }, 'contains a NUL character'],
  ])('submit_details with %s is refused with 400 saying what is wrong', async (_name, fields, message) => {
    const answer = await postFlow(
      flow.app,
      exchange(await newToken(), 'DETAILS', { screen_action: 'submit_details', service_id: demo.services.consultation, staff_id: demo.staff.ana, slot_start: `${tuesday}T08:00:00.000Z`, hold_id: '', ...fields }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_flow_request');
    expect(answer.body.error.message).toContain(message);
  });

  it('submit_details with data nested 10,000 deep is refused with 400 saying what is wrong', async () => {
    const data = `{"screen_action":"submit_details","name":"Ana","service_id":"${demo.services.consultation}","staff_id":"${demo.staff.ana}","slot_start":"${tuesday}T08:00:00.000Z","note":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const answer = await postRawFlow(flow.app, `{"version":"3.0","action":"data_exchange","screen":"DETAILS","flow_token":"${await newToken()}","data":${data}}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/data\.note(\.0)+…? nests deeper than 32 levels; flatten it/);
  });

  it('a NUL in the flow token is refused with 400, not looked up', async () => {
    const answer = await postFlow(flow.app, { version: '3.0', action: 'INIT', flow_token: `${await newToken()}\u0000` });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('flow_token contains a NUL character');
  });
});
