/**
 * /v1/services/{id}/reminder-rules and /follow-up-rules: up to 5 of each per service (sequence
 * 1–5, unique). Fields are validated by the reminder component's own rule schema, so the API and
 * the admin page accept exactly the same rules.
 */
import { z } from 'zod';
import type { PrismaClient } from '../platform/database';
import { toDomainError } from '../platform/errors';
import { MAX_RULES_PER_KIND, reminderRuleSchema, type ReminderKind } from '../reminders';
import { ApiError } from './api-error';
import { idOrUidSchema, uuidSchema } from './common-schemas';
import { defineRoute, RouteResponse, type AnyApiRoute } from './route-definition';
import { deleteReminderRule, findReminderRule, insertReminderRule, listReminderRules, updateReminderRule, type ReminderRuleRow } from './reminder-rule-repository';
import { findService } from './service-repository';

const { kind: _kind, ...ruleFields } = reminderRuleSchema.shape;

/** Body of POST …/reminder-rules and …/follow-up-rules (sequence optional: the next free one). */
export const createRuleBodySchema = z.object({ ...ruleFields, sequence: ruleFields.sequence.optional() });
/** Body of PATCH …/{ruleId}. */
export const updateRuleBodySchema = z
  .object(Object.fromEntries(Object.entries(ruleFields).map(([name, schema]) => [name, (schema as z.ZodType).optional()])) as { [K in keyof typeof ruleFields]: z.ZodOptional<(typeof ruleFields)[K]> })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one field to change');

