/**
 * Calendars of a staff member: the secret subscription feed of their bookings
 * (/calendar/staff/{token}.ics for Google Calendar or Outlook), and their external calendars
 * (secret ICS addresses) whose events block availability.
 */
import type { Request } from 'express';
import { z } from 'zod';
import {
  buildStaffFeedIcs,
  countExternalCalendars,
  deleteExternalCalendar,
  disableStaffFeed,
  findStaffFeedByToken,
  findStaffFeedState,
  generateFeedToken,
  insertExternalCalendar,
  listExternalCalendars,
  MAX_EXTERNAL_CALENDARS_PER_STAFF,
  rotateStaffFeedToken,
  scheduleOneCalendarImport,
  type ExternalCalendarView,
} from '../calendar';
import type { Clock } from '../platform/clock';
import type { PrismaClient } from '../platform/database';
import { toDomainError } from '../platform/errors';
import { sealSecret } from '../platform/secret-box';
import { ApiError } from './api-error';
import { emptyBodySchema, uuidParamsSchema, uuidSchema } from './common-schemas';
import { defineRoute, RouteResponse, type AnyApiRoute } from './route-definition';
import { requireEncryptionKey, requirePublicUrl, type SecretSettings } from './secret-settings';
import { findStaff } from './staff-repository';

const ICS_CONTENT_TYPE = 'text/calendar; charset=utf-8';

/** Path of a staff feed token. */
export function toStaffFeedPath(token: string): string {
  return `/calendar/staff/${token}.ics`;
}

const feedStateSchema = z.object({ isEnabled: z.boolean(), createdAt: z.string().nullable() });
const feedCreatedSchema = z.object({
  path: z.string().describe('Append to the public base URL of the server.'),
  url: z.string().describe('The full address as this request reached the server; paste it into "Subscribe to calendar" / "From URL". Shown only now.'),
  createdAt: z.string(),
});

/** Body of POST /v1/staff/{id}/external-calendars. */
export const externalCalendarBodySchema = z.object({
  name: z.string().trim().min(1).max(100),
  url: z
    .string()
    .trim()
    .min(8)
    .max(2000)
    .describe("The calendar's secret iCal address (Google: Settings → Secret address in iCal format; Outlook: Publish calendar → ICS). webcal:// is accepted."),
});

/** An external calendar as the API shows it (never its address). */
export const externalCalendarSchema = z.object({
  id: z.string(),
  name: z.string(),
  host: z.string().describe('Host of the address, to recognise it.'),
  lastFetchedAt: z.string().nullable(),
  lastEventCount: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
});

function toExternalCalendarDto(row: ExternalCalendarView): z.infer<typeof externalCalendarSchema> {
  return {
    id: row.id,
    name: row.name,
    host: row.urlHost,
    lastFetchedAt: row.lastFetchedAt?.toISOString() ?? null,
    lastEventCount: row.lastEventCount,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
  };
}

