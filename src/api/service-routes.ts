/** /v1/services: the bookable services of the business (at most 20 active, like a WhatsApp list). */
import { z } from 'zod';
import type { PrismaClient } from '../platform/database';
import { toDomainError } from '../platform/errors';
import { ApiError } from './api-error';
import { idOrUidParamsSchema, queryBooleanSchema, uuidSchema } from './common-schemas';
import { defineRoute, RouteResponse, type AnyApiRoute } from './route-definition';
import { localizedNamesSchema, toLocalizedDto } from './localized-names';
import {
  countActiveServices,
  countStaffOfBusiness,
  deleteService,
  findBusinessCurrency,
  findNextSortOrder,
  findService,
  hasBookingsOfService,
  insertService,
  listServices,
  lockServicesOfBusiness,
  replaceServiceStaff,
  updateService,
  type ServiceView,
} from './service-repository';

/** WhatsApp list messages show at most this many rows; the bot offers every active service in one list. */
export const MAX_ACTIVE_SERVICES = 20;

const serviceFields = {
  uid: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/, 'must be 1–50 letters, digits, _ or -').describe('Your own identifier, usable instead of the id.'),
  name: z.string().trim().min(1).max(100),
  names: localizedNamesSchema.optional(),
  description: z.string().max(1000).nullable().optional(),
  durationMinutes: z.number().int().min(5).max(1440),
  sellingPrice: z.number().min(0).max(9_999_999_999).multipleOf(0.01, 'must have at most 2 decimals'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR').optional().describe('Default: the business currency.'),
  bufferBeforeMinutes: z.number().int().min(0).max(240).optional(),
  bufferAfterMinutes: z.number().int().min(0).max(240).optional(),
  isActive: z.boolean().optional(),
  sortOrder: z.number().int().min(0).max(10_000).optional(),
  staffIds: z.array(uuidSchema).max(200).optional().describe('Staff who perform it (replaces the list).'),
};

/** Body of POST /v1/services. */
export const createServiceBodySchema = z.object(serviceFields);
/** Body of PATCH /v1/services/{id}. */
export const updateServiceBodySchema = z
  .object(serviceFields)
  .partial()
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one field to change');

