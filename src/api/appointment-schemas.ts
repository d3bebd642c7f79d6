/**
 * Request and response schemas of /v1/appointments, in the shapes Whautomate integrators know.
 * Times travel as a local date + HH:mm + IANA zone; answers carry ISO 8601 with the zone's offset.
 */
import { z } from 'zod';
import {
  idOrUidSchema,
  localDateSchema,
  localTimeSchema,
  metadataSchema,
  paginationQueryShape,
  queryBooleanSchema,
  timeZoneSchema,
  toPageSchema,
  uuidSchema,
} from './common-schemas';

const BOOKING_STATUSES = ['pending', 'confirmed', 'in_progress', 'completed', 'cancelled', 'no_show'] as const;
const BOOKING_SOURCES = ['whatsapp', 'flow', 'api', 'admin'] as const;
const isoWithOffset = z.string().describe('ISO 8601 with the offset of the zone, e.g. 2026-03-31T09:00:00+02:00');

/** Query of GET /v1/appointments/slots. */
export const slotsQuerySchema = z.object({
  serviceId: idOrUidSchema.describe('Service id or uid.'),
  staffId: uuidSchema.optional().describe('One staff member; omitted → any staff member who performs the service.'),
  locationId: uuidSchema.optional(),
  date: localDateSchema.describe('Local date in `timezone`.'),
  nextThreeDays: queryBooleanSchema.optional().describe('true → the date and the two days after it.'),
  timezone: timeZoneSchema.optional().describe('IANA zone of `date` and of the answer; default: the business zone.'),
  addOnServiceIds: z
    .string()
    .max(1000)
    .optional()
    .transform((value) => (value ? [...new Set(value.split(',').map((ref) => ref.trim()).filter(Boolean))] : []))
    .describe('Comma-separated add-on ids or uids to book with the service: only starts with room for the longer visit are listed.'),
});

/** One free start time. */
export const slotSchema = z.object({ startTime: isoWithOffset, endTime: isoWithOffset });

/** Answer of GET /v1/appointments/slots. */
export const slotsResponseSchema = z.array(
  z.object({
    date: localDateSchema,
    timezone: z.string(),
    slots: z.array(slotSchema),
    notice: z.string().optional().describe('Why a day has no slots when it lies outside the booking window (past, or too far ahead).'),
  }),
);

/** Query of GET /v1/appointments. */
export const listAppointmentsQuerySchema = z.object({
  ...paginationQueryShape,
  staffId: uuidSchema.optional(),
  clientId: uuidSchema.optional(),
  locationId: uuidSchema.optional(),
  startDate: localDateSchema.optional().describe('First local date (business zone), inclusive.'),
  endDate: localDateSchema.optional().describe('Last local date (business zone), inclusive.'),
  status: z.enum(BOOKING_STATUSES).optional(),
});

const phoneFields = {
  fullName: z.string().trim().min(1).max(200).optional().describe('New client: full name.'),
  countryCode: z
    .string()
    .regex(/^\+?\d{1,4}$/, 'must be a country calling code such as +34')
    .optional()
    .describe('New client: country calling code, e.g. +34.'),
  phone: z
    .string()
    .regex(/^[\d\s()-]{4,20}$/, 'must be a phone number of digits (spaces, dashes and brackets allowed)')
    .optional()
    .describe('New client: national phone number.'),
};

/** An instant with its offset, as the slots endpoint returns it (2026-03-31T09:00:00+02:00). */
export const startTimeSchema = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset, e.g. 2026-03-31T09:00:00+02:00 (as the slots endpoint returns it)' })
  .describe('Start as returned by GET /v1/appointments/slots (ISO 8601 with offset); instead of date + time.');

const refOf = <T extends z.ZodType>(id: T, description: string) => z.object({ id }).describe(description);
const addOnRefSchema = z.union([refOf(idOrUidSchema, 'An add-on service of the booked service.'), idOrUidSchema]);

const whenFields = {
  date: localDateSchema.optional().describe('Local date in `timezone`; with time, or give startTime instead.'),
  time: localTimeSchema.optional().describe('Local start time (HH:mm) in `timezone`.'),
  startTime: startTimeSchema.optional(),
  timezone: timeZoneSchema.optional().describe('Zone of date and time (and of the 409 alternatives); default: the business zone.'),
};

/** When an appointment starts: a local date + time, or an instant with offset. */
export type RequestedStart = { date: string; time: string } | { startTime: string };

type IssueSink = z.RefinementCtx;

/** Reads `nested.id` or the flat alias; refuses both at once when they differ. */
function pickId(ctx: IssueSink, nested: { id: string } | null | undefined, flat: string | null | undefined, names: [string, string]): string | undefined {
  if (nested && flat && nested.id !== flat) {
    ctx.addIssue({ code: 'custom', path: [names[0]], message: `give either ${names[0]}: {"id"} or ${names[1]}, not both` });
  }
  return nested?.id ?? flat ?? undefined;
}

