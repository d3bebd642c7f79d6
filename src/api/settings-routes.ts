/** /v1/settings: the booking settings of the business. */
import { z } from 'zod';
import type { Db, PrismaClient, Prisma } from '../platform/database';
import { defineRoute, type AnyApiRoute } from './route-definition';
import { timeZoneSchema } from './common-schemas';
import { localizedTextsSchema, toLocalizedDto } from './localized-names';

const SETTINGS_SELECT = {
  id: true,
  name: true,
  timeZone: true,
  defaultLocale: true,
  currency: true,
  slotStepMinutes: true,
  minimumNoticeMinutes: true,
  maxAdvanceDays: true,
  fillGapsAfterBusy: true,
  holdMinutes: true,
  changeLockMinutes: true,
  inactivityTimeoutMinutes: true,
  handoffTimeoutMinutes: true,
  floodMessagesPerMinute: true,
  floodCooldownMinutes: true,
  emergencyKeywords: true,
  emergencyText: true,
  emergencyTexts: true,
  notifyCustomerOnStaffChanges: true,
} satisfies Prisma.BusinessSelect;

/** The start-time steps a business may use (minutes). */
export const SLOT_STEPS = [5, 10, 15, 20, 30, 60] as const;

/** Body of PATCH /v1/settings. */
export const updateSettingsBodySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    timeZone: timeZoneSchema,
    defaultLocale: z.enum(['en', 'es', 'pt']),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
    slotStepMinutes: z
      .number()
      .int()
      .refine((value) => (SLOT_STEPS as readonly number[]).includes(value), 'must be 5, 10, 15, 20, 30 or 60'),
    minimumNoticeMinutes: z.number().int().min(0).max(30 * 24 * 60),
    maxAdvanceDays: z.number().int().min(1).max(365),
    fillGapsAfterBusy: z
      .boolean()
      .describe('true (default) → also offer the first start right after a booking or the notice cut-off when the slot grid would leave that gap unused (an hourly grid from 09:30 with a booking 09:30–09:45 also offers 09:45); false → the plain grid.'),
    holdMinutes: z.number().int().min(1).max(60),
    changeLockMinutes: z.number().int().min(0).max(30 * 24 * 60),
    inactivityTimeoutMinutes: z.number().int().min(1).max(24 * 60),
    handoffTimeoutMinutes: z.number().int().min(1).max(7 * 24 * 60),
    floodMessagesPerMinute: z.number().int().min(1).max(1000),
    floodCooldownMinutes: z.number().int().min(1).max(24 * 60),
    emergencyKeywords: z.array(z.string().trim().min(1).max(50)).max(50),
    emergencyText: z.string().trim().min(1).max(1000).nullable().describe('Sent on an emergency keyword to customers writing in the default language.'),
    emergencyTexts: localizedTextsSchema,
    notifyCustomerOnStaffChanges: z
      .boolean()
      .describe('true (default) → a booking created, moved or cancelled by staff (console or API) sends the customer a WhatsApp message, within 24 hours of their last message.'),
  })
  .partial()
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one field to change');

/** The settings as the API shows them. */
export const settingsSchema = z.object({
  id: z.string(),
  name: z.string(),
  timeZone: z.string(),
  defaultLocale: z.string(),
  currency: z.string(),
  slotStepMinutes: z.number().int(),
  minimumNoticeMinutes: z.number().int(),
  maxAdvanceDays: z.number().int(),
  fillGapsAfterBusy: z.boolean(),
  holdMinutes: z.number().int(),
  changeLockMinutes: z.number().int(),
  inactivityTimeoutMinutes: z.number().int(),
  handoffTimeoutMinutes: z.number().int(),
  floodMessagesPerMinute: z.number().int(),
  floodCooldownMinutes: z.number().int(),
  emergencyKeywords: z.array(z.string()),
  emergencyText: z.string().nullable(),
  emergencyTexts: z.record(z.string(), z.string()),
  notifyCustomerOnStaffChanges: z.boolean(),
});

/** Reads the settings of a business. */
async function findSettings(db: Db, businessId: string) {
  return toSettingsDto(await db.business.findUniqueOrThrow({ where: { id: businessId }, select: SETTINGS_SELECT }));
}

function toSettingsDto(row: Prisma.BusinessGetPayload<{ select: typeof SETTINGS_SELECT }>) {
  return { ...row, emergencyTexts: toLocalizedDto(row.emergencyTexts) };
}

/** Builds the settings routes. */
export function buildSettingsRoutes(deps: { prisma: PrismaClient }): AnyApiRoute[] {
  const { prisma } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/v1/settings',
      family: 'settings',
      summary: 'Booking settings of the business',
      status: 200,
      response: settingsSchema,
      async handle({ auth }) {
        return findSettings(prisma, auth.businessId);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/settings',
      family: 'settings',
      summary: 'Change booking settings',
      description: 'Existing appointments keep their time; the new rules apply to what is booked from now on.',
      body: updateSettingsBodySchema,
      bodyExample: { minimumNoticeMinutes: 60, maxAdvanceDays: 90 },
      status: 200,
      response: settingsSchema,
      async handle({ body, auth }) {
        return toSettingsDto(await prisma.business.update({ where: { id: auth.businessId }, data: body, select: SETTINGS_SELECT }));
      },
    }),
  ];
}
