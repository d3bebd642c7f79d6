/** /v1/locations: where appointments happen. */
import { z } from 'zod';
import type { PrismaClient } from '../platform/database';
import { toDomainError } from '../platform/errors';
import { uuidParamsSchema } from './common-schemas';
import { deleteLocation, findLocation, insertLocation, listLocations, updateLocation, type LocationRow } from './location-repository';
import { defineRoute, RouteResponse, type AnyApiRoute } from './route-definition';
import { localizedNamesSchema, toLocalizedDto } from './localized-names';

const locationFields = {
  title: z.string().trim().min(1).max(100),
  names: localizedNamesSchema.optional(),
  address: z.string().trim().max(500).nullable().optional(),
  isActive: z.boolean().optional(),
};

/** A location as the API shows it. */
export const locationSchema = z.object({ id: z.string(), title: z.string(), names: z.record(z.string(), z.string()), address: z.string().nullable(), isActive: z.boolean(), createdAt: z.string() });

function toLocationDto(row: LocationRow): z.infer<typeof locationSchema> {
  return { id: row.id, title: row.name, names: toLocalizedDto(row.names), address: row.address, isActive: row.isActive, createdAt: row.createdAt.toISOString() };
}

/** Builds the location routes. */
export function buildLocationRoutes(deps: { prisma: PrismaClient }): AnyApiRoute[] {
  const { prisma } = deps;
  const requireLocation = async (businessId: string, id: string) => {
    const location = await findLocation(prisma, businessId, id);
    if (!location) throw toDomainError('location_not_found', `No location "${id}" in this business. List locations to find valid ids.`);
    return location;
  };
  const toData = ({ title, ...rest }: { title?: string; names?: Record<string, string>; address?: string | null; isActive?: boolean }) => ({ ...rest, ...(title !== undefined ? { name: title } : {}) });

  return [
    defineRoute({
      method: 'get',
      path: '/v1/locations',
      family: 'locations',
      summary: 'List locations',
      status: 200,
      response: z.array(locationSchema),
      async handle({ auth }) {
        return (await listLocations(prisma, auth.businessId)).map(toLocationDto);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/locations/{id}',
      family: 'locations',
      summary: 'Read one location',
      params: uuidParamsSchema,
      status: 200,
      response: locationSchema,
      errors: [404],
      async handle({ params, auth }) {
        return toLocationDto(await requireLocation(auth.businessId, params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/locations',
      family: 'locations',
      summary: 'Add a location',
      body: z.object(locationFields),
      bodyExample: { title: 'City centre', address: 'Gran Vía 10, 28013 Madrid' },
      status: 201,
      response: locationSchema,
      async handle({ body, auth }) {
        return toLocationDto(await insertLocation(prisma, { ...toData(body), name: body.title, businessId: auth.businessId }));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/locations/{id}',
      family: 'locations',
      summary: 'Change a location',
      params: uuidParamsSchema,
      body: z
        .object(locationFields)
        .partial()
        .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one field to change'),
      bodyExample: { address: 'Gran Vía 12, 28013 Madrid' },
      status: 200,
      response: locationSchema,
      errors: [404],
      async handle({ params, body, auth }) {
        const location = await requireLocation(auth.businessId, params.id);
        return toLocationDto(await updateLocation(prisma, location.id, toData(body)));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/locations/{id}',
      family: 'locations',
      summary: 'Delete a location',
      description: 'Appointments at this location keep their time and lose the location.',
      params: uuidParamsSchema,
      status: 204,
      errors: [404],
      async handle({ params, auth }) {
        const location = await requireLocation(auth.businessId, params.id);
        await deleteLocation(prisma, location.id);
        return new RouteResponse(204, undefined);
      },
    }),
  ];
}