function pickStart(ctx: IssueSink, body: { date?: string; time?: string; startTime?: string }): RequestedStart | undefined {
  if (body.startTime !== undefined) {
    if (body.date !== undefined || body.time !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['startTime'], message: 'give either startTime or date + time, not both' });
    }
    return { startTime: body.startTime };
  }
  if (body.date !== undefined && body.time !== undefined) return { date: body.date, time: body.time };
  for (const field of ['date', 'time'] as const) {
    if (body[field] === undefined) {
      ctx.addIssue({ code: 'custom', path: [field], message: `is required: give date (YYYY-MM-DD) + time (HH:mm), or startTime (ISO 8601 with offset)` });
    }
  }
  return undefined;
}

/** The client of a new appointment: an existing one, or one found or created by phone number. */
export type ClientChoice = { id: string } | { fullName: string; countryCode: string; phone: string };

function pickClient(
  ctx: IssueSink,
  body: { client?: { id?: string; fullName?: string; countryCode?: string; phone?: string }; clientId?: string; fullName?: string; countryCode?: string; phone?: string },
): ClientChoice | undefined {
  const isNested = body.client !== undefined;
  const source = body.client ?? body;
  const prefix = isNested ? 'client.' : '';
  const hasFlat = body.clientId !== undefined || body.fullName !== undefined || body.countryCode !== undefined || body.phone !== undefined;
  if (isNested && hasFlat) {
    ctx.addIssue({ code: 'custom', path: ['client'], message: 'give either client: {...} or clientId / fullName + countryCode + phone, not both' });
    return undefined;
  }
  const id = isNested ? body.client!.id : body.clientId;
  const hasNewClient = source.fullName !== undefined || source.countryCode !== undefined || source.phone !== undefined;
  if (id && hasNewClient) {
    ctx.addIssue({ code: 'custom', path: isNested ? ['client', 'id'] : ['clientId'], message: `give either ${prefix}${isNested ? 'id' : 'clientId'} or ${prefix}fullName + ${prefix}countryCode + ${prefix}phone, not both` });
    return undefined;
  }
  if (id) return { id };
  let isComplete = true;
  for (const field of ['fullName', 'countryCode', 'phone'] as const) {
    if (source[field] === undefined) {
      isComplete = false;
      const path = isNested ? ['client', field] : [field];
      ctx.addIssue({ code: 'custom', path, message: isNested ? 'is required when client.id is not given' : 'is required: give client: {"id"} or client: {"fullName", "countryCode", "phone"}' });
    }
  }
  return isComplete ? { fullName: source.fullName!, countryCode: source.countryCode!, phone: source.phone! } : undefined;
}

/** Body of POST /v1/appointments: Whautomate's nested shape, with the flat ids as aliases. */
export const createAppointmentBodySchema = z
  .object({
    client: z
      .object({ id: uuidSchema.optional().describe('An existing client.'), ...phoneFields })
      .optional()
      .describe('{"id"} of an existing client, or {"fullName", "countryCode", "phone"} (found by phone number, else created).'),
    service: refOf(idOrUidSchema, 'The service (id or uid).').optional(),
    staff: refOf(uuidSchema, 'The staff member; omitted or null → any free staff member.').nullable().optional(),
    location: refOf(uuidSchema, 'The location.').optional(),
    ...whenFields,
    notes: z.string().max(1000).optional(),
    metadata: metadataSchema.optional(),
    addOnServices: z.array(addOnRefSchema).max(10).optional().describe('Add-on services of the booked service ([{"id"}]): they extend the duration and the price.'),
    overrideTimeSlotValidation: z.boolean().optional().describe('Admin keys only: skip hours, notice and grid checks (never the overlap check).'),
    clientId: uuidSchema.optional().describe('Alias of client.id.'),
    ...phoneFields,
    serviceId: idOrUidSchema.optional().describe('Alias of service.id.'),
    staffId: uuidSchema.nullable().optional().describe('Alias of staff.id.'),
    locationId: uuidSchema.optional().describe('Alias of location.id.'),
  })
  .transform((body, ctx) => {
    const client = pickClient(ctx, body);
    const serviceId = pickId(ctx, body.service, body.serviceId, ['service', 'serviceId']);
    if (serviceId === undefined) ctx.addIssue({ code: 'custom', path: ['service'], message: 'is required: give service: {"id"} (a service id or uid)' });
    const staffId = pickId(ctx, body.staff, body.staffId, ['staff', 'staffId']);
    const locationId = pickId(ctx, body.location, body.locationId, ['location', 'locationId']);
    const start = pickStart(ctx, body);
    if (!client || serviceId === undefined || !start) return z.NEVER;
    return {
      client,
      serviceId,
      staffId,
      locationId,
      start,
      timezone: body.timezone,
      notes: body.notes,
      metadata: body.metadata,
      addOnServiceIds: [...new Set((body.addOnServices ?? []).map((ref) => (typeof ref === 'string' ? ref : ref.id)))],
      overrideTimeSlotValidation: body.overrideTimeSlotValidation ?? false,
    };
  });

