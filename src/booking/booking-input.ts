/**
 * Validation of what callers hand the booking core (conversation, Flows endpoint, REST API).
 * Limits mirror the database columns, so a bad value is refused with a reason before any write.
 */
import { z } from 'zod';
import { toDomainError } from '../platform/errors';

const reason = z.string().trim().max(500, 'must be at most 500 characters');

/** Who made a change, for the audit log: "customer:<id>", "api:<keyId>", "staff:<id>", "system". */
export const actorSchema = z.string().min(1).max(100);

/** Input of confirmSlot. */
export const confirmSlotSchema = z.object({
  businessId: z.uuid(),
  customerId: z.uuid(),
  serviceId: z.string().min(1).max(64),
  /** A staff member, or undefined for "any available". */
  staffId: z.uuid().optional(),
  start: z.date(),
  source: z.enum(['whatsapp', 'flow', 'api', 'admin']),
  status: z.enum(['pending', 'confirmed']).default('confirmed'),
  locationId: z.uuid().optional(),
  notes: z.string().max(1000, 'must be at most 1000 characters').optional(),
  locationText: z.string().max(1000, 'must be at most 1000 characters').optional(),
  metadata: z
    .record(z.string(), z.unknown())
    .refine((value) => JSON.stringify(value).length <= 5000, 'must serialise to at most 5000 characters of JSON')
    .optional(),
  idempotencyKey: z.string().min(1).max(200).optional(),
  actor: actorSchema,
  /** Add-on services (ids or uids) of the service: they extend the duration and the price. */
  addOnServiceIds: z.array(z.string().min(1).max(64)).max(10, 'must list at most 10 add-ons').default([]),
  /** Admin override: skip hours/notice/window/step checks (never the overlap check). */
  overrideTimeSlotValidation: z.boolean().default(false),
});
/** Parsed confirmSlot input. */
export type ConfirmSlotInput = z.input<typeof confirmSlotSchema>;

/** Input of reschedule. */
export const rescheduleSchema = z.object({
  businessId: z.uuid(),
  bookingId: z.string().min(1).max(64),
  start: z.date(),
  staffId: z.uuid().optional(),
  reason: reason.optional(),
  actor: actorSchema,
  enforceChangeLock: z.boolean().default(false),
  overrideTimeSlotValidation: z.boolean().default(false),
  idempotencyKey: z.string().min(1).max(200).optional(),
});
/** Parsed reschedule input. */
export type RescheduleInput = z.input<typeof rescheduleSchema>;

/** Input of cancel. */
export const cancelSchema = z.object({
  businessId: z.uuid(),
  bookingId: z.string().min(1).max(64),
  reason: reason.optional(),
  actor: actorSchema,
  enforceChangeLock: z.boolean().default(false),
});
/** Parsed cancel input. */
export type CancelInput = z.input<typeof cancelSchema>;

/** Input of updateDetails. */
export const updateDetailsSchema = z.object({
  businessId: z.uuid(),
  bookingId: z.string().min(1).max(64),
  actor: actorSchema,
  locationId: z.uuid().nullable().optional(),
  locationText: z.string().max(1000, 'must be at most 1000 characters').nullable().optional(),
  source: z.enum(['whatsapp', 'flow', 'api', 'admin']).optional(),
  notes: z.string().max(1000, 'must be at most 1000 characters').nullable().optional(),
  metadata: z
    .record(z.string(), z.unknown())
    .refine((value) => JSON.stringify(value).length <= 5000, 'must serialise to at most 5000 characters of JSON')
    .nullable()
    .optional(),
});
/** Parsed updateDetails input. */
export type UpdateDetailsInput = z.input<typeof updateDetailsSchema>;

/** Input of rate. */
export const rateSchema = z.object({
  businessId: z.uuid(),
  bookingId: z.string().min(1).max(64),
  rating: z.number().int('must be a whole number').min(0, 'must be 0–5').max(5, 'must be 0–5'),
  actor: actorSchema,
});
/** Parsed rate input. */
export type RateInput = z.input<typeof rateSchema>;

/** Parses input with a schema, turning zod's issues into one `validation_failed` DomainError. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message }));
  const summary = details.map((d) => `${d.field || 'input'} ${d.message}`).join('; ');
  throw toDomainError('validation_failed', `Invalid booking request: ${summary}.`, { issues: details });
}
