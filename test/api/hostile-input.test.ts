/**
 * Input PostgreSQL or the date code cannot take answers 400 with a message naming the field and
 * the fix, never 500: NUL characters in any string or path id, unpaired surrogates, bodies nested
 * thousands deep, dates outside 1900–2199 in queries and bodies.
 */
import { createApiTestContext, type ApiTestContext } from './api-test-kit';

describe('REST API: hostile input answers 4xx with what is wrong', () => {
  let ctx: ApiTestContext;
  let conversationId: string;

  beforeAll(async () => {
    ctx = await createApiTestContext({ withJobQueue: true });
    const { businessId } = ctx.demo;
    const customer = await ctx.db.prisma.customer.create({ data: { businessId, waId: '34655100001', phoneE164: '+34655100001', name: 'Hostile Client', lastInboundAt: ctx.clock.now() } });
    conversationId = (await ctx.db.prisma.conversation.create({
      data: { businessId, customerId: customer.id, machineVersion: 1, snapshot: {}, stateValue: 'handoff', isHandoff: true, lastActivityAt: ctx.clock.now() },
    })).id;
  });
  afterAll(async () => ctx.db.drop());

  /** A raw JSON body, so escapes reach the server exactly as written. */
  const sendRaw = (method: 'post' | 'patch' | 'put', path: string, raw: string) => ctx.api(method, path).set('content-type', 'application/json').send(raw);

  it.each([
    ['GET /v1/appointments/%00', '/v1/appointments/%00', 'path', 'id'],
    ['GET /v1/clients/%00abc', '/v1/clients/%00abc', 'path', 'id'],
    ['GET /v1/services/consult%00ation', '/v1/services/consult%00ation', 'path', 'id'],
    ['GET /v1/clients?search=%00', '/v1/clients?search=%00', 'query', 'search'],
  ])('%s → 400 naming the NUL', async (_name, path, location, field) => {
    const res = await ctx.api('get', path);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_input', details: [{ in: location, field }] });
    expect(res.body.error.message).toContain('NUL character (U+0000)');
  });

  it.each([
    ['POST /v1/locations {"title":"\\u0000"}', 'post', '/v1/locations', '{"title":"\\u0000"}', 'title', 'NUL character'],
    ['POST /v1/locations {"title":"a\\ud800"}', 'post', '/v1/locations', '{"title":"a\\ud800"}', 'title', 'unpaired UTF-16 surrogate'],
    ['POST /v1/locations with a NUL in a key', 'post', '/v1/locations', '{"title":"Room","\\u0000":1}', '"\\u0000"', 'NUL character'],
    ['POST /v1/services with NUL in the name', 'post', '/v1/services', '{"uid":"cut","name":"Cut\\u0000","durationMinutes":30,"sellingPrice":10}', 'name', 'NUL character'],
  ])('%s → 400 naming the field', async (_name, method, path, raw, field, problem) => {
    const res = await sendRaw(method as 'post', path, raw);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ in: 'body', field })]);
    expect(res.body.error.message).toContain(problem);
  });

  it('a lone surrogate in a staff reply → 400, and nothing is queued', async () => {
    const res = await sendRaw('post', `/v1/conversations/${conversationId}/reply`, '{"text":"Hello \\udc00 there"}');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('body is not valid: text contains an unpaired UTF-16 surrogate');
    expect(await ctx.db.prisma.outboxMessage.count({ where: { customer: { waId: '34655100001' } } })).toBe(0);
    // A well-formed emoji (a surrogate pair) is fine.
    expect((await sendRaw('post', `/v1/conversations/${conversationId}/reply`, '{"text":"Hello \\ud83d\\ude00"}')).status).toBe(202);
  });

  it('appointment metadata nested 10,000 deep → 400 saying to flatten it', async () => {
    const raw = `{"fullName":"Deep","countryCode":"+34","phone":"611000999","serviceId":"consultation","date":"2026-04-01","time":"10:00","metadata":{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    const res = await sendRaw('post', '/v1/appointments', raw);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/nests deeper than 32 levels; flatten it/);
  });

  it.each([
    ['list from 0000-01-01', 'get', '/v1/appointments?startDate=0000-01-01', 'startDate'],
    ['list until 9999-12-31', 'get', '/v1/appointments?endDate=9999-12-31', 'endDate'],
    ['slots on 9999-12-31', 'get', '/v1/appointments/slots?serviceId=consultation&date=9999-12-31&nextThreeDays=true', 'date'],
    ['slots on 0000-01-01', 'get', '/v1/appointments/slots?serviceId=consultation&date=0000-01-01', 'date'],
    ['business overrides until 9999-12-31', 'get', '/v1/date-overrides?from=2026-01-01&to=9999-12-31', 'to'],
  ])('a date outside 1900–2199 in a query (%s) → 400 naming the field and the range', async (_name, _method, path, field) => {
    const res = await ctx.api('get', path);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual({ in: 'query', field, message: 'must be a date between 1900-01-01 and 2199-12-31' });
  });

  it.each([
    ['a booking on 9999-12-31', '/v1/appointments', { fullName: 'Far Future', countryCode: '+34', phone: '611000777', serviceId: 'consultation', date: '9999-12-31', time: '10:00' }],
    ['a booking on 0000-01-01', '/v1/appointments', { fullName: 'Year Zero', countryCode: '+34', phone: '611000778', serviceId: 'consultation', date: '0000-01-01', time: '10:00' }],
    ['a reschedule to 9999-12-31', '/v1/appointments/reschedule', { appointmentId: '00000000-0000-4000-8000-000000000000', date: '9999-12-31', time: '10:00' }],
  ])('a date outside 1900–2199 in a body (%s) → 400', async (_name, path, body) => {
    const res = await ctx.api('post', path).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual({ in: 'body', field: 'date', message: 'must be a date between 1900-01-01 and 2199-12-31' });
  });

  it('a staff date override on 0000-01-01 → 400', async () => {
    const staffId = ctx.demo.staff.ana;
    const res = await ctx.api('post', `/v1/staff/${staffId}/date-overrides`).send({ date: '0000-01-01', isClosed: true });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual({ in: 'body', field: 'date', message: 'must be a date between 1900-01-01 and 2199-12-31' });
  });
});
