/**
 * The booking Flow's request handling after decryption: ping, client error notifications, token
 * check (427), then INIT / BACK / data_exchange dispatched to one handler per screen
 * (flows/README.md is the data contract). Returns what to encrypt and which status to send.
 */
import { z } from 'zod';
import type { BookingService } from '../booking';
import type { Clock } from '../platform/clock';
import type { PrismaClient } from '../platform/database';
import { findUnsafeInput } from '../platform/input-safety';
import type { Logger } from '../platform/logger';
import type { SqlTarget } from '../platform/sql';
import { FLOW_TEXTS, normalizeLocale } from '../texts';
import { buildDateScreen, handleChooseDate } from './date-screen';
import { handleSubmitDetails } from './details-screen';
import type { FlowAvailability } from './flow-availability';
import { findFlowBooking } from './flow-repository';
import { FlowRequestError, resolveFlowService, type FlowScreenAnswer, type FlowSession } from './flow-session';
import { recordFlowOpened } from './flow-funnel-repository'; // KPI funnel hook (issue 25)
import { fitBookingScreenAnswer } from './fit-flow-data';
import { resolveFlowToken, type FlowTokenRow } from './flow-tokens';
import { buildServiceScreen, handleChooseService } from './service-screen';
import { buildStaffScreen, handleChooseStaff } from './staff-screen';
import { handleChooseTime } from './time-screen';

/** What the endpoint needs to answer requests. */
export interface FlowEndpointDeps {
  prisma: PrismaClient;
  clock: Clock;
  logger: Logger;
  bookings: BookingService;
  /** Settings, schedules and busy times (createFlowAvailability). */
  availability: FlowAvailability;
  /** Where the per-request token lookup runs (a pg pool on the hot path); defaults to `prisma`. */
  tokenReads?: SqlTarget;
}

/** The answer: a JSON to encrypt (200 or 427), or a plain error for a request we cannot read (400). */
export type FlowEndpointResult =
  | { kind: 'encrypted'; status: 200 | 427; response: unknown }
  | { kind: 'plain'; status: 400; code: string; message: string };

/** A decrypted Flows request (WHATSAPP.md §4.6). */
export const flowRequestSchema = z.object({
  version: z.string().optional(),
  action: z.enum(['ping', 'INIT', 'BACK', 'data_exchange']),
  screen: z.string().optional(),
  data: z.record(z.string(), z.unknown()).nullish(),
  flow_token: z.string().optional(),
});

/** A decrypted Flows request. */
export type FlowRequest = z.infer<typeof flowRequestSchema>;

type ScreenHandler = (session: FlowSession, data: Record<string, unknown>) => Promise<FlowScreenAnswer>;

/**
 * data_exchange handlers by the Footer's `screen_action` (booking.flow.json). A Map: the client
 * names the key, and a plain object would answer "constructor" or "toString" from its prototype.
 */
const SCREEN_ACTIONS: ReadonlyMap<string, ScreenHandler> = new Map(
  Object.entries({
    choose_service: handleChooseService,
    choose_staff: handleChooseStaff,
    choose_date: handleChooseDate,
    choose_time: handleChooseTime,
    submit_details: handleSubmitDetails,
  }),
);

const CHANGEABLE_STATUSES = new Set(['pending', 'confirmed']);

/** Handles one decrypted request. Never throws for anything a client can send. */
export async function handleFlowRequest(deps: FlowEndpointDeps, payload: unknown): Promise<FlowEndpointResult> {
  // The platform's one rule for text (no NUL, no unpaired surrogate, bounded depth), before anything reads the request.
  const unsafe = findUnsafeInput(payload);
  if (unsafe) return { kind: 'plain', status: 400, code: 'invalid_flow_request', message: `The decrypted Flows request is not usable: ${unsafe.message}.` };
  const parsed = flowRequestSchema.safeParse(payload);
  if (!parsed.success) {
    return { kind: 'plain', status: 400, code: 'invalid_flow_request', message: 'The decrypted Flows request is not a ping, INIT, BACK or data_exchange request.' };
  }
  const request = parsed.data;
  if (request.action === 'ping') return encrypted({ data: { status: 'active' } });
  const data = request.data ?? {};
  if (data.error !== undefined) {
    // The client could not use an earlier answer; Meta only wants an acknowledgement, we want the log line.
    deps.logger.warn(
      { screen: request.screen?.slice(0, 100), action: request.action, flowError: describeClientValue(data.error, 100), flowErrorMessage: describeClientValue(data.error_message ?? '', 300) },
      'WhatsApp Flow client reported an error',
    );
    return encrypted({ data: { acknowledged: true } });
  }
  const now = deps.clock.now();
  const resolved = await resolveFlowToken(deps.tokenReads ?? deps.prisma, request.flow_token ?? '', now);
  if (!resolved.ok) return tokenRefused(resolved.token?.locale, 'errorTokenInvalid');
  return answerStep(deps, request, data, resolved.token, now);
}

