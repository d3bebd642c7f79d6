/**
 * Calendar files of appointments: GET /v1/appointments/{id}/ics with a key, and the public
 * "Add to calendar" link /calendar/bookings/{token}.ics whose unguessable token is the only secret.
 */
import { z } from 'zod';
import { buildBookingIcs, ensureIcsToken, findBookingByIcsToken, findBookingForIcs } from '../calendar';
import type { PrismaClient } from '../platform/database';
import { toDomainError } from '../platform/errors';
import { ApiError } from './api-error';
import { idOrUidParamsSchema } from './common-schemas';
import { defineRoute, RouteResponse, type AnyApiRoute } from './route-definition';

const ICS_CONTENT_TYPE = 'text/calendar; charset=utf-8';
/**
 * A booking's file is personal: no shared cache keeps it, and the secret link never leaks as a
 * Referer from the calendar app or browser that opens it.
 */
const ICS_HEADERS = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };

/** Path of the public calendar link of a token. */
export function toPublicIcsPath(token: string): string {
  return `/calendar/bookings/${token}.ics`;
}

/** Builds the calendar routes. */
export function buildCalendarRoutes(deps: { prisma: PrismaClient }): AnyApiRoute[] {
  const { prisma } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/v1/appointments/{id}/ics',
      family: 'appointments',
      summary: 'The appointment as an iCalendar file',
      description: 'SEQUENCE grows with each reschedule; after a cancel the file says STATUS:CANCELLED and METHOD:CANCEL.',
      params: idOrUidParamsSchema,
      status: 200,
      produces: 'text/calendar',
      errors: [404],
      async handle({ params, auth }) {
        const booking = await findBookingForIcs(prisma, { businessId: auth.businessId, idOrUid: params.id });
        if (!booking) throw toDomainError('booking_not_found', `No appointment "${params.id}" in this business.`);
        return new RouteResponse(200, buildBookingIcs(booking), ICS_CONTENT_TYPE, ICS_HEADERS);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/appointments/{id}/calendar-link',
      family: 'appointments',
      summary: 'The public “Add to calendar” link of an appointment (created on first use)',
      params: idOrUidParamsSchema,
      status: 200,
      response: z.object({ path: z.string().describe('Append to the public base URL of the server.') }),
      errors: [404],
      async handle({ params, auth }) {
        const booking = await findBookingForIcs(prisma, { businessId: auth.businessId, idOrUid: params.id });
        if (!booking) throw toDomainError('booking_not_found', `No appointment "${params.id}" in this business.`);
        const token = await ensureIcsToken(prisma, { businessId: auth.businessId, bookingId: booking.id });
        if (!token) throw toDomainError('booking_not_found', `No appointment "${params.id}" in this business.`);
        return { path: toPublicIcsPath(token) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/calendar/bookings/{token}.ics',
      family: 'calendar',
      summary: 'Public calendar file of one appointment (no key: the token is the secret)',
      description: 'Only what the customer should see: service, staff, place, times and how to manage the booking (never staff notes). Sent with Cache-Control: no-store and Referrer-Policy: no-referrer.',
      isPublic: true,
      params: z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a calendar link token') }),
      status: 200,
      produces: 'text/calendar',
      errors: [404],
      async handle({ params }) {
        const booking = await findBookingByIcsToken(prisma, params.token);
        if (!booking) throw new ApiError(404, 'not_found', 'This calendar link does not exist (or the appointment was deleted).');
        return new RouteResponse(200, buildBookingIcs(booking), ICS_CONTENT_TYPE, ICS_HEADERS);
      },
    }),
  ];
}
