/**
 * /v1/appointments: slots, list, read, book, reschedule, cancel, lifecycle actions, details,
 * delete. Every change goes through the booking core (serializable confirm, exclusion constraint).
 */
import { z } from 'zod';
import { findBusinessSettings, type BookingService } from '../booking';
import type { Clock } from '../platform/clock';
import type { PrismaClient } from '../platform/database';
import { toDomainError } from '../platform/errors';
import { addLocalDays, localDayRange, type Slot } from '../scheduling';
import { ApiError } from './api-error';
import { toAlternativeDto, toAppointmentDto } from './appointment-dto';
import {
  deleteAppointment,
  findAppointmentView,
  findOrCreateCustomerByPhone,
  listAppointmentViews,
  locationExists,
  staffExists,
} from './appointment-repository';
import {
  alternativeSlotSchema,
  appointmentPageSchema,
  appointmentSchema,
  cancelBodySchema,
  createAppointmentBodySchema,
  listAppointmentsQuerySchema,
  ratingBodySchema,
  rescheduleBodySchema,
  slotsQuerySchema,
  type RequestedStart,
  slotsResponseSchema,
  updateAppointmentBodySchema,
} from './appointment-schemas';
import type { ApiAuth } from './auth';
import { emptyBodySchema, idOrUidParamsSchema, toPagination } from './common-schemas';
import { toE164 } from './phone-number';
import { defineRoute, RouteResponse, type AnyApiRoute } from './route-definition';
import { fromLocalDateTime, toLocalDateTime } from './zoned-time';
import { CANCEL_EXAMPLES, CREATE_EXAMPLES, RESCHEDULE_EXAMPLES } from './appointment-examples';

/** What the appointment routes need. */
export interface AppointmentRouteDeps {
  prisma: PrismaClient;
  clock: Clock;
  bookings: BookingService;
}

const actorOf = (auth: ApiAuth) => `api:${auth.keyId}`;

/** The 409 answer of a taken slot, with the nearest free alternatives in the caller's zone. */
function toSlotTakenError(alternatives: Slot[], timeZone: string) {
  return toDomainError('slot_no_longer_available', 'That slot was just taken. Pick one of the alternatives or ask for slots again.', {
    alternatives: alternatives.map((slot) => toAlternativeDto(slot, timeZone)),
  });
}

/** The instant a request asks for: startTime carries its own offset; date + time are read in the zone. */
function toStartInstant(start: RequestedStart, timeZone: string): Date {
  return 'startTime' in start ? new Date(start.startTime) : fromLocalDateTime({ date: start.date, time: start.time, timeZone });
}

/** The local dates a booking can fall on: today up to `maxAdvanceDays` ahead, in the caller's zone. */
function toBookingWindow(now: Date, maxAdvanceDays: number, timeZone: string) {
  return {
    first: toLocalDateTime(now, timeZone).date,
    last: toLocalDateTime(new Date(now.getTime() + maxAdvanceDays * 86_400_000), timeZone).date,
    maxAdvanceDays,
  };
}

/** Why a date has no slots when it lies outside the booking window; undefined inside it. */
function describeOutsideWindow(date: string, window: { first: string; last: string; maxAdvanceDays: number }): string | undefined {
  const range = `bookings can be made from ${window.first} to ${window.last} (up to ${window.maxAdvanceDays} days ahead)`;
  if (date < window.first) return `${date} is in the past: ${range}.`;
  if (date > window.last) return `${date} is beyond the booking window: ${range}.`;
  return undefined;
}

