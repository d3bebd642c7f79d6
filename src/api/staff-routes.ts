/** /v1/staff: staff members, the services they perform, weekly hours and date overrides. */
import { z } from 'zod';
import type { PrismaClient } from '../platform/database';
import { toDomainError } from '../platform/errors';
import { toEndMinute } from '../scheduling';
import { ApiError } from './api-error';
import { localDateSchema, localTimeSchema, queryBooleanSchema, uuidParamsSchema, uuidSchema } from './common-schemas';
import { defineRoute, RouteResponse, type AnyApiRoute } from './route-definition';
import {
  countServicesOfBusiness,
  deleteDateOverride,
  deleteStaff,
  findStaff,
  hasBookingsOfStaff,
  insertDateOverride,
  insertStaff,
  listDateOverrides,
  listStaff,
  listWorkingHours,
  replaceStaffServices,
  replaceWorkingHours,
  updateStaff,
  type StaffView,
} from './staff-repository';
import { toMinutes, toStoredRanges, toTimeText, toWeeklySchedule, WEEKDAY_NAMES, type WeekdayName } from './working-hours-format';
import { localizedNamesSchema, toLocalizedDto } from './localized-names';

const staffFields = {
  name: z.string().trim().min(1).max(100),
  names: localizedNamesSchema.optional(),
  whatsappNumber: z.string().regex(/^\+[1-9]\d{7,14}$/, 'must be an E.164 number such as +34600000001').nullable().optional().describe('For staff notifications.'),
  isActive: z.boolean().optional(),
  serviceIds: z.array(uuidSchema).max(200).optional().describe('Services they perform (replaces the list).'),
};

/** Body of POST /v1/staff. */
export const createStaffBodySchema = z.object(staffFields);
/** Body of PATCH /v1/staff/{id}. */
export const updateStaffBodySchema = z
  .object(staffFields)
  .partial()
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one field to change');

/** A staff member as the API shows it. */
export const staffSchema = z.object({
  id: z.string(),
  name: z.string(),
  names: z.record(z.string(), z.string()),
  whatsappNumber: z.string().nullable(),
  isActive: z.boolean(),
  serviceIds: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** The most working-hour ranges of one weekday. */
export const MAX_RANGES_PER_DAY = 10;

const endTimeSchema = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a time in the HH:mm format (00:00–24:00)');
const rangeSchema = z.object({ start: localTimeSchema, end: endTimeSchema });

/** Weekly hours: each weekday's HH:mm ranges; an end before the start crosses midnight. */
export const weeklyHoursSchema = z.object(
  Object.fromEntries(WEEKDAY_NAMES.map((name) => [name, z.array(rangeSchema).max(MAX_RANGES_PER_DAY).optional()])) as Record<WeekdayName, z.ZodOptional<z.ZodArray<typeof rangeSchema>>>,
);
const weeklyHoursResponseSchema = z.object(
  Object.fromEntries(WEEKDAY_NAMES.map((name) => [name, z.array(z.object({ start: z.string(), end: z.string() }))])) as Record<WeekdayName, z.ZodArray<z.ZodObject<{ start: z.ZodString; end: z.ZodString }>>>,
);

/** Body of POST /v1/staff/{id}/date-overrides. */
export const dateOverrideBodySchema = z
  .object({
    date: localDateSchema,
    isClosed: z.boolean().describe('true → not working that day; false → working startTime–endTime instead of the weekly hours.'),
    startTime: localTimeSchema.optional(),
    endTime: endTimeSchema.optional(),
    note: z.string().max(200).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.isClosed && (body.startTime || body.endTime)) ctx.addIssue({ code: 'custom', path: ['startTime'], message: 'leave out times for a closed day' });
    if (!body.isClosed) {
      if (!body.startTime) ctx.addIssue({ code: 'custom', path: ['startTime'], message: 'is required when isClosed is false' });
      if (!body.endTime) ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'is required when isClosed is false' });
      if (body.startTime && body.endTime && toMinutes(body.endTime) <= toMinutes(body.startTime)) {
        ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'must be after startTime' });
      }
    }
  });

