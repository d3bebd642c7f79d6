/**
 * /v1/webhook-subscriptions (admin): where signed event webhooks go. The URL must be a public
 * https:// address (no private or internal hosts: the server posts to it). The signing secret is
 * generated here and shown once, at creation or rotation.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { createWebhookSubscription, EVENT_TYPES, SIGNATURE_HEADER } from '../events';
import type { PrismaClient } from '../platform/database';
import { ApiError } from './api-error';
import { emptyBodySchema, uuidParamsSchema } from './common-schemas';
import { defineRoute, RouteResponse, type AnyApiRoute } from './route-definition';
import { requireEncryptionKey, requirePublicUrl, type SecretSettings } from './secret-settings';
import { sealSecret } from '../platform/secret-box';
import {
  countWebhookSubscriptions,
  deleteWebhookSubscription,
  findWebhookSubscription,
  listWebhookSubscriptions,
  MAX_SUBSCRIPTIONS_PER_BUSINESS,
  updateWebhookSubscription,
  type WebhookSubscriptionRow,
} from './webhook-subscription-repository';

const urlSchema = z.string().trim().min(8).max(2000).describe('Public https:// address that receives POSTed events.');
const eventsSchema = z.array(z.enum(EVENT_TYPES)).max(EVENT_TYPES.length).describe('Event types to receive; empty = every type.');

/** Body of POST /v1/webhook-subscriptions. */
export const createSubscriptionBodySchema = z.object({ url: urlSchema, events: eventsSchema.optional(), isActive: z.boolean().optional() });

/** Body of PATCH /v1/webhook-subscriptions/{id}. */
export const updateSubscriptionBodySchema = z
  .object({ url: urlSchema.optional(), events: eventsSchema.optional(), isActive: z.boolean().optional() })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one field to change');

/** A subscription as the API shows it (never its secret). */
export const subscriptionSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  isActive: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const withSecretSchema = subscriptionSchema.extend({
  secret: z.string().describe(`Key of the ${SIGNATURE_HEADER} HMAC-SHA256 signature. Shown only now: store it.`),
});

/** A new signing secret (32 random bytes). */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function toSubscriptionDto(row: WebhookSubscriptionRow): z.infer<typeof subscriptionSchema> {
  return { id: row.id, url: row.url, events: row.events, isActive: row.isActive, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

/** Builds the webhook subscription routes. */
export function buildWebhookSubscriptionRoutes(deps: { prisma: PrismaClient } & SecretSettings): AnyApiRoute[] {
  const { prisma } = deps;
  const requireSubscription = async (businessId: string, id: string) => {
    const row = await findWebhookSubscription(prisma, businessId, id);
    if (!row) throw new ApiError(404, 'not_found', `No webhook subscription "${id}" in this business. List /v1/webhook-subscriptions to find valid ids.`);
    return row;
  };

  return [
    defineRoute({
      method: 'get',
      path: '/v1/webhook-subscriptions',
      family: 'settings',
      isAdminOnly: true,
      summary: 'List webhook subscriptions',
      status: 200,
      response: z.array(subscriptionSchema),
      async handle({ auth }) {
        return (await listWebhookSubscriptions(prisma, auth.businessId)).map(toSubscriptionDto);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/webhook-subscriptions/{id}',
      family: 'settings',
      isAdminOnly: true,
      summary: 'Read one webhook subscription',
      params: uuidParamsSchema,
      status: 200,
      response: subscriptionSchema,
      errors: [404],
      async handle({ params, auth }) {
        return toSubscriptionDto(await requireSubscription(auth.businessId, params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/webhook-subscriptions',
      family: 'settings',
      isAdminOnly: true,
      summary: 'Subscribe a URL to events',
      description: `Answers the signing secret once. Each delivery carries ${SIGNATURE_HEADER}: sha256=<HMAC-SHA256 of the raw body>. Private, loopback and internal addresses answer 422.`,
      body: createSubscriptionBodySchema,
      bodyExample: { url: 'https://hooks.example.com/tapbook', events: ['BOOKING_CREATED', 'BOOKING_CANCELLED'] },
      status: 201,
      response: withSecretSchema,
      errors: [409, 422],
      async handle({ body, auth }) {
        const url = await requirePublicUrl(deps, body.url, 'url');
        if ((await countWebhookSubscriptions(prisma, auth.businessId)) >= MAX_SUBSCRIPTIONS_PER_BUSINESS) {
          throw new ApiError(409, 'too_many_subscriptions', `A business can have at most ${MAX_SUBSCRIPTIONS_PER_BUSINESS} webhook subscriptions. Delete one first.`);
        }
        // The signing secret is stored sealed with DATA_ENCRYPTION_KEY, like every secret at rest.
        const key = requireEncryptionKey(deps, 'a webhook signing secret');
        const secret = generateWebhookSecret();
        const { id } = await createWebhookSubscription(prisma, { businessId: auth.businessId, url: url.toString(), secret: sealSecret(key, secret), events: body.events ?? [] });
        const row = body.isActive === false ? await updateWebhookSubscription(prisma, id, { isActive: false }) : await requireSubscription(auth.businessId, id);
        return { ...toSubscriptionDto(row), secret };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/webhook-subscriptions/{id}',
      family: 'settings',
      isAdminOnly: true,
      summary: 'Change a webhook subscription (URL, events, active)',
      params: uuidParamsSchema,
      body: updateSubscriptionBodySchema,
      bodyExample: { events: [], isActive: true },
      status: 200,
      response: subscriptionSchema,
      errors: [404, 422],
      async handle({ params, body, auth }) {
        const row = await requireSubscription(auth.businessId, params.id);
        const url = body.url === undefined ? undefined : (await requirePublicUrl(deps, body.url, 'url')).toString();
        return toSubscriptionDto(
          await updateWebhookSubscription(prisma, row.id, {
            ...(url === undefined ? {} : { url }),
            ...(body.events === undefined ? {} : { events: body.events }),
            ...(body.isActive === undefined ? {} : { isActive: body.isActive }),
          }),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/webhook-subscriptions/{id}/rotate-secret',
      family: 'settings',
      isAdminOnly: true,
      summary: 'Replace the signing secret (answered once)',
      description: 'Deliveries from now on are signed with the new secret; retries of older events too.',
      params: uuidParamsSchema,
      body: emptyBodySchema,
      bodyExample: {},
      status: 200,
      response: withSecretSchema,
      errors: [404],
      async handle({ params, auth }) {
        const row = await requireSubscription(auth.businessId, params.id);
        const key = requireEncryptionKey(deps, 'a webhook signing secret');
        const secret = generateWebhookSecret();
        return { ...toSubscriptionDto(await updateWebhookSubscription(prisma, row.id, { secret: sealSecret(key, secret) })), secret };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/webhook-subscriptions/{id}',
      family: 'settings',
      isAdminOnly: true,
      summary: 'Delete a webhook subscription and its pending deliveries',
      params: uuidParamsSchema,
      status: 204,
      errors: [404],
      async handle({ params, auth }) {
        if (!(await deleteWebhookSubscription(prisma, auth.businessId, params.id))) {
          throw new ApiError(404, 'not_found', `No webhook subscription "${params.id}" in this business. List /v1/webhook-subscriptions to find valid ids.`);
        }
        return new RouteResponse(204, undefined);
      },
    }),
  ];
}
