/** /v1/services: the bookable services of the business (at most 20 active, like a WhatsApp list). */
import { z } from 'zod';
import type { Db, PrismaClient } from '../platform/database';
import { toDomainError } from '../platform/errors';
import { ApiError } from './api-error';
import { idOrUidParamsSchema, idOrUidSchema, queryBooleanSchema, uuidSchema } from './common-schemas';
import { defineRoute, RouteResponse, type AnyApiRoute } from './route-definition';
import { localizedNamesSchema, toLocalizedDto } from './localized-names';
import {
  countActiveServices,
  countStaffOfBusiness,
  deleteService,
  findBusinessCurrency,
  findNextSortOrder,
  findService,
  findServiceIds,
  isAnyAnAddOn,
  offersAddOns,
  hasBookingsOfService,
  replaceAddOnOf,
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
  addOnOf: z
    .array(idOrUidSchema)
    .max(20)
    .optional()
    .describe('Makes this service an add-on of these services (ids or uids; replaces the list; [] makes it a service of its own again). An add-on is offered only with them, never alone, in WhatsApp.'),
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
  isAddOn: z.boolean().describe('True when it is an add-on of other services (addOnOf is not empty).'),
  addOnOf: z.array(z.string()).describe('Ids of the services this one is an add-on of.'),
  addOnServiceIds: z.array(z.string()).describe('Ids of the add-ons offered with this service.'),
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
    isAddOn: row.addOnOf.length > 0,
    addOnOf: row.addOnOf.map((link) => link.serviceId).sort(),
    addOnServiceIds: row.addOns.map((link) => link.addOnId).sort(),
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

  /** The main services an add-on is attached to, as ids; refuses unknown ones, itself, and add-ons. */
  async function resolveAddOnOf(db: Db, businessId: string, addOnOf: string[] | undefined, self?: { id: string; uid: string }): Promise<string[] | undefined> {
    if (!addOnOf) return undefined;
    const refs = [...new Set(addOnOf)];
    const found = await findServiceIds(db, businessId, refs);
    const unknown = refs.filter((ref) => !found.some((service) => service.id === ref || service.uid === ref));
    if (unknown.length > 0) throw toDomainError('service_not_found', `addOnOf names no service "${unknown.join('", "')}" of this business. List services to find valid ids.`);
    const ids = [...new Set(found.map((service) => service.id))];
    if (self && ids.includes(self.id)) throw new ApiError(422, 'add_on_not_available', 'A service cannot be an add-on of itself. Remove its own id from addOnOf.');
    if (await isAnyAnAddOn(db, ids)) {
      throw new ApiError(422, 'add_on_not_available', 'addOnOf names a service that is an add-on itself; an add-on belongs to main services only.');
    }
    if (ids.length > 0 && self && (await offersAddOns(db, self.id))) {
      throw new ApiError(422, 'add_on_not_available', `Service "${self.uid}" offers add-ons of its own, so it cannot be an add-on. Remove it from the other services' add-ons first.`);
    }
    return ids;
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
      bodyExample: { uid: 'fluoride', name: 'Fluoride varnish', durationMinutes: 15, sellingPrice: 20, addOnOf: ['cleaning'] },
      status: 201,
      response: serviceSchema,
      errors: [404, 409],
      async handle({ body, auth }) {
        await ensureStaffOfBusiness(auth.businessId, body.staffIds);
        const currency = body.currency ?? (await findBusinessCurrency(prisma, auth.businessId));
        const { staffIds, sellingPrice, addOnOf, ...fields } = body;
        const id = await prisma.$transaction(async (tx) => {
          await lockServicesOfBusiness(tx, auth.businessId);
          const mainServiceIds = await resolveAddOnOf(tx, auth.businessId, addOnOf);
          // Add-ons are not rows of the WhatsApp service list, so they do not count.
          if (fields.isActive !== false && !mainServiceIds?.length) ensureActiveLimit(await countActiveServices(tx, auth.businessId));
          const sortOrder = fields.sortOrder ?? (await findNextSortOrder(tx, auth.businessId));
          const created = await insertService(tx, { ...fields, sortOrder, businessId: auth.businessId, price: sellingPrice.toFixed(2), currency });
          if (staffIds) await replaceServiceStaff(tx, { businessId: auth.businessId, serviceId: created.id, staffIds: [...new Set(staffIds)] });
          if (mainServiceIds) await replaceAddOnOf(tx, { addOnId: created.id, serviceIds: mainServiceIds });
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
        const { staffIds, sellingPrice, addOnOf, ...fields } = body;
        await prisma.$transaction(async (tx) => {
          await lockServicesOfBusiness(tx, auth.businessId);
          const mainServiceIds = await resolveAddOnOf(tx, auth.businessId, addOnOf, service);
          const wasListed = service.isActive && service.addOnOf.length === 0;
          const isListed = (fields.isActive ?? service.isActive) && (mainServiceIds ?? service.addOnOf).length === 0;
          if (isListed && !wasListed) ensureActiveLimit(await countActiveServices(tx, auth.businessId, service.id));
          await updateService(tx, service.id, { ...fields, ...(sellingPrice !== undefined ? { price: sellingPrice.toFixed(2) } : {}) });
          if (staffIds) await replaceServiceStaff(tx, { businessId: auth.businessId, serviceId: service.id, staffIds: [...new Set(staffIds)] });
          if (mainServiceIds) await replaceAddOnOf(tx, { addOnId: service.id, serviceIds: mainServiceIds });
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
