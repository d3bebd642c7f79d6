/** /v1/clients: the business's customers, identified by their WhatsApp number. */
import { z } from 'zod';
import type { Clock } from '../platform/clock';
import type { PrismaClient } from '../platform/database';
import { toDomainError } from '../platform/errors';
import { ApiError } from './api-error';
import {
  countUpcomingActiveBookings,
  eraseClient,
  findClient,
  findClientByUserId,
  findClientByWaId,
  insertClient,
  listClients,
  lockClient,
  updateClient,
  type ClientRow,
} from './client-repository';
import { paginationQueryShape, timeZoneSchema, toPageSchema, toPagination, uuidParamsSchema } from './common-schemas';
import { toE164 } from './phone-number';
import { defineRoute, RouteResponse, type AnyApiRoute } from './route-definition';

const localeSchema = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a language tag such as es or pt-BR');

/** A WhatsApp business-scoped user id as Meta sends it: `<ISO country>.<alphanumerics>`. */
const userIdSchema = z
  .string()
  .max(128)
  .regex(/^[A-Z]{2}\.[A-Za-z0-9.]+$/, 'must be a WhatsApp business-scoped user id such as US.13491208655302741918')
  .describe('Business-scoped user id of a customer known by their WhatsApp username (no phone number).');

/** Body of POST /v1/clients: a phone number (countryCode + phone) or a business-scoped user id. */
export const createClientBodySchema = z
  .object({
    fullName: z.string().trim().min(1).max(200),
    countryCode: z.string().regex(/^\+?\d{1,4}$/, 'must be a country calling code such as +34').optional(),
    phone: z.string().regex(/^[\d\s()-]{4,20}$/, 'must be a phone number of digits (spaces, dashes and brackets allowed)').optional(),
    userId: userIdSchema.optional(),
    locale: localeSchema.optional(),
    timeZone: timeZoneSchema.optional(),
  })
  .refine((body) => (body.countryCode !== undefined && body.phone !== undefined && body.userId === undefined) || (body.userId !== undefined && body.countryCode === undefined && body.phone === undefined), {
    message: 'give countryCode and phone, or userId (a customer known only by their WhatsApp username), not both',
  });

