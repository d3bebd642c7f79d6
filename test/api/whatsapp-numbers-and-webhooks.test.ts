/**
 * /v1/whatsapp-numbers (tokens stored encrypted, never returned; phone_number_id unique across
 * businesses) and /v1/webhook-subscriptions (secret shown once, SSRF-safe URLs), admin only.
 */
import { isSealedSecret, openSecret } from '../../src/platform/secret-box';
import { createWebhookSubscription } from '../../src/events';
import { findAccessTokenForNumber } from '../../src/api';
import { createApiTestContext, type ApiTestContext } from './api-test-kit';

describe('WhatsApp numbers and webhook subscriptions', () => {
  let ctx: ApiTestContext;

  beforeAll(async () => {
    ctx = await createApiTestContext();
  });
  afterAll(async () => ctx.db.drop());

  describe('/v1/whatsapp-numbers', () => {
    const token = 'EAAG-first-system-user-token-0123456789';

    it('stores the access token encrypted, answers only hasAccessToken, and gives it back to the sender', async () => {
      const created = await ctx.secureApi('post', '/v1/whatsapp-numbers').send({ phoneNumberId: '200000000001', displayPhone: '+34910000001', accessToken: token, sendRatePerSecond: 20 });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ phoneNumberId: '200000000001', displayPhone: '+34910000001', hasAccessToken: true, sendRatePerSecond: 20 });
      expect(JSON.stringify(created.body)).not.toContain(token);
      const row = await ctx.db.prisma.whatsAppNumber.findUniqueOrThrow({ where: { phoneNumberId: '200000000001' } });
      expect(row.accessTokenEncrypted).toMatch(/^v1:/);
      expect(row.accessTokenEncrypted).not.toContain(token);
      expect(await findAccessTokenForNumber(ctx.db.prisma, '200000000001', ctx.encryptionKey)).toBe(token);
      const listed = await ctx.secureApi('get', '/v1/whatsapp-numbers');
      expect(JSON.stringify(listed.body)).not.toContain(token);
      expect(listed.body.map((n: { phoneNumberId: string }) => n.phoneNumberId)).toContain('200000000001');
    });

    it('replaces and removes the token; without one the sender falls back to WHATSAPP_ACCESS_TOKEN', async () => {
      const created = await ctx.secureApi('post', '/v1/whatsapp-numbers').send({ phoneNumberId: '200000000002' });
      expect(created.body.hasAccessToken).toBe(false);
      expect(await findAccessTokenForNumber(ctx.db.prisma, '200000000002', ctx.encryptionKey)).toBeUndefined();
      const replaced = await ctx.secureApi('patch', `/v1/whatsapp-numbers/${created.body.id}`).send({ accessToken: 'EAAG-second-token-abcdefghijklmnop' });
      expect(replaced.body.hasAccessToken).toBe(true);
      expect(await findAccessTokenForNumber(ctx.db.prisma, '200000000002', ctx.encryptionKey)).toBe('EAAG-second-token-abcdefghijklmnop');
      const removed = await ctx.secureApi('patch', `/v1/whatsapp-numbers/${created.body.id}`).send({ accessToken: null, sendRatePerSecond: 5 });
      expect(removed.body).toMatchObject({ hasAccessToken: false, sendRatePerSecond: 5 });
      expect(await findAccessTokenForNumber(ctx.db.prisma, '200000000002', ctx.encryptionKey)).toBeUndefined();
      expect(await findAccessTokenForNumber(ctx.db.prisma, 'unknown-number', ctx.encryptionKey)).toBeUndefined();
    });

    it('refuses to read a stored token with no or the wrong key', async () => {
      await expect(findAccessTokenForNumber(ctx.db.prisma, '200000000001', undefined)).rejects.toThrow(/DATA_ENCRYPTION_KEY/);
      await expect(findAccessTokenForNumber(ctx.db.prisma, '200000000001', Buffer.alloc(32, 1))).rejects.toThrow(/DATA_ENCRYPTION_KEY/);
    });

    it('answers 409 for a phone_number_id another business already has', async () => {
      const taken = await ctx.secureApi('post', '/v1/whatsapp-numbers', ctx.other.key).send({ phoneNumberId: '200000000001' });
      expect(taken.status).toBe(409);
      expect(taken.body.error.code).toBe('phone_number_id_taken');
      expect(await ctx.db.prisma.whatsAppNumber.count({ where: { phoneNumberId: '200000000001' } })).toBe(1);
    });

    it('answers 409 telling the operator to set DATA_ENCRYPTION_KEY when a token must be stored without it, and stores nothing', async () => {
      const res = await ctx.api('post', '/v1/whatsapp-numbers').send({ phoneNumberId: '200000000009', accessToken: token });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('encryption_key_missing');
      expect(res.body.error.message).toContain('DATA_ENCRYPTION_KEY');
      expect(await ctx.db.prisma.whatsAppNumber.count({ where: { phoneNumberId: '200000000009' } })).toBe(0);
      // A number without a token needs no key.
      expect((await ctx.api('post', '/v1/whatsapp-numbers').send({ phoneNumberId: '200000000009' })).status).toBe(201);
    });

    it.each([
      ['a non-numeric id', { phoneNumberId: 'abc' }],
      ['a short token', { phoneNumberId: '200000000010', accessToken: 'short' }],
      ['a zero send rate', { phoneNumberId: '200000000010', sendRatePerSecond: 0 }],
    ])('answers 400 for %s', async (_name, body) => {
      const res = await ctx.secureApi('post', '/v1/whatsapp-numbers').send(body);
      expect(res.status).toBe(400);
    });

    it('is for admins only', async () => {
      expect((await ctx.secureApi('get', '/v1/whatsapp-numbers', ctx.keys.frontDesk)).status).toBe(403);
      expect((await ctx.secureApi('get', '/v1/whatsapp-numbers', ctx.keys.readOnly)).status).toBe(403);
    });

    it('deletes a number', async () => {
      const created = await ctx.secureApi('post', '/v1/whatsapp-numbers').send({ phoneNumberId: '200000000003' });
      expect((await ctx.secureApi('delete', `/v1/whatsapp-numbers/${created.body.id}`)).status).toBe(204);
      expect((await ctx.secureApi('get', `/v1/whatsapp-numbers/${created.body.id}`)).status).toBe(404);
    });
  });

  describe('/v1/webhook-subscriptions', () => {
    it('answers the generated secret once, keeps it for signing, and never lists it', async () => {
      const created = await ctx.secureApi('post', '/v1/webhook-subscriptions').send({ url: 'https://hooks.example.com/tapbook', events: ['BOOKING_CREATED'] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ url: 'https://hooks.example.com/tapbook', events: ['BOOKING_CREATED'], isActive: true });
      expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      const row = await ctx.db.prisma.webhookSubscription.findUniqueOrThrow({ where: { id: created.body.id } });
      // Stored sealed with DATA_ENCRYPTION_KEY; it opens to the secret answered once.
      expect(isSealedSecret(row.secret)).toBe(true);
      expect(openSecret(ctx.encryptionKey, row.secret)).toBe(created.body.secret);
      const read = await ctx.secureApi('get', `/v1/webhook-subscriptions/${created.body.id}`);
      expect(read.body.secret).toBeUndefined();
      const listed = await ctx.secureApi('get', '/v1/webhook-subscriptions');
      expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    });

    it('changes events, URL and active flag; rotates the secret', async () => {
      const created = await ctx.secureApi('post', '/v1/webhook-subscriptions').send({ url: 'https://hooks.example.com/a' });
      expect(created.body.events).toEqual([]);
      const updated = await ctx.secureApi('patch', `/v1/webhook-subscriptions/${created.body.id}`).send({ url: 'https://hooks.example.com/b', events: ['BOOKING_CANCELLED'], isActive: false });
      expect(updated.body).toMatchObject({ url: 'https://hooks.example.com/b', events: ['BOOKING_CANCELLED'], isActive: false });
      const rotated = await ctx.secureApi('post', `/v1/webhook-subscriptions/${created.body.id}/rotate-secret`).send({});
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).not.toBe(created.body.secret);
      expect(openSecret(ctx.encryptionKey, (await ctx.db.prisma.webhookSubscription.findUniqueOrThrow({ where: { id: created.body.id } })).secret)).toBe(rotated.body.secret);
      expect((await ctx.secureApi('delete', `/v1/webhook-subscriptions/${created.body.id}`)).status).toBe(204);
      expect((await ctx.secureApi('get', `/v1/webhook-subscriptions/${created.body.id}`)).status).toBe(404);
    });

    it.each([
      ['plain http', 'http://hooks.example.com/x'],
      ['a private address', 'https://10.0.0.5/x'],
      ['the cloud metadata address', 'https://169.254.169.254/latest'],
      ['a name resolving inside', 'https://rebind.example.com/x'],
      ['an internal name', 'https://billing.internal/x'],
      ['a unique-local IPv6 address', 'https://[fd00::1]/x'],
    ])('refuses %s with 422 and stores nothing', async (_name, url) => {
      const before = await ctx.db.prisma.webhookSubscription.count();
      const res = await ctx.secureApi('post', '/v1/webhook-subscriptions').send({ url });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('unsafe_url');
      expect(res.body.error.details[0].field).toBe('url');
      expect(await ctx.db.prisma.webhookSubscription.count()).toBe(before);
    });

    it('accepts http://localhost only with the test-only loopback allowance', async () => {
      expect((await ctx.secureApi('post', '/v1/webhook-subscriptions').send({ url: 'http://localhost:4000/hook' })).status).toBe(201);
      // The app as production mounts it (no loopback allowance):
      expect((await ctx.api('post', '/v1/webhook-subscriptions').send({ url: 'http://localhost:4000/hook' })).status).toBe(422);
    });

    it('refuses a PATCH to an unsafe URL', async () => {
      const { id } = await createWebhookSubscription(ctx.db.prisma, { businessId: ctx.demo.businessId, url: 'https://hooks.example.com/c', secret: 'x'.repeat(32) });
      const res = await ctx.secureApi('patch', `/v1/webhook-subscriptions/${id}`).send({ url: 'https://192.168.1.1/' });
      expect(res.status).toBe(422);
      expect((await ctx.db.prisma.webhookSubscription.findUniqueOrThrow({ where: { id } })).url).toBe('https://hooks.example.com/c');
    });

    it('answers 400 for an unknown event type', async () => {
      const res = await ctx.secureApi('post', '/v1/webhook-subscriptions').send({ url: 'https://hooks.example.com/d', events: ['BOOKING_EXPLODED'] });
      expect(res.status).toBe(400);
    });

    it('is for admins only', async () => {
      expect((await ctx.secureApi('post', '/v1/webhook-subscriptions', ctx.keys.frontDesk).send({ url: 'https://hooks.example.com/e' })).status).toBe(403);
    });
  });
});
