/**
 * Settings → WhatsApp numbers, API keys and webhook subscriptions in a real browser: number status
 * without its token, an API key shown once and refused by the REST API once revoked, a webhook URL
 * on a private address refused with the reason, the signing secret shown once; admins only, and
 * nothing of another business.
 */
import { randomBytes } from 'node:crypto';
import { sealSecret } from '../../src/platform/secret-box';
import { readCsrfToken, startConsoleKit, findSeriousAxeViolations, type ConsoleKit } from './console-kit';

const ENCRYPTION_KEY = randomBytes(32);
const TOKEN = 'EAAGnumberOwnToken1234567890';

describe('staff console: WhatsApp numbers, API keys, webhooks', () => {
  let kit: ConsoleKit;
  const restGet = (path: string, key: string) => fetch(`${kit.baseUrl}${path}`, { headers: { 'x-api-key': key } });

  beforeAll(async () => {
    kit = await startConsoleKit({ env: { DATA_ENCRYPTION_KEY: ENCRYPTION_KEY.toString('base64') } });
  });
  afterAll(async () => {
    await kit.stop();
  });

  it('WhatsApp numbers show token set, last successful send and last error, never the token', async () => {
    const number = await kit.db.prisma.whatsAppNumber.findFirstOrThrow({ where: { businessId: kit.demo.businessId } });
    const sealed = sealSecret(ENCRYPTION_KEY, TOKEN);
    await kit.db.prisma.whatsAppNumber.update({
      where: { id: number.id },
      data: {
        accessTokenEncrypted: sealed,
        lastSuccessfulSendAt: new Date('2026-03-30T08:15:00.000Z'),
        lastErrorCode: 'access_token_rejected',
        lastErrorMessage: 'Meta refused the token: save a new one.',
        lastErrorAt: new Date('2026-03-30T09:00:00.000Z'),
        lastErrorCount: 3,
      },
    });
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.admin);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'WhatsApp numbers' }).click();
    const row = page.getByRole('row', { name: new RegExp(number.phoneNumberId) });
    await row.getByRole('cell', { name: 'Yes', exact: true }).waitFor();
    await row.getByText('2026-03-30 10:15').waitFor();
    await row.getByText('access_token_rejected: Meta refused the token: save a new one. (3×, last 2026-03-30 11:00)').waitFor();
    const html = await page.content();
    expect(html).not.toContain(TOKEN);
    expect(html).not.toContain(sealed);
    expect(await findSeriousAxeViolations(page)).toEqual([]);
    await context.close();
  });

  it('an API key is shown once, works on the REST API, and once revoked is refused', async () => {
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.admin);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'API keys' }).click();
    const create = page.getByRole('form', { name: 'Create API key' });
    await create.getByLabel('Name').fill('Reception tablet');
    await create.getByLabel('Role').selectOption('front_desk');
    await create.getByRole('button', { name: 'Create API key' }).click();
    const shown = page.getByRole('status').filter({ hasText: 'New API key “Reception tablet”' });
    const key = (await shown.locator('code').textContent())!;
    expect(key).toMatch(/^tbk_/);
    const row = page.getByRole('row', { name: /Reception tablet/ });
    await row.getByText('Front desk').waitFor();
    expect((await restGet('/v1/conversations', key)).status).toBe(200);

    // Shown once: the list never has it again.
    await page.goto('/admin/settings/api-keys');
    expect(await page.content()).not.toContain(key);
    await page.getByRole('button', { name: 'Revoke: Reception tablet' }).click();
    await page.getByRole('status').filter({ hasText: 'API key revoked' }).waitFor();
    await page.getByRole('row', { name: /Reception tablet.*Revoked/ }).waitFor();
    expect((await restGet('/v1/conversations', key)).status).toBe(401);
    expect(await findSeriousAxeViolations(page)).toEqual([]);

    const invalid = await page.request.post('/admin/settings/api-keys', { form: { name: '', role: 'owner', _csrf: await readCsrfToken(page) } });
    expect(invalid.status()).toBe(422);
    expect(await invalid.text()).toContain('Give the key a name');
    await context.close();
  });

  it('a webhook URL on a private address is refused with the reason; a public one is added with its secret shown once, and deleted', async () => {
    const { context, page } = await kit.newPage();
    await kit.signIn(page, kit.users.admin);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByLabel('URL').fill('https://10.0.0.5/tapbook');
    await page.getByRole('button', { name: 'Add subscription' }).click();
    await page.getByRole('alert').filter({ hasText: 'The URL must point to a public address, not 10.0.0.5 (a private address). The server only calls public https:// addresses.' }).waitFor();
    expect(await kit.db.prisma.webhookSubscription.count()).toBe(0);
    // The typed URL stays, to be corrected.
    expect(await page.getByLabel('URL').inputValue()).toBe('https://10.0.0.5/tapbook');

    await page.getByLabel('URL').fill('https://93.184.216.34/tapbook');
    await page.getByRole('button', { name: 'Add subscription' }).click();
    const shown = page.getByRole('status').filter({ hasText: 'Signing secret for https://93.184.216.34/tapbook' });
    const secret = (await shown.locator('code').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    const stored = await kit.db.prisma.webhookSubscription.findFirstOrThrow({ where: { businessId: kit.demo.businessId } });
    expect(stored.secret).not.toContain(secret);
    await page.goto('/admin/settings/webhooks');
    expect(await page.content()).not.toContain(secret);
    await page.getByRole('row', { name: /93\.184\.216\.34.*All events/ }).waitFor();
    expect(await findSeriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Delete: https://93.184.216.34/tapbook' }).click();
    await page.getByRole('status').filter({ hasText: 'Subscription deleted.' }).waitFor();
    expect(await kit.db.prisma.webhookSubscription.count()).toBe(0);
    await context.close();
  });

  it('front desk and read-only users see none of these pages and forged posts are refused; another business’s ids answer 404', async () => {
    const key = await kit.db.prisma.apiKey.create({ data: { businessId: kit.demo.businessId, name: 'Kiosk', role: 'read_only', keyHash: 'a'.repeat(64), keyPrefix: 'tbk_kiosk' } });
    const subscription = await kit.db.prisma.webhookSubscription.create({ data: { businessId: kit.demo.businessId, url: 'https://93.184.216.34/kiosk', secret: 'sealed-secret-value' } });
    for (const user of [kit.users.readOnly, kit.users.frontDesk]) {
      const { context, page } = await kit.newPage();
      await kit.signIn(page, user);
      for (const name of ['WhatsApp numbers', 'API keys', 'Webhooks']) expect(await page.getByRole('link', { name }).count()).toBe(0);
      for (const path of ['/admin/settings/whatsapp', '/admin/settings/api-keys', '/admin/settings/webhooks']) expect((await page.goto(path))!.status()).toBe(403);
      const csrf = await readCsrfToken(page);
      expect((await page.request.post('/admin/settings/api-keys', { form: { name: 'Mine', role: 'admin', _csrf: csrf } })).status()).toBe(403);
      expect((await page.request.post(`/admin/settings/api-keys/${key.id}/revoke`, { form: { _csrf: csrf } })).status()).toBe(403);
      expect((await page.request.post('/admin/settings/webhooks', { form: { url: 'https://93.184.216.34/x', _csrf: csrf } })).status()).toBe(403);
      expect((await page.request.post(`/admin/settings/webhooks/${subscription.id}/delete`, { form: { _csrf: csrf } })).status()).toBe(403);
      await context.close();
    }

    const other = await kit.newPage();
    await kit.signIn(other.page, kit.users.otherAdmin);
    const csrf = await readCsrfToken(other.page);
    expect((await other.page.request.post(`/admin/settings/api-keys/${key.id}/revoke`, { form: { _csrf: csrf } })).status()).toBe(404);
    expect((await other.page.request.post(`/admin/settings/webhooks/${subscription.id}/delete`, { form: { _csrf: csrf } })).status()).toBe(404);
    await other.page.goto('/admin/settings/api-keys');
    expect(await other.page.getByText('Kiosk').count()).toBe(0);
    // An empty list keeps its column headers and says so in a row.
    await other.page.getByRole('table', { name: 'API keys' }).getByRole('row', { name: 'No API keys yet.' }).waitFor();
    await other.page.goto('/admin/settings/webhooks');
    expect(await other.page.getByText('93.184.216.34').count()).toBe(0);
    await other.page.getByRole('table', { name: 'Webhook subscriptions' }).getByRole('row', { name: 'No subscriptions yet.' }).waitFor();
    expect((await kit.db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).revokedAt).toBeNull();
    expect(await kit.db.prisma.webhookSubscription.count({ where: { id: subscription.id } })).toBe(1);
    await other.context.close();

    // Without the CSRF token an admin's post is refused too.
    const admin = await kit.newPage();
    await kit.signIn(admin.page, kit.users.admin);
    expect((await admin.page.request.post(`/admin/settings/api-keys/${key.id}/revoke`, { form: {} })).status()).toBe(403);
    await admin.context.close();
  });
});
