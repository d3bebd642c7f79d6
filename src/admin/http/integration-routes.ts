/**
 * Settings → WhatsApp numbers, API keys and webhook subscriptions (admins only). They use the
 * REST API's repositories and the same URL rule (platform/safe-fetch) and secret sealing, so the
 * console and the API can never disagree on what is allowed.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import {
  API_KEY_ROLES,
  countWebhookSubscriptions,
  createApiKey,
  deleteWebhookSubscription,
  generateWebhookSecret,
  listApiKeys,
  listWebhookSubscriptions,
  listWhatsAppNumbers,
  MAX_SUBSCRIPTIONS_PER_BUSINESS,
  revokeApiKey,
} from '../../api';
import { createWebhookSubscription } from '../../events';
import type { Clock } from '../../platform/clock';
import type { PrismaClient } from '../../platform/database';
import { checkOutboundUrl, type HostResolver } from '../../platform/safe-fetch';
import { sealSecret } from '../../platform/secret-box';
import type { ConsoleUser } from '../auth/accounts';
import { createTranslate } from '../i18n';
import { renderApiKeysPage } from '../views/api-keys-page';
import { renderWebhooksPage } from '../views/webhooks-page';
import { renderWhatsAppNumbersPage } from '../views/whatsapp-numbers-page';
import { consoleUserOf, requireAction, requireCsrfToken } from './console-session';

/** DATA_ENCRYPTION_KEY and the outbound URL policy, as the REST API is given them. */
export interface ConsoleSecretSettings {
  encryptionKey: Buffer | undefined;
  allowsLoopbackUrls: boolean;
  resolveHost?: HostResolver;
}

const apiKeyFormSchema = z.object({ name: z.string().trim().min(1).max(100), role: z.enum(API_KEY_ROLES) });
const webhookFormSchema = z.object({ url: z.string().trim().min(1).max(2000) });
const idSchema = z.string().uuid();

/** Builds the integration settings routes (behind requireSignedIn). */
export function createIntegrationRoutes(deps: { prisma: PrismaClient; clock: Clock; secrets?: ConsoleSecretSettings }): Router {
  const router = Router();
  const base = ['/admin/settings/whatsapp', '/admin/settings/api-keys', '/admin/settings/webhooks'];
  router.use(base, requireAction('manage_settings'), requireCsrfToken());

  router.get('/admin/settings/whatsapp', async (_req, res) => {
    const user = consoleUserOf(res);
    res.type('html').send(renderWhatsAppNumbersPage({ user, t: createTranslate(user.locale), numbers: await listWhatsAppNumbers(deps.prisma, user.businessId) }));
  });

  const sendKeys = async (res: Response, user: ConsoleUser, status: number, extra: Omit<Parameters<typeof renderApiKeysPage>[0], 'user' | 't' | 'keys'> = {}) =>
    res
      .status(status)
      .type('html')
      .send(renderApiKeysPage({ user, t: createTranslate(user.locale), keys: await listApiKeys(deps.prisma, user.businessId), ...extra }));

  router.get('/admin/settings/api-keys', async (_req, res) => {
    await sendKeys(res, consoleUserOf(res), 200);
  });

  router.post('/admin/settings/api-keys', async (req, res) => {
    const user = consoleUserOf(res);
    const form = apiKeyFormSchema.safeParse(req.body ?? {});
    if (!form.success) return sendKeys(res, user, 422, { error: createTranslate(user.locale)('apiKeys.invalid') });
    const created = await createApiKey(deps.prisma, { businessId: user.businessId, role: form.data.role, name: form.data.name });
    return sendKeys(res, user, 201, { created: { name: form.data.name, key: created.key } });
  });

  router.post('/admin/settings/api-keys/:id/revoke', async (req, res) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    const id = idSchema.safeParse(req.params.id);
    const isRevoked = id.success && (await revokeApiKey(deps.prisma, { businessId: user.businessId, keyId: id.data, at: deps.clock.now() }));
    return isRevoked ? sendKeys(res, user, 200, { notice: t('apiKeys.revoked') }) : sendKeys(res, user, 404, { error: t('error.notFound') });
  });

  const sendWebhooks = async (res: Response, user: ConsoleUser, status: number, extra: Omit<Parameters<typeof renderWebhooksPage>[0], 'user' | 't' | 'subscriptions'> = {}) =>
    res
      .status(status)
      .type('html')
      .send(renderWebhooksPage({ user, t: createTranslate(user.locale), subscriptions: await listWebhookSubscriptions(deps.prisma, user.businessId), ...extra }));

  router.get('/admin/settings/webhooks', async (_req, res) => {
    await sendWebhooks(res, consoleUserOf(res), 200);
  });

  router.post('/admin/settings/webhooks', async (req, res) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    const form = webhookFormSchema.safeParse(req.body ?? {});
    const typed = typeof (req.body as Record<string, unknown> | undefined)?.url === 'string' ? String((req.body as Record<string, unknown>).url).slice(0, 2000) : '';
    if (!form.success) return sendWebhooks(res, user, 422, { url: typed, error: t('webhooks.unsafeUrl', { reason: 'is missing or longer than 2000 characters' }) });
    const secrets = deps.secrets ?? { encryptionKey: undefined, allowsLoopbackUrls: false };
    const check = await checkOutboundUrl(form.data.url, { allowsLoopback: secrets.allowsLoopbackUrls, ...(secrets.resolveHost ? { resolveHost: secrets.resolveHost } : {}) });
    if (!check.ok) return sendWebhooks(res, user, 422, { url: typed, error: t('webhooks.unsafeUrl', { reason: check.reason }) });
    if ((await countWebhookSubscriptions(deps.prisma, user.businessId)) >= MAX_SUBSCRIPTIONS_PER_BUSINESS) {
      return sendWebhooks(res, user, 409, { url: typed, error: t('webhooks.tooMany', { max: MAX_SUBSCRIPTIONS_PER_BUSINESS }) });
    }
    // The signing secret is stored sealed with DATA_ENCRYPTION_KEY, like every secret at rest.
    if (!secrets.encryptionKey) return sendWebhooks(res, user, 409, { url: typed, error: t('webhooks.noKey') });
    const secret = generateWebhookSecret();
    const url = check.url.toString();
    await createWebhookSubscription(deps.prisma, { businessId: user.businessId, url, secret: sealSecret(secrets.encryptionKey, secret), events: [] });
    return sendWebhooks(res, user, 201, { created: { url, secret } });
  });

  router.post('/admin/settings/webhooks/:id/delete', async (req, res) => {
    const user = consoleUserOf(res);
    const t = createTranslate(user.locale);
    const id = idSchema.safeParse(req.params.id);
    const isDeleted = id.success && (await deleteWebhookSubscription(deps.prisma, user.businessId, id.data));
    return isDeleted ? sendWebhooks(res, user, 200, { notice: t('webhooks.deleted') }) : sendWebhooks(res, user, 404, { error: t('error.notFound') });
  });
  return router;
}