/** Body of POST /v1/appointments/reschedule: Whautomate's shape, with the flat ids as aliases. */
export const rescheduleBodySchema = z
  .object({
    appointmentId: idOrUidSchema,
    location: refOf(uuidSchema, 'The location of the appointment (checked, not changed).').optional(),
    ...whenFields,
    staff: refOf(uuidSchema, 'Move to this staff member; default: keep the current one when free.').optional(),
    reason: z.string().trim().max(500).optional(),
    overrideTimeSlotValidation: z.boolean().optional().describe('Admin keys only.'),
    locationId: uuidSchema.optional().describe('Alias of location.id.'),
    staffId: uuidSchema.optional().describe('Alias of staff.id.'),
  })
  .transform((body, ctx) => {
    const locationId = pickId(ctx, body.location, body.locationId, ['location', 'locationId']);
    const staffId = pickId(ctx, body.staff, body.staffId, ['staff', 'staffId']);
    const start = pickStart(ctx, body);
    if (!start) return z.NEVER;
    return {
      appointmentId: body.appointmentId,
      locationId,
      staffId,
      start,
      timezone: body.timezone,
      reason: body.reason,
      overrideTimeSlotValidation: body.overrideTimeSlotValidation ?? false,
    };
  });

/** Body of POST /v1/appointments/cancel: Whautomate's shape, with the flat location id as an alias. */
export const cancelBodySchema = z
  .object({
    appointmentId: idOrUidSchema,
    location: refOf(uuidSchema, 'The location of the appointment (checked, not changed).').optional(),
    cancellationReason: z.string().trim().max(500).optional(),
    locationId: uuidSchema.optional().describe('Alias of location.id.'),
  })
  .transform((body, ctx) => ({
    appointmentId: body.appointmentId,
    locationId: pickId(ctx, body.location, body.locationId, ['location', 'locationId']),
    cancellationReason: body.cancellationReason,
  }));

/** Body of POST /v1/appointments/{id}/rating. */
export const ratingBodySchema = z.object({
  rating: z.number().int('must be a whole number').min(0, 'must be 0–5').max(5, 'must be 0–5'),
});

/** Body of PATCH /v1/appointments/{id}. */
export const updateAppointmentBodySchema = z
  .object({
    locationId: uuidSchema.nullable().optional(),
    locationText: z.string().max(1000).nullable().optional().describe('Free-text place (an address, a video link).'),
    bookedFrom: z.enum(BOOKING_SOURCES).optional(),
    metadata: metadataSchema.nullable().optional(),
    notes: z.string().max(1000).nullable().optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one field to change');

/** An appointment as the API shows it. */
export const appointmentSchema = z.object({
  id: z.string().describe('Public appointment id.'),
  location: z.object({ id: z.string().nullable(), title: z.string() }).nullable(),
  client: z.object({ id: z.string(), fullName: z.string().nullable(), phone: z.string().nullable() }),
  staff: z.object({ id: z.string(), name: z.string() }),
  date: localDateSchema.describe('Local date in `timezone`.'),
  time: localTimeSchema.describe('Local start time in `timezone`.'),
  timezone: z.string(),
  startTimeUTC: z.string(),
  startTime: isoWithOffset,
  endTimeUTC: z.string(),
  endTime: isoWithOffset,
  service: z.object({ id: z.string(), uid: z.string(), name: z.string(), durationMinutes: z.number().int(), sellingPrice: z.number(), currency: z.string() }),
  addOnServices: z
    .array(z.object({ id: z.string(), uid: z.string(), name: z.string(), durationMinutes: z.number().int(), sellingPrice: z.number() }))
    .describe('Add-ons booked with the service, with the duration and price they were booked at; endTime includes them.'),
  totalPrice: z.number().describe('service.sellingPrice plus every add-on’s sellingPrice, in service.currency.'),
  bookedFrom: z.enum(BOOKING_SOURCES),
  status: z.enum(BOOKING_STATUSES),
  appointmentType: z.literal('in_person'),
  paymentStatus: z.literal('unpaid'),
  notes: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  rating: z.number().int().nullable(),
  rescheduleCount: z.number().int(),
  cancellationReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** Answer of GET /v1/appointments. */
export const appointmentPageSchema = toPageSchema(appointmentSchema);

/** A free slot offered instead of a taken one (details of the 409). */
export const alternativeSlotSchema = z.object({ startTime: isoWithOffset, endTime: isoWithOffset, staffId: z.string() });

/** Appointment JSON type. */
export type AppointmentDto = z.infer<typeof appointmentSchema>;