/** A service as the API shows it. */
export const serviceSchema = z.object({
  id: z.string(),
  uid: z.string(),
  name: z.string(),
  names: z.record(z.string(), z.string()),
  description: z.string().nullable(),
  durationMinutes: z.number().int(),
  sellingPrice: z.number(),
  currency: z.string(),
  bufferBeforeMinutes: z.number().int(),
  bufferAfterMinutes: z.number().int(),
  isActive: z.boolean(),
  sortOrder: z.number().int(),
  staffIds: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

function toServiceDto(row: ServiceView): z.infer<typeof serviceSchema> {
  return {
    id: row.id,
    uid: row.uid,
    name: row.name,
    names: toLocalizedDto(row.names),
    description: row.description,
    durationMinutes: row.durationMinutes,
    sellingPrice: Number(row.price.toFixed(2)),
    currency: row.currency,
    bufferBeforeMinutes: row.bufferBeforeMinutes,
    bufferAfterMinutes: row.bufferAfterMinutes,
    isActive: row.isActive,
    sortOrder: row.sortOrder,
    staffIds: row.staff.map((s) => s.staffId).sort(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Builds the service routes. */
export function buildServiceRoutes(deps: { prisma: PrismaClient }): AnyApiRoute[] {
  const { prisma } = deps;

  async function requireService(businessId: string, idOrUid: string): Promise<ServiceView> {
    const service = await findService(prisma, businessId, idOrUid);
    if (!service) throw toDomainError('service_not_found', `No service "${idOrUid}" in this business. List services to find valid ids.`);
    return service;
  }

  async function ensureStaffOfBusiness(businessId: string, staffIds: string[] | undefined) {
    if (!staffIds || staffIds.length === 0) return;
    const unique = [...new Set(staffIds)];
    if ((await countStaffOfBusiness(prisma, businessId, unique)) !== unique.length) {
      throw toDomainError('staff_not_found', 'One of staffIds is not a staff member of this business. List staff to find valid ids.');
    }
  }

  function ensureActiveLimit(activeCount: number) {
    if (activeCount >= MAX_ACTIVE_SERVICES) {
      throw toDomainError('too_many_active_services', `A business can have at most ${MAX_ACTIVE_SERVICES} active services (one WhatsApp list). Deactivate one first.`, {
        limit: MAX_ACTIVE_SERVICES,
      });
    }
  }

  return [
    defineRoute({
      method: 'get',
      path: '/v1/services',
      family: 'services',
      summary: 'List services',
      query: z.object({ isActive: queryBooleanSchema.optional() }),
      status: 200,
      response: z.array(serviceSchema),
      async handle({ query, auth }) {
        return (await listServices(prisma, { businessId: auth.businessId, isActive: query.isActive })).map(toServiceDto);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/services/{id}',
      family: 'services',
      summary: 'Read one service (by id or uid)',
      params: idOrUidParamsSchema,
      status: 200,
      response: serviceSchema,
      errors: [404],
      async handle({ params, auth }) {
        return toServiceDto(await requireService(auth.businessId, params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/services',
      family: 'services',
      summary: 'Create a service',
      body: createServiceBodySchema,
      bodyExample: { uid: 'cleaning', name: 'Dental cleaning', durationMinutes: 45, sellingPrice: 70, bufferAfterMinutes: 15 },
      status: 201,
      response: serviceSchema,
      errors: [404, 409],
      async handle({ body, auth }) {
        await ensureStaffOfBusiness(auth.businessId, body.staffIds);
        const currency = body.currency ?? (await findBusinessCurrency(prisma, auth.businessId));
        const { staffIds, sellingPrice, ...fields } = body;
        const id = await prisma.$transaction(async (tx) => {
          await lockServicesOfBusiness(tx, auth.businessId);
          if (fields.isActive !== false) ensureActiveLimit(await countActiveServices(tx, auth.businessId));
          const sortOrder = fields.sortOrder ?? (await findNextSortOrder(tx, auth.businessId));
          const created = await insertService(tx, { ...fields, sortOrder, businessId: auth.businessId, price: sellingPrice.toFixed(2), currency });
          if (staffIds) await replaceServiceStaff(tx, { businessId: auth.businessId, serviceId: created.id, staffIds: [...new Set(staffIds)] });
          return created.id;
        });
        return toServiceDto(await requireService(auth.businessId, id));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/services/{id}',
      family: 'services',
      summary: 'Change a service',
      params: idOrUidParamsSchema,
      body: updateServiceBodySchema,
      bodyExample: { sellingPrice: 65, isActive: true },
      status: 200,
      response: serviceSchema,
      errors: [404, 409],
      async handle({ params, body, auth }) {
        const service = await requireService(auth.businessId, params.id);
        await ensureStaffOfBusiness(auth.businessId, body.staffIds);
        const { staffIds, sellingPrice, ...fields } = body;
        await prisma.$transaction(async (tx) => {
          await lockServicesOfBusiness(tx, auth.businessId);
          if (fields.isActive === true && !service.isActive) ensureActiveLimit(await countActiveServices(tx, auth.businessId, service.id));
          await updateService(tx, service.id, { ...fields, ...(sellingPrice !== undefined ? { price: sellingPrice.toFixed(2) } : {}) });
          if (staffIds) await replaceServiceStaff(tx, { businessId: auth.businessId, serviceId: service.id, staffIds: [...new Set(staffIds)] });
        });
        return toServiceDto(await requireService(auth.businessId, service.id));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/services/{id}',
      family: 'services',
      summary: 'Delete a service that was never booked',
      description: 'A service with bookings answers 409: deactivate it with PATCH {"isActive": false} instead, so its history stays readable.',
      params: idOrUidParamsSchema,
      status: 204,
      errors: [404, 409],
      async handle({ params, auth }) {
        const service = await requireService(auth.businessId, params.id);
        if (await hasBookingsOfService(prisma, service.id)) {
          throw new ApiError(409, 'conflict', `Service "${service.uid}" has bookings. Deactivate it with PATCH {"isActive": false} instead.`);
        }
        await deleteService(prisma, service.id);
        return new RouteResponse(204, undefined);
      },
    }),
  ];
}
