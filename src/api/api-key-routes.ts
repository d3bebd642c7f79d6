/** /v1/api-keys: admins list, create and revoke the keys of their business. */
import { z } from 'zod';
import type { Clock } from '../platform/clock';
import type { PrismaClient } from '../platform/database';
import { API_KEY_ROLES } from './api-key';
import { createApiKey, listApiKeys, revokeApiKey } from './api-key-repository';
import { ApiError } from './api-error';
import { uuidParamsSchema } from './common-schemas';
import { defineRoute, RouteResponse, type AnyApiRoute } from './route-definition';

/** An API key as listed (never the key itself). */
export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(API_KEY_ROLES),
  keyPrefix: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});

/** Builds the API key routes (admin only). */
export function buildApiKeyRoutes(deps: { prisma: PrismaClient; clock: Clock }): AnyApiRoute[] {
  const { prisma } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/v1/api-keys',
      family: 'api_keys',
      isAdminOnly: true,
      summary: 'List the API keys of the business',
      status: 200,
      response: z.array(apiKeySchema),
      async handle({ auth }) {
        const rows = await listApiKeys(prisma, auth.businessId);
        return rows.map((row) => ({
          id: row.id,
          name: row.name,
          role: row.role as (typeof API_KEY_ROLES)[number],
          keyPrefix: row.keyPrefix,
          lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
          revokedAt: row.revokedAt?.toISOString() ?? null,
          createdAt: row.createdAt.toISOString(),
        }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/api-keys',
      family: 'api_keys',
      isAdminOnly: true,
      summary: 'Create an API key (shown once)',
      body: z.object({ name: z.string().trim().min(1).max(100), role: z.enum(API_KEY_ROLES) }),
      bodyExample: { name: 'Reception tablet', role: 'front_desk' },
      status: 201,
      response: z.object({ id: z.string(), key: z.string().describe('Store it now: it is never shown again.'), keyPrefix: z.string(), role: z.enum(API_KEY_ROLES) }),
      async handle({ body, auth }) {
        const created = await createApiKey(prisma, { businessId: auth.businessId, role: body.role, name: body.name });
        return { ...created, role: body.role };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/api-keys/{id}',
      family: 'api_keys',
      isAdminOnly: true,
      summary: 'Revoke an API key',
      params: uuidParamsSchema,
      status: 204,
      errors: [404],
      async handle({ params, auth }) {
        if (!(await revokeApiKey(prisma, { businessId: auth.businessId, keyId: params.id, at: deps.clock.now() }))) {
          throw new ApiError(404, 'not_found', `No active API key "${params.id}" in this business.`);
        }
        return new RouteResponse(204, undefined);
      },
    }),
  ];
}
