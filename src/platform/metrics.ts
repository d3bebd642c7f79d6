/**
 * Prometheus metrics of this process (prom-client). One registry per process: a web process and
 * a worker process each expose their own numbers, and Prometheus adds them up across instances.
 *
 * Every label takes its values from a fixed set (HTTP status codes, task names, enums of our
 * own, a fixed list of Meta error codes): never a phone number, customer or business id, so the
 * number of series stays bounded whatever the traffic.
 *
 * Components record through the small `record*` functions below (one line at each seam); they
 * do nothing while metrics are off (METRICS_ENABLED=false), so the hot paths pay nothing then.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DomainError } from './errors';
import { registerProcessMetrics } from './process-metrics';

/** The registry `/metrics` serves. */
export const metricsRegistry = new Registry();

let isEnabled = true;

/** Turns recording on or off for this process (off: every `record*` call returns at once). */
export function setMetricsEnabled(enabled: boolean): void {
  isEnabled = enabled;
}

/** Whether this process records metrics. */
export function areMetricsEnabled(): boolean {
  return isEnabled;
}

const registers = [metricsRegistry];

let areProcessMetricsStarted = false;

/**
 * Starts the process metrics (CPU, memory, open files, event-loop lag: process-metrics.ts), once.
 * Called by the first scrape, so a process whose metrics are off or never scraped runs no sampler.
 */
export function startProcessMetrics(): void {
  if (areProcessMetricsStarted) return;
  areProcessMetricsStarted = true;
  registerProcessMetrics(metricsRegistry);
}

/** Version, Node and the IANA time-zone data inside Node (it decides every local time customers see). */
export const buildInfo = new Gauge({
  name: 'tapbook_build_info',
  help: 'Always 1; the labels name the Tapbook version, the Node.js version, the tz data version and the role of this process.',
  labelNames: ['version', 'node', 'tzdata', 'role'] as const,
  registers,
});

/** Sets tapbook_build_info once at start-up. */
export function recordBuildInfo(info: { version: string; role: string }): void {
  buildInfo.reset();
  buildInfo.set({ version: info.version, node: process.versions.node, tzdata: process.versions.tz ?? 'unknown', role: info.role }, 1);
}

/** Latency of the webhook intake: request in → 200 out (Meta wants a median ≤ 250 ms). */
export const webhookAckDuration = new Histogram({
  name: 'tapbook_webhook_ack_duration_seconds',
  help: 'Time from a POST /webhook request to its answer, by HTTP status.',
  labelNames: ['status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers,
});

/** Answers of the Flows data-exchange endpoint (Meta alerts when p90 passes 1 s). */
export const flowsEndpointDuration = new Histogram({
  name: 'tapbook_flows_endpoint_duration_seconds',
  help: 'Time from a Flows data-exchange request to its answer, by HTTP status (the _count is the number of answers per status).',
  labelNames: ['status'] as const,
  buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5],
  registers,
});

/** Inbound messages processed by the conversation runtime (process_inbox jobs). */
export const turnsProcessed = new Counter({
  name: 'tapbook_turns_processed_total',
  help: 'process_inbox jobs finished, by outcome (success, or error when the job will be retried or has failed).',
  labelNames: ['outcome'] as const,
  registers,
});

/** Webhook ack → the turn's replies accepted by the Graph API (the step sends them before its job ends). */
export const turnLatency = new Histogram({
  name: 'tapbook_turn_latency_seconds',
  help: 'Time from storing an inbound message (the webhook ack) to the end of the job that answered it, replies accepted by the Graph API included.',
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers,
});

/** Meta error codes that get a label of their own; any other code is "other". */
export const LABELLED_META_ERROR_CODES: ReadonlySet<number> = new Set([
  0, 4, 100, 190, 368, 80007, 130429, 130472, 131000, 131005, 131008, 131009, 131016, 131021, 131026, 131031, 131042, 131045, 131047, 131049,
  131051, 131052, 131053, 131056, 131062, 132000, 132001, 132012, 132015, 132016, 133010, 135000,
]);

/** Graph API calls by method, outcome and Meta error code. */
export const graphApiRequests = new Counter({
  name: 'tapbook_graph_api_requests_total',
  help: 'Calls to the WhatsApp Graph API by method (send_message, mark_read), outcome (accepted, meta_error, network_error, not_sent) and Meta error code (a fixed set, "other", or "none").',
  labelNames: ['method', 'outcome', 'code'] as const,
  registers,
});

/** How long the Graph API takes to answer. */
export const graphApiDuration = new Histogram({
  name: 'tapbook_graph_api_request_duration_seconds',
  help: 'Time the Graph API took to answer a call, by method.',
  labelNames: ['method'] as const,
  buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers,
});

/** Outcome of one Graph API call, as recordGraphCall reads it. */
export type GraphCallOutcome = 'accepted' | 'meta_error' | 'network_error' | 'not_sent';

