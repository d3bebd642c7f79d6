/**
 * /v1/whatsapp-numbers (admin): the business's WhatsApp numbers. Inbound webhooks are routed by
 * phone_number_id, so it is unique across every business. A number's own access token is stored
 * sealed with DATA_ENCRYPTION_KEY and never returned.
 */
import { z } from 'zod';
import type { PrismaClient } from '../platform/database';
import { sealSecret } from '../platform/secret-box';
import { describeAccessTokenProblem } from '../whatsapp';
import { ApiError } from './api-error';
import { uuidParamsSchema } from './common-schemas';
import { defineRoute, RouteResponse, type AnyApiRoute } from './route-definition';
import { requireEncryptionKey, type SecretSettings } from './secret-settings';
import {
  deleteWhatsAppNumber,
  findWhatsAppNumber,
  insertWhatsAppNumber,
  isPhoneNumberIdTaken,
  listWhatsAppNumbers,
  updateWhatsAppNumber,
  type WhatsAppNumberRow,
} from './whatsapp-number-repository';

const accessTokenSchema = z.string().trim().min(20).max(1000).regex(/^\S+$/, 'must be one token without spaces').describe('Graph API token for this number (system-user token). Write-only.');
const displayPhoneSchema = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +34600000000');
const sendRateSchema = z.number().int().min(1).max(1000).describe('Messages per second this number may send; every outbound message waits for its slot (Meta default throughput: 80).');

/** Body of POST /v1/whatsapp-numbers. */
export const createWhatsAppNumberBodySchema = z.object({
  phoneNumberId: z.string().regex(/^\d{5,64}$/, 'must be the numeric Phone number ID from WhatsApp Manager'),
  displayPhone: displayPhoneSchema.optional(),
  accessToken: accessTokenSchema.optional(),
  sendRatePerSecond: sendRateSchema.optional(),
});