/** Builds the appointment routes (order matters: fixed paths before /{id}). */
export function buildAppointmentRoutes(deps: AppointmentRouteDeps): AnyApiRoute[] {
  const { prisma, bookings } = deps;

  async function requireBusiness(businessId: string) {
    const business = await findBusinessSettings(prisma, businessId);
    if (!business) throw new ApiError(404, 'not_found', 'The business of this API key no longer exists.');
    return business;
  }

  async function requireBusinessZone(businessId: string): Promise<string> {
    return (await requireBusiness(businessId)).timeZone;
  }

  async function requireView(businessId: string, idOrUid: string) {
    const view = await findAppointmentView(prisma, businessId, idOrUid);
    if (!view) throw toDomainError('booking_not_found', `No appointment "${idOrUid}" in this business. List appointments to find valid ids.`);
    return view;
  }

  async function ensureStaffAndLocation(businessId: string, ids: { staffId?: string | null; locationId?: string | null }) {
    if (ids.staffId && !(await staffExists(prisma, businessId, ids.staffId))) {
      throw toDomainError('staff_not_found', `No staff member "${ids.staffId}" in this business. List staff to find valid ids.`);
    }
    if (ids.locationId && !(await locationExists(prisma, businessId, ids.locationId))) {
      throw toDomainError('location_not_found', `No location "${ids.locationId}" in this business. List locations to find valid ids.`);
    }
  }

  // Whautomate sends the appointment's location along; a different one means the caller has the wrong appointment.
  async function ensureAtLocation(businessId: string, appointmentId: string, locationId: string | undefined) {
    if (!locationId) return;
    const view = await requireView(businessId, appointmentId);
    if (view.location && view.location.id !== locationId) {
      throw new ApiError(422, 'location_mismatch', `Appointment "${appointmentId}" is at location ${view.location.id}, not ${locationId}. Send that location's id or leave location out.`, {
        locationId: view.location.id,
      });
    }
  }

  function ensureOverrideAllowed(auth: ApiAuth, isOverride: boolean | undefined) {
    if (isOverride && auth.role !== 'admin') {
      throw new ApiError(403, 'forbidden', 'Only admin keys may set overrideTimeSlotValidation. Leave it out to book a listed slot.');
    }
  }

  const lifecycle = (segment: string, event: 'CONFIRM' | 'START' | 'COMPLETE' | 'MARK_NO_SHOW', summary: string) =>
    defineRoute({
      method: 'post',
      path: `/v1/appointments/{id}/${segment}`,
      family: 'appointments',
      summary,
      params: idOrUidParamsSchema,
      body: emptyBodySchema,
      bodyExample: {},
      status: 200,
      response: appointmentSchema,
      errors: [404, 409],
      async handle({ params, auth }) {
        const booking = await bookings.applyLifecycle({ businessId: auth.businessId, bookingId: params.id, event, actor: actorOf(auth) });
        return toAppointmentDto(await requireView(auth.businessId, booking.id));
      },
    });

  return [
    defineRoute({
      method: 'get',
      path: '/v1/appointments/slots',
      family: 'appointments',
      summary: 'Free start times of a service on a date (or three days)',
      description: 'One entry per local date; one slot per distinct start time. Without staffId, a slot is listed when any staff member who performs the service is free.',
      query: slotsQuerySchema,
      status: 200,
      response: slotsResponseSchema,
      errors: [404, 422],
      async handle({ query, auth }) {
        const business = await requireBusiness(auth.businessId);
        const timeZone = query.timezone ?? business.timeZone;
        await ensureStaffAndLocation(auth.businessId, query);
        const dates = Array.from({ length: query.nextThreeDays ? 3 : 1 }, (_, index) => addLocalDays(query.date, index));
        const from = localDayRange(dates[0]!, timeZone).start;
        const to = localDayRange(dates[dates.length - 1]!, timeZone).end;
        const { slots } = await bookings.findSlots({
          businessId: auth.businessId,
          serviceId: query.serviceId,
          staffId: query.staffId,
          from,
          to,
          addOnServiceIds: query.addOnServiceIds,
        });
        const window = toBookingWindow(deps.clock.now(), business.maxAdvanceDays, timeZone);
        return dates.map((date) => {
          const notice = describeOutsideWindow(date, window);
          return {
            date,
            timezone: timeZone,
            slots: slots
              .filter((slot) => toLocalDateTime(slot.start, timeZone).date === date)
              .map((slot) => {
                const { startTime, endTime } = toAlternativeDto(slot, timeZone);
                return { startTime, endTime };
              }),
            ...(notice ? { notice } : {}),
          };
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/appointments',
      family: 'appointments',
      summary: 'List appointments',
      description: 'Soonest first. startDate/endDate are local dates in the business zone, both inclusive.',
      query: listAppointmentsQuerySchema,
      status: 200,
      response: appointmentPageSchema,
      async handle({ query, auth }) {
        const needsZone = query.startDate !== undefined || query.endDate !== undefined;
        const timeZone = needsZone ? await requireBusinessZone(auth.businessId) : 'UTC';
        const { rows, total } = await listAppointmentViews(
          prisma,
          {
            businessId: auth.businessId,
            staffId: query.staffId,
            customerId: query.clientId,
            locationId: query.locationId,
            status: query.status,
            startsFrom: query.startDate ? localDayRange(query.startDate, timeZone).start : undefined,
            startsBefore: query.endDate ? localDayRange(query.endDate, timeZone).end : undefined,
          },
          { skip: (query.page - 1) * query.limit, take: query.limit },
        );
        return { data: rows.map(toAppointmentDto), pagination: toPagination({ page: query.page, limit: query.limit, totalItems: total }) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/appointments',
      family: 'appointments',
      summary: 'Book an appointment',
      description:
        'The client is an existing clientId, or fullName + countryCode + phone (found or created by phone number). A taken slot answers 409 slot_no_longer_available with details.alternatives.',
      body: createAppointmentBodySchema,
      bodyExample: CREATE_EXAMPLES.nested.value,
      bodyExamples: CREATE_EXAMPLES,
      status: 201,
      response: appointmentSchema,
      errors: [404, 409, 422],
      async handle({ body, auth }) {
        ensureOverrideAllowed(auth, body.overrideTimeSlotValidation);
        const timeZone = body.timezone ?? (await requireBusinessZone(auth.businessId));
        const start = toStartInstant(body.start, timeZone);
        await ensureStaffAndLocation(auth.businessId, body);
        const customerId = 'id' in body.client ? body.client.id : await findOrCreateClient(auth.businessId, body.client);
        const result = await bookings.confirmSlot({
          businessId: auth.businessId,
          customerId,
          serviceId: body.serviceId,
          staffId: body.staffId ?? undefined,
          locationId: body.locationId,
          start,
          source: 'api',
          notes: body.notes,
          metadata: body.metadata,
          addOnServiceIds: body.addOnServiceIds,
          actor: actorOf(auth),
          overrideTimeSlotValidation: body.overrideTimeSlotValidation,
        });
        if (!result.ok) throw toSlotTakenError(result.alternatives, timeZone);
        return toAppointmentDto(await requireView(auth.businessId, result.booking.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/appointments/reschedule',
      family: 'appointments',
      summary: 'Move an appointment to another time',
      body: rescheduleBodySchema,
      bodyExample: RESCHEDULE_EXAMPLES.nested.value,
      bodyExamples: RESCHEDULE_EXAMPLES,
      status: 200,
      response: appointmentSchema,
      errors: [404, 409, 422],
      async handle({ body, auth }) {
        ensureOverrideAllowed(auth, body.overrideTimeSlotValidation);
        const timeZone = body.timezone ?? (await requireBusinessZone(auth.businessId));
        const start = toStartInstant(body.start, timeZone);
        await ensureStaffAndLocation(auth.businessId, body);
        await ensureAtLocation(auth.businessId, body.appointmentId, body.locationId);
        const result = await bookings.reschedule({
          businessId: auth.businessId,
          bookingId: body.appointmentId,
          start,
          staffId: body.staffId,
          reason: body.reason,
          actor: actorOf(auth),
          overrideTimeSlotValidation: body.overrideTimeSlotValidation,
        });
        if (!result.ok) throw toSlotTakenError(result.alternatives, timeZone);
        return toAppointmentDto(await requireView(auth.businessId, result.booking.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/appointments/cancel',
      family: 'appointments',
      summary: 'Cancel an appointment',
      body: cancelBodySchema,
      bodyExample: CANCEL_EXAMPLES.nested.value,
      bodyExamples: CANCEL_EXAMPLES,
      status: 200,
      response: appointmentSchema,
      errors: [404, 409, 422],
      async handle({ body, auth }) {
        await ensureStaffAndLocation(auth.businessId, body);
        await ensureAtLocation(auth.businessId, body.appointmentId, body.locationId);
        const booking = await bookings.cancel({ businessId: auth.businessId, bookingId: body.appointmentId, reason: body.cancellationReason, actor: actorOf(auth) });
        return toAppointmentDto(await requireView(auth.businessId, booking.id));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/appointments/{id}',
      family: 'appointments',
      summary: 'Read one appointment',
      params: idOrUidParamsSchema,
      status: 200,
      response: appointmentSchema,
      errors: [404],
      async handle({ params, auth }) {
        return toAppointmentDto(await requireView(auth.businessId, params.id));
      },
    }),
    lifecycle('confirm', 'CONFIRM', 'Confirm a pending appointment'),
    lifecycle('start', 'START', 'Mark an appointment as started (client arrived)'),
    lifecycle('complete', 'COMPLETE', 'Mark an appointment as completed'),
    lifecycle('no-show', 'MARK_NO_SHOW', 'Mark an appointment as a no-show'),
    defineRoute({
      method: 'post',
      path: '/v1/appointments/{id}/rating',
      family: 'appointments',
      summary: "Store the client's 0–5 rating of a completed appointment",
      params: idOrUidParamsSchema,
      body: ratingBodySchema,
      bodyExample: { rating: 5 },
      status: 200,
      response: appointmentSchema,
      errors: [404, 409],
      async handle({ params, body, auth }) {
        const booking = await bookings.rate({ businessId: auth.businessId, bookingId: params.id, rating: body.rating, actor: actorOf(auth) });
        return toAppointmentDto(await requireView(auth.businessId, booking.id));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/appointments/{id}',
      family: 'appointments',
      summary: 'Change location, source, metadata or notes',
      params: idOrUidParamsSchema,
      body: updateAppointmentBodySchema,
      bodyExample: { notes: 'Bring previous X-rays', metadata: { crmId: 'A-1001' } },
      status: 200,
      response: appointmentSchema,
      errors: [404, 409],
      async handle({ params, body, auth }) {
        await ensureStaffAndLocation(auth.businessId, { locationId: body.locationId });
        const booking = await bookings.updateDetails({
          businessId: auth.businessId,
          bookingId: params.id,
          actor: actorOf(auth),
          locationId: body.locationId,
          locationText: body.locationText,
          source: body.bookedFrom,
          metadata: body.metadata,
          notes: body.notes,
        });
        return toAppointmentDto(await requireView(auth.businessId, booking.id));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/appointments/{id}',
      family: 'appointments',
      summary: 'Delete an appointment and its audit log',
      description: 'For mistakes and test data; cancel real appointments instead. Messages already queued or sent are kept.',
      params: idOrUidParamsSchema,
      status: 204,
      errors: [404],
      async handle({ params, auth }) {
        const view = await requireView(auth.businessId, params.id);
        const isDeleted = await prisma.$transaction((tx) => deleteAppointment(tx, { businessId: auth.businessId, bookingId: view.id }));
        if (!isDeleted) throw toDomainError('booking_not_found', `No appointment "${params.id}" in this business.`);
        return new RouteResponse(204, undefined);
      },
    }),
  ];

  async function findOrCreateClient(businessId: string, client: { fullName: string; countryCode: string; phone: string }): Promise<string> {
    const { fullName, countryCode, phone } = client;
    const number = toE164({ countryCode, phone });
    if (!number) {
      throw new ApiError(400, 'invalid_request', 'The request is not valid; see details for each field.', [
        { in: 'body', field: 'phone', message: 'countryCode + phone must make an international number of 8–15 digits' },
      ]);
    }
    const customer = await findOrCreateCustomerByPhone(prisma, { businessId, ...number, name: fullName });
    return customer.id;
  }
}

/** Exposed for the OpenAPI document: the 409 details of a taken slot. */
export const slotTakenDetailsSchema = z.object({ alternatives: z.array(alternativeSlotSchema) });
