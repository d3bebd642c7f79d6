/**
 * GET /v1/reports/kpis: how the front desk is doing, per day, week or month of the business's
 * time zone, computed from stored facts (src/reports).
 */
import { z } from 'zod';
import type { Clock } from '../platform/clock';
import type { PrismaClient } from '../platform/database';
import { createKpiReports, kpiQuerySchema } from '../reports';
import { ApiError } from './api-error';
import { defineRoute, type AnyApiRoute } from './route-definition';

const count = z.number().int().min(0);
const rate = z.number().min(0).max(1).nullable();
const seconds = z.number().min(0).nullable();
const paths = z.object({ flow: count, list: count });
const actors = z.object({ customer: count, staff: count, api: count, system: count }).describe('By who made the change: the customer on WhatsApp, staff in the console, an API key, or the server itself.');

const kpiValuesSchema = z.object({
  conversationsStarted: count.describe('Customer messages that opened a conversation: no message from the same customer in the 24 hours before.'),
  funnel: z
    .object({
      bookingIntents: count.describe('"Book" tapped or typed.'),
      intentsByPath: paths,
      flowOpened: count.describe('Booking forms opened (the Flows endpoint’s INIT; a form reopened counts once).'),
      listStarted: count.describe('List paths started (the service list sent).'),
      slotChosen: count.describe('Times chosen: a list row tapped and held, or a form submitted.'),
      slotChosenByPath: paths,
      bookingsConfirmed: count.describe('Bookings confirmed in the chat or the form.'),
      confirmedByPath: paths,
    })
    .describe('The booking funnel: intent → form opened or list started → time chosen → confirmed.'),
  bookingRate: rate.describe('bookingsConfirmed / bookingIntents.'),
  medianSecondsToBooking: seconds.describe('Median time from the customer’s first message (in the 24 hours before) to the confirmed booking.'),
  botMessages: z.object({
    sent: count.describe('Bot replies accepted by WhatsApp.'),
    perConfirmedBooking: z.object({ flow: z.number().min(0).nullable(), list: z.number().min(0).nullable() }).describe('Bot replies from the intent to the confirmation, per confirmed booking, by path.'),
  }),
  billableMessages: z
    .record(z.string(), z.object({ billable: count, free: count }))
    .describe('Messages by the pricing category Meta reported in its status webhooks; only categories Meta reported appear. No prices: Meta bills them.'),
  bookingsBySource: z.object({ chat: count, flow: count, api: count, console: count }).describe('Bookings made in the period, by where.'),
  cancellations: actors,
  reschedules: actors,
  completed: count,
  noShows: count,
  noShowRate: rate.describe('noShows / (noShows + completed).'),
  ratings: count,
  averageRating: z.number().min(1).max(5).nullable(),
  handoffs: z.object({ asked: count, emergency: count, failure: count }).describe('Conversations handed to a person, by why.'),
  escalationRate: z.number().min(0).nullable().describe('Hand-offs / conversations started (a hand-off of a conversation started before the range can lift it above 1).'),
  medianSecondsToFirstStaffReply: seconds.describe('Median time from a hand-off to the first reply a person wrote (console or API).'),
  handoffsUnanswered: count.describe('Hand-offs no person has replied to yet.'),
  holdsExpired: count.describe('Held times released because the customer went quiet on the summary.'),
  pathsAbandoned: paths.describe('List paths left without a booking, and booking forms opened whose token expired unused.'),
  slotTakenAtConfirmation: count.describe('Times taken by someone else between the choice and the confirmation (the re-check prevented a double booking).'),
  reminders: z.object({ sent: count, delivered: count, read: count, failed: count, confirmationsTapped: count.describe('"Confirm" tapped on a reminder.') }),
});

const kpiReportSchema = z.object({
  from: z.string().describe('First local date covered.'),
  to: z.string().describe('Last local date covered (included).'),
  granularity: z.enum(['day', 'week', 'month']),
  timeZone: z.string().describe('The business’s time zone the dates are in.'),
  periods: z.array(kpiValuesSchema.extend({ start: z.string(), end: z.string() })).describe('Every period of the range, oldest first, empty ones included; the first and last are clipped to from/to.'),
  totals: kpiValuesSchema.describe('The whole range (medians over all its facts).'),
});

/** Builds the report routes. */
export function buildReportRoutes(deps: { prisma: PrismaClient; clock: Clock }): AnyApiRoute[] {
  const reports = createKpiReports(deps);
  return [
    defineRoute({
      method: 'get',
      path: '/v1/reports/kpis',
      family: 'reports',
      summary: 'Front-desk KPIs per day, week or month',
      description:
        'Conversations, the booking funnel by path (WhatsApp Flow or lists), messages per booking, billable messages by Meta’s pricing category, bookings by source, ' +
        'cancellations, no-shows, ratings, hand-offs, abandoned paths, taken slots and reminders, in the business’s time zone. Every number is computed from stored facts. ' +
        'A range covers at most 366 days by day, 731 by week, 1830 by month.',
      query: kpiQuerySchema,
      status: 200,
      response: kpiReportSchema,
      async handle({ query, auth }) {
        const result = await reports.build({ businessId: auth.businessId, ...query });
        if (!result.ok) throw new ApiError(400, 'invalid_range', `The report range is not valid: ${result.message}`);
        return result.report;
      },
    }),
  ];
}