async function answerStep(
  deps: FlowEndpointDeps,
  request: FlowRequest,
  data: Record<string, unknown>,
  token: FlowTokenRow,
  now: Date,
): Promise<FlowEndpointResult> {
  const opened = await openSession(deps, token, now);
  if (!opened.ok) return tokenRefused(token.locale, opened.reason);
  const session = opened.session;
  try {
    if (request.action === 'INIT' && token.mode === 'book') await recordFlowOpened(deps.tokenReads ?? deps.prisma, token, now); // KPI funnel hook (issue 25)
    if (request.action === 'INIT' || request.action === 'BACK') return encrypted(fitBookingScreenAnswer(await buildEntryScreen(session)));
    const screenAction = typeof data.screen_action === 'string' ? SCREEN_ACTIONS.get(data.screen_action) : undefined;
    if (!screenAction) {
      return { kind: 'plain', status: 400, code: 'unknown_screen_action', message: `Unknown screen_action ${JSON.stringify(data.screen_action)}; see flows/README.md.` };
    }
    // Names and texts from the business can be longer than the component they land in allows.
    return encrypted(fitBookingScreenAnswer(await screenAction(session, data)));
  } catch (error) {
    if (error instanceof FlowRequestError) return { kind: 'plain', status: 400, code: 'invalid_flow_request', message: error.message };
    throw error;
  }
}

/** INIT (and BACK, which this Flow never asks for since no screen refreshes on back): the first screen of the mode. */
async function buildEntryScreen(session: FlowSession): Promise<FlowScreenAnswer> {
  if (!session.booking) return buildServiceScreen(session);
  // Moving a booking keeps its service: start at the staff (or, with one person, at the days).
  const service = resolveFlowService(session, session.booking.serviceId);
  const [only] = service.staff;
  if (service.staff.length === 1 && only) return buildDateScreen(session, service, only.id);
  return buildStaffScreen(session, service);
}

async function openSession(
  deps: FlowEndpointDeps,
  token: FlowTokenRow,
  now: Date,
): Promise<{ ok: true; session: FlowSession } | { ok: false; reason: 'errorTokenInvalid' | 'errorBookingNotChangeable' }> {
  const catalog = await deps.availability.loadCatalog(token.businessId, now);
  if (!catalog) return { ok: false, reason: 'errorTokenInvalid' };
  const { business } = catalog;
  const customer = { id: token.customerId, name: token.customerName };
  let booking = null;
  if (token.mode === 'reschedule') {
    booking = token.bookingId ? await findFlowBooking(deps.prisma, { businessId: business.id, customerId: customer.id, bookingId: token.bookingId }) : null;
    if (!booking || !CHANGEABLE_STATUSES.has(booking.status) || deps.bookings.isChangeLocked(booking, business)) {
      return { ok: false, reason: 'errorBookingNotChangeable' };
    }
  }
  const locale = normalizeLocale(token.locale);
  return {
    ok: true,
    session: { db: deps.prisma, bookings: deps.bookings, availability: deps.availability, catalog, now, token, business, customer, locale, texts: FLOW_TEXTS[locale], booking },
  };
}

// Never String() a client's object: its toString may be anything (or throw).
function describeClientValue(value: unknown, maxLength: number): string {
  if (typeof value === 'string') return value.slice(0, maxLength);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === null ? 'null' : `(${Array.isArray(value) ? 'array' : typeof value})`;
}

function encrypted(response: unknown): FlowEndpointResult {
  return { kind: 'encrypted', status: 200, response };
}

// The 427 body is encrypted like any answer: the WhatsApp client decrypts it and shows error_msg (WHATSAPP.md §4.8).
function tokenRefused(locale: string | undefined, key: 'errorTokenInvalid' | 'errorBookingNotChangeable'): FlowEndpointResult {
  const texts = FLOW_TEXTS[normalizeLocale(locale)];
  return { kind: 'encrypted', status: 427, response: { error_msg: texts[key] } };
}
