/**
 * Request examples of /v1/appointments for the OpenAPI document: Whautomate's nested shape first
 * (what its integrators send), then the flat aliases and a slot's startTime. A test parses each
 * with the route's own schema.
 */
import type { z } from 'zod';
import type { cancelBodySchema, createAppointmentBodySchema, rescheduleBodySchema } from './appointment-schemas';

/** A named request example as OpenAPI's `examples` holds it. */
export interface BodyExample<T> {
  summary: string;
  value: T;
}

const LOCATION_ID = '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const STAFF_ID = '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const CLIENT_ID = '3f2a8a64-5b1c-4c1e-9a57-0d4f1c9b2e11';

/** Examples of POST /v1/appointments. */
export const CREATE_EXAMPLES = {
  nested: {
    summary: "Whautomate's shape: a new client found or created by phone number, with an add-on",
    value: {
      client: { fullName: 'Maria Lopez', countryCode: '+34', phone: '611 222 333' },
      service: { id: 'consultation' },
      staff: { id: STAFF_ID },
      location: { id: LOCATION_ID },
      date: '2026-03-31',
      time: '09:00',
      timezone: 'Europe/Madrid',
      notes: 'First visit',
      addOnServices: [{ id: 'fluoride' }],
      overrideTimeSlotValidation: false,
    },
  },
  existingClient: {
    summary: 'An existing client, any free staff member',
    value: { client: { id: CLIENT_ID }, service: { id: 'consultation' }, date: '2026-03-31', time: '09:30', timezone: 'Europe/Madrid' },
  },
  startTime: {
    summary: 'A slot exactly as GET /v1/appointments/slots returned it',
    value: { client: { id: CLIENT_ID }, service: { id: 'consultation' }, startTime: '2026-03-31T09:00:00+02:00' },
  },
  flat: {
    summary: 'Flat ids (aliases of the nested objects)',
    value: {
      fullName: 'Maria Lopez',
      countryCode: '+34',
      phone: '611 222 333',
      serviceId: 'consultation',
      staffId: STAFF_ID,
      date: '2026-03-31',
      time: '09:00',
      timezone: 'Europe/Madrid',
      addOnServices: [],
    },
  },
} satisfies Record<string, BodyExample<z.input<typeof createAppointmentBodySchema>>>;

/** Examples of POST /v1/appointments/reschedule. */
export const RESCHEDULE_EXAMPLES = {
  nested: {
    summary: "Whautomate's shape",
    value: { appointmentId: 'bk_0123456789abcdef', location: { id: LOCATION_ID }, date: '2026-04-01', time: '10:30', timezone: 'Europe/Madrid' },
  },
  startTime: {
    summary: 'A slot exactly as GET /v1/appointments/slots returned it, with a reason',
    value: { appointmentId: 'bk_0123456789abcdef', startTime: '2026-04-01T10:30:00+02:00', reason: 'Client asked' },
  },
  flat: {
    summary: 'Flat ids, moving to another staff member',
    value: { appointmentId: 'bk_0123456789abcdef', date: '2026-04-01', time: '10:30', staffId: STAFF_ID },
  },
} satisfies Record<string, BodyExample<z.input<typeof rescheduleBodySchema>>>;

/** Examples of POST /v1/appointments/cancel. */
export const CANCEL_EXAMPLES = {
  nested: {
    summary: "Whautomate's shape",
    value: { appointmentId: 'bk_0123456789abcdef', location: { id: LOCATION_ID }, cancellationReason: 'Client is ill' },
  },
  flat: {
    summary: 'Without the location',
    value: { appointmentId: 'bk_0123456789abcdef', cancellationReason: 'Client is ill' },
  },
} satisfies Record<string, BodyExample<z.input<typeof cancelBodySchema>>>;