/** A rule as the API shows it. */
export const ruleSchema = z.object({
  id: z.string(),
  serviceId: z.string(),
  kind: z.enum(['reminder', 'followup']),
  sequence: z.number().int(),
  title: z.string(),
  text: z.string(),
  offsetDays: z.number().int(),
  offsetHours: z.number().int(),
  offsetMinutes: z.number().int(),
  isActive: z.boolean(),
  appliesTo: z.string(),
  asksForRating: z.boolean(),
  templateName: z.string().nullable(),
  templateLanguage: z.string().nullable(),
  templateParameters: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

function toRuleDto(row: ReminderRuleRow): z.infer<typeof ruleSchema> {
  return {
    id: row.id,
    serviceId: row.serviceId,
    kind: row.kind as ReminderKind,
    sequence: row.sequence,
    title: row.title,
    text: row.text,
    offsetDays: row.offsetDays,
    offsetHours: row.offsetHours,
    offsetMinutes: row.offsetMinutes,
    isActive: row.isActive,
    appliesTo: row.appliesTo,
    asksForRating: row.asksForRating,
    templateName: row.templateName,
    templateLanguage: row.templateLanguage,
    templateParameters: row.templateParameters,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Runs the component's full rule schema (cross-field rules included); 400 with details when it refuses. */
function validateRule(candidate: Record<string, unknown>) {
  const parsed = reminderRuleSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  throw new ApiError(
    400,
    'invalid_request',
    'The request is not valid; see details for each field.',
    parsed.error.issues.map((issue) => ({ in: 'body', field: issue.path.join('.'), message: issue.message })),
  );
}

const KINDS: Array<{ kind: ReminderKind; segment: string; label: string; example: Record<string, unknown> }> = [
  {
    kind: 'reminder',
    segment: 'reminder-rules',
    label: 'reminder',
    example: { title: 'See you tomorrow', text: 'Hello {customer_name}, see you for your {service} on {when}.', offsetDays: 1 },
  },
  {
    kind: 'followup',
    segment: 'follow-up-rules',
    label: 'follow-up',
    example: { title: 'How was it?', text: 'Thanks for visiting {business}! Rate your {service} from 1 to 5.', offsetHours: 2, asksForRating: true, appliesTo: 'completed' },
  },
];

/** Builds the rule routes of both kinds. */
export function buildReminderRuleRoutes(deps: { prisma: PrismaClient }): AnyApiRoute[] {
  const { prisma } = deps;
  const requireServiceId = async (businessId: string, idOrUid: string) => {
    const service = await findService(prisma, businessId, idOrUid);
    if (!service) throw toDomainError('service_not_found', `No service "${idOrUid}" in this business. List services to find valid ids.`);
    return service.id;
  };

  return KINDS.flatMap(({ kind, segment, label, example }) => {
    const collection = `/v1/services/{id}/${segment}`;
    const item = `${collection}/{ruleId}`;
    const itemParams = z.object({ id: idOrUidSchema, ruleId: uuidSchema });
    const requireRule = async (businessId: string, params: { id: string; ruleId: string }) => {
      const serviceId = await requireServiceId(businessId, params.id);
      const rule = await findReminderRule(prisma, { businessId, serviceId, kind, ruleId: params.ruleId });
      if (!rule) throw new ApiError(404, 'not_found', `No ${label} rule "${params.ruleId}" on this service. List ${segment} to find valid ids.`);
      return rule;
    };
    return [
      defineRoute({
        method: 'get',
        path: collection,
        family: 'services',
        summary: `List a service's ${label} rules`,
        params: z.object({ id: idOrUidSchema }),
        status: 200,
        response: z.array(ruleSchema),
        errors: [404],
        async handle({ params, auth }) {
          const serviceId = await requireServiceId(auth.businessId, params.id);
          return (await listReminderRules(prisma, { businessId: auth.businessId, serviceId, kind })).map(toRuleDto);
        },
      }),
      defineRoute({
        method: 'post',
        path: collection,
        family: 'services',
        summary: `Add a ${label} rule (at most ${MAX_RULES_PER_KIND} per service)`,
        description:
          kind === 'reminder'
            ? 'Sent offsetDays/Hours/Minutes before the start. Applies to bookings planned from now on.'
            : 'Sent offsetDays/Hours/Minutes after the end of a visit that ended as appliesTo. Applies to bookings planned from now on.',
        params: z.object({ id: idOrUidSchema }),
        body: createRuleBodySchema,
        bodyExample: example as z.input<typeof createRuleBodySchema>,
        status: 201,
        response: ruleSchema,
        errors: [404, 409],
        async handle({ params, body, auth }) {
          const serviceId = await requireServiceId(auth.businessId, params.id);
          const existing = await listReminderRules(prisma, { businessId: auth.businessId, serviceId, kind });
          const used = new Set(existing.map((rule) => rule.sequence));
          const sequence = body.sequence ?? [1, 2, 3, 4, 5].slice(0, MAX_RULES_PER_KIND).find((n) => !used.has(n));
          if (sequence === undefined) {
            throw new ApiError(409, 'too_many_rules', `This service already has ${MAX_RULES_PER_KIND} ${label} rules. Change or delete one instead.`);
          }
          if (used.has(sequence)) throw new ApiError(409, 'conflict', `Sequence ${sequence} is taken by another ${label} rule of this service. Pick a free one (1–${MAX_RULES_PER_KIND}).`);
          const rule = validateRule({ ...body, sequence, kind });
          return toRuleDto(await insertReminderRule(prisma, { ...rule, businessId: auth.businessId, serviceId }));
        },
      }),
      defineRoute({
        method: 'patch',
        path: item,
        family: 'services',
        summary: `Change a ${label} rule`,
        params: itemParams,
        body: updateRuleBodySchema,
        bodyExample: { isActive: false },
        status: 200,
        response: ruleSchema,
        errors: [404, 409],
        async handle({ params, body, auth }) {
          const row = await requireRule(auth.businessId, params);
          const defined = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
          const rule = validateRule({ ...toRuleDto(row), ...defined, kind });
          const { kind: _ignored, ...fields } = rule;
          return toRuleDto(await updateReminderRule(prisma, row.id, fields));
        },
      }),
      defineRoute({
        method: 'delete',
        path: item,
        family: 'services',
        summary: `Delete a ${label} rule`,
        description: 'Reminders already planned from it are skipped when due.',
        params: itemParams,
        status: 204,
        errors: [404],
        async handle({ params, auth }) {
          const row = await requireRule(auth.businessId, params);
          await deleteReminderRule(prisma, row.id);
          return new RouteResponse(204, undefined);
        },
      }),
    ];
  });
}