function toAbsoluteUrl(req: Request, path: string): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${path}`;
}

/** Builds the staff calendar routes. */
export function buildStaffCalendarRoutes(deps: { prisma: PrismaClient; clock: Clock } & SecretSettings): AnyApiRoute[] {
  const { prisma, clock } = deps;
  const requireStaffId = async (businessId: string, staffId: string) => {
    const staff = await findStaff(prisma, businessId, staffId);
    if (!staff) throw toDomainError('staff_not_found', `No staff member "${staffId}" in this business. List staff to find valid ids.`);
    return staff.id;
  };

  return [
    defineRoute({
      method: 'get',
      path: '/v1/staff/{id}/calendar-feed',
      family: 'staff',
      summary: "Whether the staff member's calendar feed is on",
      description: 'The feed address itself is shown only when created: only its hash is stored.',
      params: uuidParamsSchema,
      status: 200,
      response: feedStateSchema,
      errors: [404],
      async handle({ params, auth }) {
        const state = await findStaffFeedState(prisma, { businessId: auth.businessId, staffId: params.id });
        if (!state) throw toDomainError('staff_not_found', `No staff member "${params.id}" in this business. List staff to find valid ids.`);
        return { isEnabled: state.calendarFeedCreatedAt !== null, createdAt: state.calendarFeedCreatedAt?.toISOString() ?? null };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/staff/{id}/calendar-feed',
      family: 'staff',
      summary: 'Create or rotate the staff member’s secret calendar feed',
      description:
        'Answers a new unguessable address of an iCalendar feed of their bookings (from 30 days ago on; customer first name and service only). The previous address stops working. Subscribe to it from Google Calendar ("From URL") or Outlook ("Subscribe from web").',
      params: uuidParamsSchema,
      body: emptyBodySchema,
      bodyExample: {},
      status: 201,
      response: feedCreatedSchema,
      errors: [404],
      async handle({ params, auth, req }) {
        const token = generateFeedToken();
        const now = clock.now();
        if (!(await rotateStaffFeedToken(prisma, { businessId: auth.businessId, staffId: params.id, token, now }))) {
          throw toDomainError('staff_not_found', `No staff member "${params.id}" in this business. List staff to find valid ids.`);
        }
        const path = toStaffFeedPath(token);
        return { path, url: toAbsoluteUrl(req, path), createdAt: now.toISOString() };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/staff/{id}/calendar-feed',
      family: 'staff',
      summary: 'Turn the staff member’s calendar feed off',
      params: uuidParamsSchema,
      status: 204,
      errors: [404],
      async handle({ params, auth }) {
        if (!(await disableStaffFeed(prisma, { businessId: auth.businessId, staffId: params.id }))) {
          throw toDomainError('staff_not_found', `No staff member "${params.id}" in this business. List staff to find valid ids.`);
        }
        return new RouteResponse(204, undefined);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/calendar/staff/{token}.ics',
      family: 'calendar',
      summary: 'Public calendar feed of one staff member (no key: the token is the secret)',
      isPublic: true,
      params: z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a calendar feed token') }),
      status: 200,
      produces: 'text/calendar',
      errors: [404],
      async handle({ params }) {
        const now = clock.now();
        const feed = await findStaffFeedByToken(prisma, { token: params.token, now });
        if (!feed) throw new ApiError(404, 'not_found', 'This calendar feed does not exist (or its address was rotated). Ask for the new address.');
        return new RouteResponse(200, buildStaffFeedIcs({ ...feed, now }), ICS_CONTENT_TYPE);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/staff/{id}/external-calendars',
      family: 'staff',
      summary: 'External calendars whose events block the staff member’s availability',
      params: uuidParamsSchema,
      status: 200,
      response: z.array(externalCalendarSchema),
      errors: [404],
      async handle({ params, auth }) {
        const staffId = await requireStaffId(auth.businessId, params.id);
        return (await listExternalCalendars(prisma, { businessId: auth.businessId, staffId })).map(toExternalCalendarDto);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/staff/{id}/external-calendars',
      family: 'staff',
      summary: 'Add an external calendar (secret iCal address)',
      description:
        'Fetched right away and then every 15 minutes; its busy events of the next 60 days block availability (API slots, WhatsApp, Flows). The address is stored encrypted (needs DATA_ENCRYPTION_KEY, else 409) and never shown again. Only public https:// addresses (422 otherwise).',
      params: uuidParamsSchema,
      body: externalCalendarBodySchema,
      bodyExample: { name: 'Personal Google calendar', url: 'https://calendar.google.com/calendar/ical/ana%40example.com/private-0123456789abcdef/basic.ics' },
      status: 201,
      response: externalCalendarSchema,
      errors: [404, 409, 422],
      async handle({ params, body, auth }) {
        const staffId = await requireStaffId(auth.businessId, params.id);
        const key = requireEncryptionKey(deps, 'a calendar address');
        // webcal:// is how calendar apps label subscription links; the transport is https.
        const url = await requirePublicUrl(deps, body.url.replace(/^webcals?:\/\//i, 'https://'), 'url');
        if ((await countExternalCalendars(prisma, { businessId: auth.businessId, staffId })) >= MAX_EXTERNAL_CALENDARS_PER_STAFF) {
          throw new ApiError(409, 'too_many_calendars', `A staff member can have at most ${MAX_EXTERNAL_CALENDARS_PER_STAFF} external calendars. Delete one first.`);
        }
        const row = await prisma.$transaction(async (tx) => {
          const created = await insertExternalCalendar(tx, { businessId: auth.businessId, staffId, name: body.name, urlEncrypted: sealSecret(key, url.toString()), urlHost: url.hostname });
          await scheduleOneCalendarImport(tx, created.id);
          return created;
        });
        return toExternalCalendarDto(row);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/staff/{id}/external-calendars/{calendarId}/refresh',
      family: 'staff',
      summary: 'Fetch an external calendar again now',
      params: z.object({ id: uuidSchema, calendarId: uuidSchema }),
      body: emptyBodySchema,
      bodyExample: {},
      status: 202,
      response: z.object({ isQueued: z.boolean() }),
      errors: [404],
      async handle({ params, auth }) {
        const staffId = await requireStaffId(auth.businessId, params.id);
        const calendars = await listExternalCalendars(prisma, { businessId: auth.businessId, staffId });
        if (!calendars.some((calendar) => calendar.id === params.calendarId)) {
          throw new ApiError(404, 'not_found', `No external calendar "${params.calendarId}" for this staff member.`);
        }
        await scheduleOneCalendarImport(prisma, params.calendarId);
        return { isQueued: true };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/staff/{id}/external-calendars/{calendarId}',
      family: 'staff',
      summary: 'Remove an external calendar (its busy times stop blocking at once)',
      params: z.object({ id: uuidSchema, calendarId: uuidSchema }),
      status: 204,
      errors: [404],
      async handle({ params, auth }) {
        const staffId = await requireStaffId(auth.businessId, params.id);
        if (!(await deleteExternalCalendar(prisma, { businessId: auth.businessId, staffId, calendarId: params.calendarId }))) {
          throw new ApiError(404, 'not_found', `No external calendar "${params.calendarId}" for this staff member.`);
        }
        return new RouteResponse(204, undefined);
      },
    }),
  ];
}
