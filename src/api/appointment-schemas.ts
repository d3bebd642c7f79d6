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
});

/** One free start time. */
export const slotSchema = z.object({ startTime: isoWithOffset, endTime: isoWithOffset });

/** Answer of GET /v1/appointments/slots. */
export const slotsResponseSchema = z.array(z.object({ date: localDateSchema, timezone: z.string(), slots: z.array(slotSchema) }));

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

/** Body of POST /v1/appointments. */
export const createAppointmentBodySchema = z
  .object({
    clientId: uuidSchema.optional().describe('An existing client; or give fullName + countryCode + phone.'),
    ...phoneFields,
    serviceId: idOrUidSchema.describe('Service id or uid.'),
    staffId: uuidSchema.nullable().optional().describe('Omitted or null → any free staff member.'),
    locationId: uuidSchema.optional(),
    date: localDateSchema,
    time: localTimeSchema,
    timezone: timeZoneSchema.optional().describe('Zone of date and time; default: the business zone.'),
    notes: z.string().max(1000).optional(),
    metadata: metadataSchema.optional(),
    addOnServices: z.array(z.unknown()).max(20).optional().describe('Not supported yet: only [] is accepted.'),
    overrideTimeSlotValidation: z.boolean().optional().describe('Admin keys only: skip hours, notice and grid checks (never the overlap check).'),
  })
  .superRefine((body, ctx) => {
    const hasNewClient = body.fullName !== undefined || body.countryCode !== undefined || body.phone !== undefined;
    if (body.clientId && hasNewClient) {
      ctx.addIssue({ code: 'custom', path: ['clientId'], message: 'give either clientId or fullName + countryCode + phone, not both' });
    } else if (!body.clientId) {
      for (const field of ['fullName', 'countryCode', 'phone'] as const) {
        if (body[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'is required when clientId is not given' });
      }
    }
  });

/** Body of POST /v1/appointments/reschedule. */
export const rescheduleBodySchema = z.object({
  appointmentId: idOrUidSchema,
  date: localDateSchema,
  time: localTimeSchema,
  timezone: timeZoneSchema.optional(),
  staffId: uuidSchema.optional().describe('Move to this staff member; default: keep the current one when free.'),
  reason: z.string().trim().max(500).optional(),
  overrideTimeSlotValidation: z.boolean().optional().describe('Admin keys only.'),
});

/** Body of POST /v1/appointments/cancel. */
export const cancelBodySchema = z.object({
  appointmentId: idOrUidSchema,
  cancellationReason: z.string().trim().max(500).optional(),
});

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
  addOnServices: z.array(z.unknown()),
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
