/**
 * /v1/services/{id}/reminder-rules and /follow-up-rules: CRUD validated by the reminder
 * component's rule schema, at most 5 per service and kind, sequence 1–5 unique.
 */
import { createApiTestContext, type ApiTestContext } from './api-test-kit';

describe('reminder and follow-up rules', () => {
  let ctx: ApiTestContext;

  beforeAll(async () => {
    ctx = await createApiTestContext();
    // A clean slate: the demo seeds default rules on its services.
    await ctx.db.prisma.reminderRule.deleteMany({ where: { service: { uid: 'physio' } } });
  });
  afterAll(async () => ctx.db.drop());

  const reminder = (overrides: Record<string, unknown> = {}) => ({ title: 'Tomorrow', text: 'Hi {customer_name}, see you {when}.', offsetDays: 1, ...overrides });

  it('creates, reads, changes and deletes a reminder rule (by service uid or id)', async () => {
    const created = await ctx.api('post', '/v1/services/physio/reminder-rules').send(reminder());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'reminder', sequence: 1, title: 'Tomorrow', offsetDays: 1, offsetHours: 0, isActive: true, serviceId: ctx.demo.services.physio });
    const listed = await ctx.api('get', `/v1/services/${ctx.demo.services.physio}/reminder-rules`, ctx.keys.readOnly);
    expect(listed.body.map((rule: { id: string }) => rule.id)).toEqual([created.body.id]);
    const changed = await ctx.api('patch', `/v1/services/physio/reminder-rules/${created.body.id}`).send({ offsetDays: 0, offsetHours: 3, isActive: false });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ offsetDays: 0, offsetHours: 3, isActive: false, title: 'Tomorrow' });
    expect((await ctx.api('get', '/v1/services/physio/follow-up-rules')).body).toEqual([]);
    expect((await ctx.api('delete', `/v1/services/physio/reminder-rules/${created.body.id}`)).status).toBe(204);
    expect((await ctx.api('get', '/v1/services/physio/reminder-rules')).body).toEqual([]);
  });

  it('keeps at most 5 per kind: the sixth is 409, follow-ups count apart', async () => {
    for (let i = 1; i <= 5; i += 1) {
      const res = await ctx.api('post', '/v1/services/physio/reminder-rules').send(reminder({ title: `R${i}`, offsetHours: i }));
      expect(res.status).toBe(201);
      expect(res.body.sequence).toBe(i);
    }
    const sixth = await ctx.api('post', '/v1/services/physio/reminder-rules').send(reminder());
    expect(sixth.status).toBe(409);
    expect(sixth.body.error.code).toBe('too_many_rules');
    const followUp = await ctx.api('post', '/v1/services/physio/follow-up-rules').send({ title: 'Rate us', text: 'How was {service}?', offsetHours: 2, asksForRating: true, appliesTo: 'any' });
    expect(followUp.status).toBe(201);
    expect(followUp.body).toMatchObject({ kind: 'followup', sequence: 1, asksForRating: true, appliesTo: 'any' });
    await ctx.db.prisma.reminderRule.deleteMany({ where: { service: { uid: 'physio' } } });
  });

  it('refuses a taken sequence with 409, on create and on change', async () => {
    const first = await ctx.api('post', '/v1/services/physio/reminder-rules').send(reminder({ sequence: 2 }));
    expect(first.body.sequence).toBe(2);
    expect((await ctx.api('post', '/v1/services/physio/reminder-rules').send(reminder({ sequence: 2 }))).status).toBe(409);
    const second = await ctx.api('post', '/v1/services/physio/reminder-rules').send(reminder());
    expect(second.body.sequence).toBe(1);
    expect((await ctx.api('patch', `/v1/services/physio/reminder-rules/${second.body.id}`).send({ sequence: 2 })).status).toBe(409);
    await ctx.db.prisma.reminderRule.deleteMany({ where: { service: { uid: 'physio' } } });
  });

  it.each([
    ['a rating request on a reminder', '/reminder-rules', reminder({ asksForRating: true }), 'kind'],
    ['an unknown placeholder in the template mapping', '/reminder-rules', reminder({ templateName: 'x', templateLanguage: 'en', templateParameters: ['phone'] }), 'templateParameters.0'],
    ['a template name without language', '/follow-up-rules', { title: 'T', text: 'x', templateName: 'visit' }, 'templateLanguage'],
    ['a sequence of 6', '/reminder-rules', reminder({ sequence: 6 }), 'sequence'],
    ['a title over 50 characters', '/reminder-rules', reminder({ title: 'x'.repeat(51) }), 'title'],
    ['25 offset hours', '/reminder-rules', reminder({ offsetHours: 25 }), 'offsetHours'],
  ])('answers 400 for %s', async (_name, segment, body, field) => {
    const res = await ctx.api('post', `/v1/services/physio${segment}`).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((detail: { field: string }) => detail.field)).toContain(field);
  });

  it('refuses an invalid combination made by a PATCH', async () => {
    const created = await ctx.api('post', '/v1/services/physio/reminder-rules').send(reminder());
    const res = await ctx.api('patch', `/v1/services/physio/reminder-rules/${created.body.id}`).send({ appliesTo: 'no_show' });
    expect(res.status).toBe(400);
    expect((await ctx.db.prisma.reminderRule.findUniqueOrThrow({ where: { id: created.body.id } })).appliesTo).toBe('completed');
  });

  it('does not find a follow-up rule under /reminder-rules', async () => {
    const followUp = await ctx.api('post', '/v1/services/physio/follow-up-rules').send({ title: 'Thanks', text: 'Thanks!' });
    expect((await ctx.api('patch', `/v1/services/physio/reminder-rules/${followUp.body.id}`).send({ isActive: false })).status).toBe(404);
    expect((await ctx.api('delete', `/v1/services/physio/reminder-rules/${followUp.body.id}`)).status).toBe(404);
  });

  it('front desk may not change rules; read-only reads them', async () => {
    expect((await ctx.api('post', '/v1/services/physio/reminder-rules', ctx.keys.frontDesk).send(reminder())).status).toBe(403);
    expect((await ctx.api('get', '/v1/services/physio/reminder-rules', ctx.keys.readOnly)).status).toBe(200);
  });
});