/** Body of PATCH /v1/clients/{id}. */
export const updateClientBodySchema = z
  .object({
    fullName: z.string().trim().min(1).max(200).optional(),
    locale: localeSchema.nullable().optional(),
    timeZone: timeZoneSchema.nullable().optional(),
    isOptedOut: z.boolean().optional().describe('true → no reminders or follow-ups are sent.'),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one field to change');

/** A client as the API shows it. */
export const clientSchema = z.object({
  id: z.string(),
  fullName: z.string().nullable(),
  phone: z.string().nullable(),
  waId: z.string().describe('The address messages go to: the phone number when known, else the business-scoped user id.'),
  userId: z.string().nullable().describe('WhatsApp business-scoped user id, once known.'),
  username: z.string().nullable().describe('WhatsApp username, when the customer has one.'),
  locale: z.string().nullable(),
  timeZone: z.string().nullable(),
  isOptedOut: z.boolean(),
  lastMessageAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

function toClientDto(row: ClientRow): z.infer<typeof clientSchema> {
  return {
    id: row.id,
    fullName: row.name,
    phone: row.phoneE164,
    waId: row.waId,
    userId: row.userId,
    username: row.username,
    locale: row.locale,
    timeZone: row.timeZone,
    isOptedOut: row.isOptedOut,
    lastMessageAt: row.lastInboundAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Builds the client routes. */
export function buildClientRoutes(deps: { prisma: PrismaClient; clock: Clock }): AnyApiRoute[] {
  const { prisma } = deps;
  const requireClient = async (businessId: string, id: string) => {
    const client = await findClient(prisma, businessId, id);
    if (!client) throw toDomainError('customer_not_found', `No client "${id}" in this business. List clients to find valid ids.`);
    return client;
  };

  return [
    defineRoute({
      method: 'get',
      path: '/v1/clients',
      family: 'clients',
      summary: 'List clients',
      query: z.object({ ...paginationQueryShape, search: z.string().trim().min(1).max(100).optional().describe('Part of the name, phone number or WhatsApp username, or a whole business-scoped user id.') }),
      status: 200,
      response: toPageSchema(clientSchema),
      async handle({ query, auth }) {
        const { rows, total } = await listClients(prisma, { businessId: auth.businessId, search: query.search, skip: (query.page - 1) * query.limit, take: query.limit });
        return { data: rows.map(toClientDto), pagination: toPagination({ page: query.page, limit: query.limit, totalItems: total }) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/clients/{id}',
      family: 'clients',
      summary: 'Read one client',
      params: uuidParamsSchema,
      status: 200,
      response: clientSchema,
      errors: [404],
      async handle({ params, auth }) {
        return toClientDto(await requireClient(auth.businessId, params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/clients',
      family: 'clients',
      summary: 'Add a client',
      description: 'Identify the client by countryCode + phone, or by userId for a customer known only by their WhatsApp username. A client with the same number or user id already exists → 409 with its id in details.',
      body: createClientBodySchema,
      bodyExample: { fullName: 'Maria Lopez', countryCode: '+34', phone: '611 222 333', locale: 'es' },
      status: 201,
      response: clientSchema,
      errors: [409],
      async handle({ body, auth }) {
        if (body.userId !== undefined) {
          const existing = await findClientByUserId(prisma, auth.businessId, body.userId);
          if (existing) throw new ApiError(409, 'conflict', `A client with WhatsApp user id ${body.userId} already exists. Update it instead.`, { clientId: existing.id });
          return toClientDto(
            await insertClient(prisma, { businessId: auth.businessId, waId: body.userId, userId: body.userId, name: body.fullName, locale: body.locale ?? null, timeZone: body.timeZone ?? null }),
          );
        }
        const number = toE164({ countryCode: body.countryCode!, phone: body.phone! });
        if (!number) {
          throw new ApiError(400, 'invalid_request', 'The request is not valid; see details for each field.', [
            { in: 'body', field: 'phone', message: 'countryCode + phone must make an international number of 8–15 digits' },
          ]);
        }
        const existing = await findClientByWaId(prisma, auth.businessId, number.waId);
        if (existing) throw new ApiError(409, 'conflict', `A client with ${number.phoneE164} already exists. Update it instead.`, { clientId: existing.id });
        return toClientDto(
          await insertClient(prisma, { businessId: auth.businessId, ...number, name: body.fullName, locale: body.locale ?? null, timeZone: body.timeZone ?? null }),
        );
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/clients/{id}',
      family: 'clients',
      summary: 'Change a client',
      params: uuidParamsSchema,
      body: updateClientBodySchema,
      bodyExample: { fullName: 'María López', locale: 'es' },
      status: 200,
      response: clientSchema,
      errors: [404],
      async handle({ params, body, auth }) {
        const client = await requireClient(auth.businessId, params.id);
        const { fullName, isOptedOut, ...rest } = body;
        return toClientDto(
          await updateClient(prisma, client.id, {
            ...rest,
            ...(fullName !== undefined ? { name: fullName } : {}),
            ...(isOptedOut !== undefined ? { isOptedOut, optedOutAt: isOptedOut ? deps.clock.now() : null } : {}),
          }),
        );
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/clients/{id}',
      family: 'clients',
      isAdminOnly: true,
      summary: 'Delete a client and their messages (erasure)',
      description:
        'Refused with 409 while the client has upcoming active appointments: cancel them first. Deletes the client, their conversation and every inbound and outbound message. Past appointments stay for your records, shown as "Deleted client", with notes, metadata and reasons removed.',
      params: uuidParamsSchema,
      status: 204,
      errors: [404, 409],
      async handle({ params, auth }) {
        await prisma.$transaction(async (tx) => {
          await lockClient(tx, params.id);
          const client = await findClient(tx, auth.businessId, params.id);
          if (!client) throw toDomainError('customer_not_found', `No client "${params.id}" in this business. List clients to find valid ids.`);
          const upcoming = await countUpcomingActiveBookings(tx, { businessId: auth.businessId, clientId: client.id, now: deps.clock.now() });
          if (upcoming > 0) {
            throw new ApiError(409, 'client_has_upcoming_appointments', `This client has ${upcoming} upcoming appointment(s). Cancel them first, then delete the client.`, {
              upcomingAppointments: upcoming,
            });
          }
          await eraseClient(tx, { businessId: auth.businessId, clientId: client.id, waId: client.waId });
        });
        return new RouteResponse(204, undefined);
      },
    }),
  ];
}
