/**
 * What every screen handler of the booking Flow works with: the validated token, the business,
 * the customer, their language, and (reschedule mode) the booking being moved. Also the shared
 * shapes of requests and answers.
 */
import { extendSpan, type BookingService, type BusinessSettings } from '../booking';
import type { Db } from '../platform/database';
import type { FlowTexts, Locale } from '../texts';
import type { BusinessCatalog, FlowAvailability, ScheduledService } from './flow-availability';
import type { FlowTokenRow } from './flow-tokens';
import { isUuid, type FlowBooking } from './flow-repository';

/** One validated Flow request's world. */
export interface FlowSession {
  db: Db;
  bookings: BookingService;
  availability: FlowAvailability;
  /** The business's settings, services and schedules. */
  catalog: BusinessCatalog;
  now: Date;
  token: FlowTokenRow;
  business: BusinessSettings;
  customer: { id: string; name: string | null };
  locale: Locale;
  texts: FlowTexts;
  /** The booking a reschedule token moves; null in book mode. */
  booking: FlowBooking | null;
}

/** A screen answer: the next (or same) screen and all of its data fields. */
export interface FlowScreenAnswer {
  screen: string;
  data: Record<string, unknown>;
}

/** Screen ids of flows/booking.flow.json. */
export const FLOW_SCREENS = ['SERVICE', 'STAFF', 'DATE', 'TIME', 'DETAILS', 'SUMMARY'] as const;

/** A request the endpoint refuses outright (HTTP 400): only forged or malformed payloads get here. */
export class FlowRequestError extends Error {
  override readonly name = 'FlowRequestError';
  /** HTTP status of the answer. */
  readonly statusCode = 400;
}

/** The value the Flow sends for "any available" staff. */
export const ANY_STAFF = 'any';

/**
 * The service a screen works on: from the screen's hidden `service_id`, or fixed by the booking in
 * reschedule mode (the client cannot switch services while moving a booking).
 */
export function resolveFlowService(session: FlowSession, serviceId: unknown): ScheduledService {
  const service = findCatalogService(session, session.booking ? session.booking.serviceId : serviceId);
  if (!service) throw new FlowRequestError('The Flow request names a service this business does not offer.');
  return service;
}

/** An active, bookable service of the business by id (undefined otherwise). */
export function findCatalogService(session: FlowSession, serviceId: unknown): ScheduledService | undefined {
  return isUuid(serviceId) ? session.catalog.services.find((service) => service.id === serviceId) : undefined;
}

/** The service as long as the visit to place: while moving a booking, its add-ons stay with it and need room too. */
export function toVisitSpan(session: FlowSession, service: ScheduledService): ScheduledService {
  const addOns = session.booking?.addOns ?? [];
  return addOns.length === 0 ? service : { ...service, ...extendSpan(service, addOns) };
}

/** A staff choice ('any' or a member who performs the service), else a FlowRequestError. */
export function resolveFlowStaff(service: ScheduledService, staffId: unknown, options: { isAnyAllowed: boolean }): string {
  if (staffId === ANY_STAFF && options.isAnyAllowed) return ANY_STAFF;
  if (isUuid(staffId) && service.staff.some((member) => member.id === staffId)) return staffId;
  throw new FlowRequestError('The Flow request names a staff member who does not perform this service.');
}

const DAY_MS = 86_400_000;

/**
 * True for an instant inside the booking window (now to now + maxAdvanceDays, a day's slack on
 * each side for the handlers' own checks): a time or slot the client sends outside it was never offered.
 */
export function isWithinBookingWindow(session: FlowSession, instant: Date): boolean {
  const time = instant.getTime();
  const now = session.now.getTime();
  return Number.isFinite(time) && time >= now - DAY_MS && time <= now + (session.business.maxAdvanceDays + 1) * DAY_MS;
}

/** Reads a string field of the request data ('' when absent or not a string). */
export function readString(data: Record<string, unknown>, field: string): string {
  const value = data[field];
  return typeof value === 'string' ? value : '';
}

/** The staff filter of the booking core: undefined means any. */
export function toStaffFilter(staffId: string): string | undefined {
  return staffId === ANY_STAFF ? undefined : staffId;
}