/** Body of PATCH /v1/whatsapp-numbers/{id}. */
export const updateWhatsAppNumberBodySchema = z
  .object({
    displayPhone: displayPhoneSchema.nullable().optional(),
    accessToken: accessTokenSchema.nullable().optional().describe('A new token, or null to use WHATSAPP_ACCESS_TOKEN again.'),
    sendRatePerSecond: sendRateSchema.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one field to change');

/** Whether the number can send, as staff need to see it: its token, its last success, its last set-up failure. */
export const whatsAppNumberStatusSchema = z
  .object({
    tokenSet: z.boolean().describe('true → the number has its own access token; false → it sends with WHATSAPP_ACCESS_TOKEN.'),
    lastSuccessfulSendAt: z.string().nullable().describe('When Meta last accepted a message from this number (updated at most once a minute); null → never.'),
    lastError: z
      .object({
        code: z
          .string()
          .describe(
            'access_token_invalid (characters no Graph token has), access_token_unreadable (DATA_ENCRYPTION_KEY missing or another key), access_token_rejected (Meta refused the token), request_unbuildable.',
          ),
        message: z.string().describe('What went wrong and how to fix it.'),
        at: z.string().describe('When it last happened.'),
        count: z.number().int().describe('How many sends failed with this code (a different code starts again at 1).'),
      })
      .nullable()
      .describe('The last send that failed for a reason of the set-up: each such message failed at once, without retries. Cleared when a new access token is saved. If it is later than lastSuccessfulSendAt, the number is not sending.'),
  })
  .describe('Send status of the number.');

/** A number as the API shows it. */
export const whatsAppNumberSchema = z.object({
  id: z.string(),
  phoneNumberId: z.string(),
  displayPhone: z.string().nullable(),
  hasAccessToken: z.boolean().describe('true → messages from this number use its own token instead of WHATSAPP_ACCESS_TOKEN.'),
  sendRatePerSecond: z.number().int(),
  status: whatsAppNumberStatusSchema,
  createdAt: z.string(),
});

function toNumberDto(row: WhatsAppNumberRow): z.infer<typeof whatsAppNumberSchema> {
  return {
    id: row.id,
    phoneNumberId: row.phoneNumberId,
    displayPhone: row.displayPhone,
    hasAccessToken: row.accessTokenEncrypted !== null,
    sendRatePerSecond: row.sendRatePerSecond,
    status: {
      tokenSet: row.accessTokenEncrypted !== null,
      lastSuccessfulSendAt: row.lastSuccessfulSendAt?.toISOString() ?? null,
      lastError:
        row.lastErrorCode !== null && row.lastErrorAt !== null
          ? { code: row.lastErrorCode, message: row.lastErrorMessage ?? '', at: row.lastErrorAt.toISOString(), count: row.lastErrorCount }
          : null,
    },
    createdAt: row.createdAt.toISOString(),
  };
}

/** Seals a new access token, or answers 422 saying which character no Graph API token has (the token itself is never echoed). */
function sealAccessToken(deps: SecretSettings, token: string): string {
  const problem = describeAccessTokenProblem(token);
  if (problem) {
    throw new ApiError(422, 'invalid_access_token', `accessToken ${problem}.`, [{ in: 'body', field: 'accessToken', message: problem }]);
  }
  return sealSecret(requireEncryptionKey(deps, 'an access token'), token);
}

/** A new token (or none) makes the last set-up failure history: it was about the old one. */
const CLEARED_ERROR = { lastErrorCode: null, lastErrorMessage: null, lastErrorAt: null, lastErrorCount: 0 } as const;

/** Builds the WhatsApp number routes. */
export function buildWhatsAppNumberRoutes(deps: { prisma: PrismaClient } & SecretSettings): AnyApiRoute[] {
  const { prisma } = deps;
  const requireNumber = async (businessId: string, id: string) => {
    const row = await findWhatsAppNumber(prisma, businessId, id);
    if (!row) throw new ApiError(404, 'not_found', `No WhatsApp number "${id}" in this business. List /v1/whatsapp-numbers to find valid ids.`);
    return row;
  };
  const takenError = (phoneNumberId: string) =>
    new ApiError(409, 'phone_number_id_taken', `Phone number ID ${phoneNumberId} is already connected to a business on this server. Remove it there first.`);

  return [
    defineRoute({
      method: 'get',
      path: '/v1/whatsapp-numbers',
      family: 'settings',
      isAdminOnly: true,
      summary: 'List WhatsApp numbers',
      status: 200,
      response: z.array(whatsAppNumberSchema),
      async handle({ auth }) {
        return (await listWhatsAppNumbers(prisma, auth.businessId)).map(toNumberDto);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/whatsapp-numbers/{id}',
      family: 'settings',
      isAdminOnly: true,
      summary: 'Read one WhatsApp number',
      params: uuidParamsSchema,
      status: 200,
      response: whatsAppNumberSchema,
      errors: [404],
      async handle({ params, auth }) {
        return toNumberDto(await requireNumber(auth.businessId, params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/whatsapp-numbers',
      family: 'settings',
      isAdminOnly: true,
      summary: 'Connect a WhatsApp number',
      description:
        'phoneNumberId is unique across all businesses (409 when taken). accessToken is stored encrypted (needs DATA_ENCRYPTION_KEY, else 409) and never returned; a token with characters no Graph API token has (anything but printable ASCII) answers 422 invalid_access_token.',
      body: createWhatsAppNumberBodySchema,
      bodyExample: { phoneNumberId: '106540352242922', displayPhone: '+34910000000', accessToken: 'EAAG-example-system-user-token-0123456789', sendRatePerSecond: 80 },
      status: 201,
      response: whatsAppNumberSchema,
      errors: [409, 422],
      async handle({ body, auth }) {
        const sealed = body.accessToken === undefined ? null : sealAccessToken(deps, body.accessToken);
        if (await isPhoneNumberIdTaken(prisma, body.phoneNumberId)) throw takenError(body.phoneNumberId);
        try {
          return toNumberDto(
            await insertWhatsAppNumber(prisma, {
              businessId: auth.businessId,
              phoneNumberId: body.phoneNumberId,
              displayPhone: body.displayPhone ?? null,
              accessTokenEncrypted: sealed,
              ...(body.sendRatePerSecond === undefined ? {} : { sendRatePerSecond: body.sendRatePerSecond }),
            }),
          );
        } catch (error) {
          // Two businesses racing for one number: the unique index decides.
          if ((error as { code?: unknown })?.code === 'P2002') throw takenError(body.phoneNumberId);
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/whatsapp-numbers/{id}',
      family: 'settings',
      isAdminOnly: true,
      summary: 'Change a WhatsApp number (display phone, access token, send rate)',
      description: 'A new accessToken (or null) clears status.lastError. A token with characters no Graph API token has answers 422 invalid_access_token.',
      params: uuidParamsSchema,
      body: updateWhatsAppNumberBodySchema,
      bodyExample: { sendRatePerSecond: 20, accessToken: null },
      status: 200,
      response: whatsAppNumberSchema,
      errors: [404, 409, 422],
      async handle({ params, body, auth }) {
        const row = await requireNumber(auth.businessId, params.id);
        const { accessToken, ...fields } = body;
        const tokenChange = accessToken === undefined ? {} : { accessTokenEncrypted: accessToken === null ? null : sealAccessToken(deps, accessToken), ...CLEARED_ERROR };
        return toNumberDto(await updateWhatsAppNumber(prisma, row.id, { ...fields, ...tokenChange }));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/whatsapp-numbers/{id}',
      family: 'settings',
      isAdminOnly: true,
      summary: 'Disconnect a WhatsApp number',
      description: 'Webhooks for its phone_number_id stop reaching this business (within 30 s: routes are cached that long); messages already sent stay in the history.',
      params: uuidParamsSchema,
      status: 204,
      errors: [404],
      async handle({ params, auth }) {
        if (!(await deleteWhatsAppNumber(prisma, auth.businessId, params.id))) {
          throw new ApiError(404, 'not_found', `No WhatsApp number "${params.id}" in this business. List /v1/whatsapp-numbers to find valid ids.`);
        }
        return new RouteResponse(204, undefined);
      },
    }),
  ];
}