/** A date override as the API shows it. */
export const dateOverrideSchema = z.object({
  id: z.string(),
  date: z.string(),
  isClosed: z.boolean(),
  startTime: z.string().nullable(),
  endTime: z.string().nullable(),
  note: z.string().nullable(),
});

function toStaffDto(row: StaffView): z.infer<typeof staffSchema> {
  return {
    id: row.id,
    name: row.name,
    names: toLocalizedDto(row.names),
    whatsappNumber: row.whatsappNumber,
    isActive: row.isActive,
    serviceIds: row.services.map((s) => s.serviceId).sort(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Builds the staff routes. */
export function buildStaffRoutes(deps: { prisma: PrismaClient }): AnyApiRoute[] {
  const { prisma } = deps;

  async function requireStaff(businessId: string, staffId: string): Promise<StaffView> {
    const staff = await findStaff(prisma, businessId, staffId);
    if (!staff) throw toDomainError('staff_not_found', `No staff member "${staffId}" in this business. List staff to find valid ids.`);
    return staff;
  }

  async function ensureServicesOfBusiness(businessId: string, serviceIds: string[] | undefined): Promise<string[] | undefined> {
    if (!serviceIds) return undefined;
    const unique = [...new Set(serviceIds)];
    if (unique.length > 0 && (await countServicesOfBusiness(prisma, businessId, unique)) !== unique.length) {
      throw toDomainError('service_not_found', 'One of serviceIds is not a service of this business. List services to find valid ids.');
    }
    return unique;
  }

  const staffIdParams = uuidParamsSchema;

  return [
    defineRoute({
      method: 'get',
      path: '/v1/staff',
      family: 'staff',
      summary: 'List staff',
      query: z.object({ isActive: queryBooleanSchema.optional() }),
      status: 200,
      response: z.array(staffSchema),
      async handle({ query, auth }) {
        return (await listStaff(prisma, { businessId: auth.businessId, isActive: query.isActive })).map(toStaffDto);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/staff/{id}',
      family: 'staff',
      summary: 'Read one staff member',
      params: staffIdParams,
      status: 200,
      response: staffSchema,
      errors: [404],
      async handle({ params, auth }) {
        return toStaffDto(await requireStaff(auth.businessId, params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/staff',
      family: 'staff',
      summary: 'Add a staff member',
      body: createStaffBodySchema,
      bodyExample: { name: 'Dr. Lena Park', whatsappNumber: '+34600000009' },
      status: 201,
      response: staffSchema,
      errors: [404],
      async handle({ body, auth }) {
        const serviceIds = await ensureServicesOfBusiness(auth.businessId, body.serviceIds);
        const { serviceIds: _ignored, ...fields } = body;
        const id = await prisma.$transaction(async (tx) => {
          const created = await insertStaff(tx, { ...fields, businessId: auth.businessId });
          if (serviceIds) await replaceStaffServices(tx, { businessId: auth.businessId, staffId: created.id, serviceIds });
          return created.id;
        });
        return toStaffDto(await requireStaff(auth.businessId, id));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/staff/{id}',
      family: 'staff',
      summary: 'Change a staff member',
      params: staffIdParams,
      body: updateStaffBodySchema,
      bodyExample: { isActive: false },
      status: 200,
      response: staffSchema,
      errors: [404],
      async handle({ params, body, auth }) {
        const staff = await requireStaff(auth.businessId, params.id);
        const serviceIds = await ensureServicesOfBusiness(auth.businessId, body.serviceIds);
        const { serviceIds: _ignored, ...fields } = body;
        await prisma.$transaction(async (tx) => {
          await updateStaff(tx, staff.id, fields);
          if (serviceIds) await replaceStaffServices(tx, { businessId: auth.businessId, staffId: staff.id, serviceIds });
        });
        return toStaffDto(await requireStaff(auth.businessId, staff.id));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/staff/{id}',
      family: 'staff',
      summary: 'Delete a staff member who has no bookings',
      description: 'A staff member with bookings answers 409: deactivate them with PATCH {"isActive": false} instead.',
      params: staffIdParams,
      status: 204,
      errors: [404, 409],
      async handle({ params, auth }) {
        const staff = await requireStaff(auth.businessId, params.id);
        if (await hasBookingsOfStaff(prisma, staff.id)) {
          throw new ApiError(409, 'conflict', `${staff.name} has bookings. Deactivate with PATCH {"isActive": false} instead.`);
        }
        await deleteStaff(prisma, staff.id);
        return new RouteResponse(204, undefined);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/staff/{id}/services',
      family: 'staff',
      summary: 'Services a staff member performs',
      params: staffIdParams,
      status: 200,
      response: z.object({ serviceIds: z.array(z.string()) }),
      errors: [404],
      async handle({ params, auth }) {
        return { serviceIds: toStaffDto(await requireStaff(auth.businessId, params.id)).serviceIds };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/v1/staff/{id}/services',
      family: 'staff',
      summary: 'Replace the services a staff member performs',
      params: staffIdParams,
      body: z.object({ serviceIds: z.array(uuidSchema).max(200) }),
      bodyExample: { serviceIds: ['3f1c2a7e-5b8d-4c1a-9e2f-6d7b8a9c0d1e'] },
      status: 200,
      response: z.object({ serviceIds: z.array(z.string()) }),
      errors: [404],
      async handle({ params, body, auth }) {
        const staff = await requireStaff(auth.businessId, params.id);
        const serviceIds = (await ensureServicesOfBusiness(auth.businessId, body.serviceIds))!;
        await prisma.$transaction((tx) => replaceStaffServices(tx, { businessId: auth.businessId, staffId: staff.id, serviceIds }));
        return { serviceIds: [...serviceIds].sort() };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/staff/{id}/working-hours',
      family: 'staff',
      summary: 'Weekly working hours (business zone)',
      params: staffIdParams,
      status: 200,
      response: weeklyHoursResponseSchema,
      errors: [404],
      async handle({ params, auth }) {
        const staff = await requireStaff(auth.businessId, params.id);
        return toWeeklySchedule(await listWorkingHours(prisma, { businessId: auth.businessId, staffId: staff.id }));
      },
    }),
    defineRoute({
      method: 'put',
      path: '/v1/staff/{id}/working-hours',
      family: 'staff',
      summary: 'Replace the weekly working hours',
      description: 'Local times in the business zone. A weekday left out or [] is a day off. An end before the start crosses midnight.',
      params: staffIdParams,
      body: weeklyHoursSchema,
      bodyExample: { monday: [{ start: '09:00', end: '13:00' }, { start: '14:00', end: '18:00' }], saturday: [{ start: '10:00', end: '14:00' }] },
      status: 200,
      response: weeklyHoursResponseSchema,
      errors: [404],
      async handle({ params, body, auth }) {
        const staff = await requireStaff(auth.businessId, params.id);
        const stored = toStoredRanges(body);
        if (!stored.ok) throw new ApiError(400, 'invalid_request', 'The request is not valid; see details for each field.', [{ in: 'body', field: stored.field, message: stored.message }]);
        await prisma.$transaction((tx) => replaceWorkingHours(tx, { businessId: auth.businessId, staffId: staff.id, ranges: stored.ranges }));
        return toWeeklySchedule(stored.ranges);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/staff/{id}/date-overrides',
      family: 'staff',
      summary: 'Date overrides (days off, special hours)',
      params: staffIdParams,
      query: z.object({ from: localDateSchema.optional(), to: localDateSchema.optional() }),
      status: 200,
      response: z.array(dateOverrideSchema),
      errors: [404],
      async handle({ params, query, auth }) {
        const staff = await requireStaff(auth.businessId, params.id);
        const rows = await listDateOverrides(prisma, {
          businessId: auth.businessId,
          staffId: staff.id,
          from: query.from ? new Date(`${query.from}T00:00:00Z`) : undefined,
          to: query.to ? new Date(`${query.to}T00:00:00Z`) : undefined,
        });
        return rows.map(toDateOverrideDto);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/staff/{id}/date-overrides',
      family: 'staff',
      summary: 'Add a date override',
      description: 'isClosed → no appointments that day. Otherwise the range replaces the weekly hours of that date; add several for several ranges.',
      params: staffIdParams,
      body: dateOverrideBodySchema,
      bodyExample: { date: '2026-04-06', isClosed: true, note: 'Easter Monday' },
      status: 201,
      response: dateOverrideSchema,
      errors: [404],
      async handle({ params, body, auth }) {
        const staff = await requireStaff(auth.businessId, params.id);
        const row = await insertDateOverride(prisma, toDateOverrideRow(auth.businessId, staff.id, body));
        return toDateOverrideDto(row);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/staff/{id}/date-overrides/{overrideId}',
      family: 'staff',
      summary: 'Remove a date override',
      params: z.object({ id: uuidSchema, overrideId: uuidSchema }),
      status: 204,
      errors: [404],
      async handle({ params, auth }) {
        const staff = await requireStaff(auth.businessId, params.id);
        if (!(await deleteDateOverride(prisma, { businessId: auth.businessId, staffId: staff.id, overrideId: params.overrideId }))) {
          throw new ApiError(404, 'not_found', `No date override "${params.overrideId}" for this staff member.`);
        }
        return new RouteResponse(204, undefined);
      },
    }),
    // Business-wide overrides: holidays and short days for everybody. A closure wins over any
    // staff member's own hours that day; special hours replace the weekly hours of staff without
    // an override of their own (src/scheduling).
    defineRoute({
      method: 'get',
      path: '/v1/date-overrides',
      family: 'settings',
      summary: 'Business-wide date overrides (holidays, short days)',
      query: z.object({ from: localDateSchema.optional(), to: localDateSchema.optional() }),
      status: 200,
      response: z.array(dateOverrideSchema),
      errors: [],
      async handle({ query, auth }) {
        const rows = await listDateOverrides(prisma, {
          businessId: auth.businessId,
          staffId: null,
          from: query.from ? new Date(`${query.from}T00:00:00Z`) : undefined,
          to: query.to ? new Date(`${query.to}T00:00:00Z`) : undefined,
        });
        return rows.map(toDateOverrideDto);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/date-overrides',
      family: 'settings',
      summary: 'Add a business-wide date override',
      description: 'isClosed → nobody takes appointments that day (a holiday). Otherwise the range replaces the weekly hours of that date for staff without an override of their own.',
      body: dateOverrideBodySchema,
      bodyExample: { date: '2026-12-25', isClosed: true, note: 'Christmas Day' },
      status: 201,
      response: dateOverrideSchema,
      errors: [],
      async handle({ body, auth }) {
        const row = await insertDateOverride(prisma, toDateOverrideRow(auth.businessId, null, body));
        return toDateOverrideDto(row);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/date-overrides/{overrideId}',
      family: 'settings',
      summary: 'Remove a business-wide date override',
      params: z.object({ overrideId: uuidSchema }),
      status: 204,
      errors: [404],
      async handle({ params, auth }) {
        if (!(await deleteDateOverride(prisma, { businessId: auth.businessId, staffId: null, overrideId: params.overrideId }))) {
          throw new ApiError(404, 'not_found', `No business-wide date override "${params.overrideId}".`);
        }
        return new RouteResponse(204, undefined);
      },
    }),
  ];
}

/** The stored row of a date override body (local date at UTC midnight, times as minutes). */
function toDateOverrideRow(businessId: string, staffId: string | null, body: z.infer<typeof dateOverrideBodySchema>) {
  return {
    businessId,
    staffId,
    date: new Date(`${body.date}T00:00:00Z`),
    isClosed: body.isClosed,
    startMinute: body.startTime ? toMinutes(body.startTime) : null,
    endMinute: body.endTime ? toEndMinute(toMinutes(body.endTime)) : null,
    note: body.note ?? null,
  };
}

function toDateOverrideDto(row: { id: string; date: Date; isClosed: boolean; startMinute: number | null; endMinute: number | null; note: string | null }) {
  return {
    id: row.id,
    date: row.date.toISOString().slice(0, 10),
    isClosed: row.isClosed,
    startTime: row.startMinute === null ? null : toTimeText(row.startMinute),
    endTime: row.endMinute === null ? null : toTimeText(toEndMinute(row.endMinute)),
    note: row.note,
  };
}