/** Records one Graph API call; `code` is Meta's error code when it sent one. */
export function recordGraphCall(method: 'send_message' | 'mark_read', outcome: GraphCallOutcome, seconds: number, code?: number): void {
  if (!isEnabled) return;
  graphApiRequests.inc({ method, outcome, code: code === undefined ? 'none' : LABELLED_META_ERROR_CODES.has(code) ? String(code) : 'other' });
  if (outcome !== 'not_sent') graphApiDuration.observe({ method }, seconds);
}

/** Booking attempts through the booking core. */
export const bookingAttempts = new Counter({
  name: 'tapbook_bookings_total',
  help: 'Booking attempts by source (whatsapp, flow, api, admin) and result (confirmed, replayed, slot_taken, rejected, failed).',
  labelNames: ['source', 'result'] as const,
  registers,
});

const BOOKING_SOURCES = new Set(['whatsapp', 'flow', 'api', 'admin']);

/**
 * Counts the result of a booking attempt once it settles and hands it back unchanged. A domain
 * error (bad input, unknown customer) is "rejected"; anything else thrown is "failed".
 */
export function recordBookingResult<T extends { ok: boolean; isReplay?: boolean }>(source: unknown, attempt: Promise<T>): Promise<T> {
  if (!isEnabled) return attempt;
  const label = typeof source === 'string' && BOOKING_SOURCES.has(source) ? source : 'other';
  return attempt.then(
    (result) => {
      bookingAttempts.inc({ source: label, result: !result.ok ? 'slot_taken' : result.isReplay ? 'replayed' : 'confirmed' });
      return result;
    },
    (error: unknown) => {
      bookingAttempts.inc({ source: label, result: error instanceof DomainError ? 'rejected' : 'failed' });
      throw error;
    },
  );
}

/** Holds that ran out before the customer confirmed (removed by the purge job). */
export const holdsExpired = new Counter({
  name: 'tapbook_holds_expired_total',
  help: 'Slot holds that expired without a booking (counted when the purge job removes them).',
  registers,
});

/** Counts holds the purge job removed. */
export function recordHoldsExpired(count: number): void {
  if (isEnabled && count > 0) holdsExpired.inc(count);
}

/** Slot holds by state; read from the database at scrape time. */
export const slotHolds = new Gauge({
  name: 'tapbook_slot_holds',
  help: 'Slot holds stored, by state: active (still blocking the slot) or expired (ran out without a booking; kept until purged); read at scrape time.',
  labelNames: ['state'] as const,
  registers,
});

/** Conversations handed to a person. */
export const handoffs = new Counter({
  name: 'tapbook_handoffs_total',
  help: 'Conversations handed over to staff, by reason (requested, emergency, other).',
  labelNames: ['reason'] as const,
  registers,
});

const HANDOFF_REASONS = new Set(['requested', 'emergency']);

/** Counts a hand-off to staff. */
export function recordHandoff(reason: string): void {
  if (isEnabled) handoffs.inc({ reason: HANDOFF_REASONS.has(reason) ? reason : 'other' });
}

/** How late reminders leave compared with their due time. */
export const reminderLateness = new Histogram({
  name: 'tapbook_reminder_lateness_seconds',
  help: 'Time from a reminder\'s due time to the moment it was handed to the outbox for sending.',
  buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
  registers,
});

/** Records how late a reminder was sent (early ones count as 0). */
export function recordReminderLateness(dueAt: Date, sentAt: Date): void {
  if (isEnabled) reminderLateness.observe(Math.max(0, (sentAt.getTime() - dueAt.getTime()) / 1000));
}

/** Outbox rows not yet accepted by Meta; read from the database at scrape time. */
export const outboxPending = new Gauge({
  name: 'tapbook_outbox_pending_messages',
  help: 'Outbox messages not yet accepted by the Graph API (all businesses), by kind and status (queued, sending); read at scrape time.',
  labelNames: ['kind', 'status'] as const,
  registers,
});

/** graphile-worker jobs by task and state; read from the database at scrape time. */
export const jobQueueDepth = new Gauge({
  name: 'tapbook_job_queue_depth',
  help: 'Jobs in the queue by task and state (ready: due and waiting for a worker; scheduled: due later; running; failed: out of attempts); read at scrape time.',
  labelNames: ['task', 'state'] as const,
  registers,
});

/** Connections of this process's database pool. */
export const databasePoolConnections = new Gauge({
  name: 'tapbook_database_pool_connections',
  help: 'Connections of this process\'s database pool by state (in_use, idle), and requests waiting for one (waiting).',
  labelNames: ['state'] as const,
  registers,
});

/** Whether the scrape could read the database-backed gauges. */
export const databaseUp = new Gauge({
  name: 'tapbook_database_up',
  help: '1 when this scrape could read the outbox and job queue from the database, 0 when it could not (those gauges are then absent).',
  registers,
});

/** The database pool's size limit. */
export const databasePoolMax = new Gauge({
  name: 'tapbook_database_pool_max_connections',
  help: 'The most connections this process\'s database pool opens (DATABASE_POOL_SIZE).',
  registers,
});
