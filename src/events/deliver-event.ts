/**
 * Posts one event delivery to its subscriber, logs the attempt, and schedules the next one with
 * backoff until the 24-hour give-up time. Delivery is at least once: a crash after the POST and
 * before the log means one more POST with the same X-Tapbook-Delivery id, which receivers dedupe.
 */
import { isSealedSecret, openSecret } from '../platform/secret-box';
import { addJobInTransaction } from '../jobs';
import type { Clock } from '../platform/clock';
import type { PrismaClient } from '../platform/database';
import type { Logger } from '../platform/logger';
import { safeFetch, type OutboundPolicy } from '../platform/safe-fetch';
import { findNextAttemptAt } from './delivery-policy';
import { DELIVER_EVENT_TASK, deliveryJobKey, type DeliverEventPayload } from './event-outbox';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signEventBody } from './event-signature';

/**
 * What the delivery task needs; `random` is replaceable in tests. The outbound policy's loopback
 * allowance is for the test suite's own receivers only: the running server never sets it.
 */
export interface DeliverEventDeps extends OutboundPolicy {
  prisma: PrismaClient;
  clock: Clock;
  logger: Logger;
  random?: () => number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** DATA_ENCRYPTION_KEY: opens signing secrets stored sealed (the API stores them so). */
  encryptionKey?: Buffer;
}

/** How one run of the task ended. */
export type DeliverEventOutcome = 'delivered' | 'retry_scheduled' | 'failed' | 'not_pending' | 'not_due';

const DEFAULT_TIMEOUT_MS = 10_000;
const SNIPPET = 1000;

/** Runs one delivery attempt (the deliver_event job). */
export async function deliverEvent(deps: DeliverEventDeps, job: DeliverEventPayload): Promise<DeliverEventOutcome> {
  const log = deps.logger.child({ component: 'events', deliveryId: job.deliveryId });
  const claimed = await claimDelivery(deps, job.deliveryId);
  if (claimed === null) return 'not_pending';
  if (claimed === 'not_due') return 'not_due';
  const { delivery, attempt } = claimed;
  // The stored JSON is re-serialized identically on every attempt, so the signature matches what is posted.
  const rawBody = JSON.stringify(delivery.event.payload);
  const startedAt = deps.clock.now();
  const started = performance.now();
  const result = await postToSubscriber(deps, delivery, rawBody);
  const durationMs = Math.round(performance.now() - started);
  const finishedAt = deps.clock.now();
  const { error } = result;
  const next = error ? findNextAttemptAt({ attempt, failedAt: finishedAt, giveUpAt: delivery.giveUpAt, random: deps.random ?? Math.random }) : null;
  await deps.prisma.$transaction(async (tx) => {
    await tx.eventDeliveryAttempt.create({ data: { deliveryId: delivery.id, attempt, startedAt, durationMs, ...result } });
    if (!error) {
      await tx.eventDelivery.update({ where: { id: delivery.id }, data: { status: 'delivered', deliveredAt: finishedAt, nextAttemptAt: null, lastError: null } });
    } else if (next) {
      await tx.eventDelivery.update({ where: { id: delivery.id }, data: { nextAttemptAt: next, lastError: error } });
      await addJobInTransaction(tx, DELIVER_EVENT_TASK, { deliveryId: delivery.id } satisfies DeliverEventPayload, {
        jobKey: deliveryJobKey(delivery.id),
        runAt: next,
        maxAttempts: 5,
      });
    } else {
      await tx.eventDelivery.update({ where: { id: delivery.id }, data: { status: 'failed', nextAttemptAt: null, lastError: `${error}; gave up after ${attempt} attempts (24 h)` } });
    }
  });
  if (!error) return 'delivered';
  log.info({ attempt, statusCode: result.statusCode, willRetry: Boolean(next) }, next ? 'event delivery failed; retrying later' : 'event delivery failed for good');
  return next ? 'retry_scheduled' : 'failed';
}

/**
 * Locks a pending, due delivery and counts the attempt; null when another worker holds it or it is no
 * longer pending (a deactivated subscription fails it here).
 */
async function claimDelivery(deps: DeliverEventDeps, deliveryId: string) {
  return deps.prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM event_deliveries WHERE id = ${deliveryId}::uuid FOR UPDATE SKIP LOCKED`;
    if (rows.length === 0) return null;
    const delivery = await tx.eventDelivery.findUnique({
      where: { id: deliveryId },
      include: { event: { select: { type: true, payload: true } }, subscription: { select: { url: true, secret: true, isActive: true } } },
    });
    if (!delivery || delivery.status !== 'pending') return null;
    const now = deps.clock.now();
    if (delivery.nextAttemptAt && delivery.nextAttemptAt.getTime() > now.getTime()) return 'not_due' as const;
    if (!delivery.subscription.isActive) {
      await tx.eventDelivery.update({ where: { id: delivery.id }, data: { status: 'failed', lastError: 'subscription deactivated' } });
      return null;
    }
    const attempt = delivery.attempts + 1;
    await tx.eventDelivery.update({ where: { id: delivery.id }, data: { attempts: attempt } });
    return { delivery, attempt };
  });
}

type ClaimedDelivery = Exclude<Awaited<ReturnType<typeof claimDelivery>>, null | 'not_due'>['delivery'];

/** What the subscriber answered; `error` is null only for a 2xx. */
interface PostResult {
  statusCode: number | null;
  responseBody: string | null;
  error: string | null;
}

/** POSTs the signed event once; every failure (network, timeout, non-2xx, unopenable secret) comes back as `error`. */
async function postToSubscriber(deps: DeliverEventDeps, delivery: ClaimedDelivery, rawBody: string): Promise<PostResult> {
  try {
    // No redirects: a subscriber that moved must be re-registered, so signed bodies never follow a Location.
    const response = await safeFetch(
      delivery.subscription.url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Tapbook-Webhooks/1',
          [SIGNATURE_HEADER]: signEventBody(openSigningSecret(delivery.subscription.secret, deps.encryptionKey), rawBody),
          [DELIVERY_HEADER]: delivery.id,
          [EVENT_HEADER]: delivery.event.type,
        },
        body: rawBody,
        timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxBytes: SNIPPET,
        truncates: true,
        maxRedirects: 0,
      },
      { allowsLoopback: deps.allowsLoopback === true, ...(deps.resolveHost ? { resolveHost: deps.resolveHost } : {}) },
    );
    const error = response.status < 200 || response.status >= 300 ? `subscriber answered HTTP ${response.status}` : null;
    return { statusCode: response.status, responseBody: response.body.slice(0, SNIPPET), error };
  } catch (caught) {
    return { statusCode: null, responseBody: null, error: (caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)).slice(0, SNIPPET) };
  }
}

/** The subscription's signing secret: sealed ones are opened with the key; older plain ones are used as they are. */
function openSigningSecret(stored: string, key: Buffer | undefined): string {
  if (!isSealedSecret(stored)) return stored;
  if (!key) throw new Error('the signing secret is sealed but DATA_ENCRYPTION_KEY is not set: set it to the key the API used');
  return openSecret(key, stored);
}
