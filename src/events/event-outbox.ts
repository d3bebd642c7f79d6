/**
 * The event outbox. An event row (and one delivery row plus job per interested subscriber) is
 * written in the transaction of the change it announces: a rolled-back change announces nothing,
 * a committed one cannot be lost.
 */
import { randomUUID } from 'node:crypto';
import { addJobInTransaction } from '../jobs';
import type { Db, PgClient, Prisma } from '../platform/database';
import { DELIVERY_RETRY_WINDOW_MS } from './delivery-policy';
import { buildEventBody, type EventBody, type EventType } from './event-types';

/** The job that posts one delivery. */
export const DELIVER_EVENT_TASK = 'deliver_event';

/** Payload of the deliver_event job. */
export interface DeliverEventPayload {
  deliveryId: string;
}

/** One delivery, one job: a retry replaces the job instead of adding another. */
export function deliveryJobKey(deliveryId: string): string {
  return `event-delivery:${deliveryId}`;
}

/** Writes one event and its deliveries inside the caller's transaction; returns the body. */
export async function recordEvent(
  db: Db,
  input: { businessId: string; type: EventType; bookingId?: string | null; data: Record<string, unknown>; now: Date },
): Promise<EventBody> {
  const body = buildEventBody({ id: randomUUID(), type: input.type, createdAt: input.now, businessId: input.businessId, data: input.data });
  await db.outgoingEvent.create({
    data: {
      id: body.id,
      businessId: input.businessId,
      type: input.type,
      bookingId: input.bookingId ?? null,
      payload: body as unknown as Prisma.InputJsonValue,
      createdAt: input.now,
    },
    select: { id: true },
  });
  const subscriptions = await db.webhookSubscription.findMany({
    where: { businessId: input.businessId, isActive: true, OR: [{ events: { isEmpty: true } }, { events: { has: input.type } }] },
    select: { id: true },
  });
  for (const subscription of subscriptions) {
    const delivery = await db.eventDelivery.create({
      data: {
        businessId: input.businessId,
        eventId: body.id,
        subscriptionId: subscription.id,
        giveUpAt: new Date(input.now.getTime() + DELIVERY_RETRY_WINDOW_MS),
        createdAt: input.now,
      },
      select: { id: true },
    });
    const payload: DeliverEventPayload = { deliveryId: delivery.id };
    // Our own retry schedule decides; graphile's attempts only cover crashes of the task itself.
    await addJobInTransaction(db, DELIVER_EVENT_TASK, payload, { jobKey: deliveryJobKey(delivery.id), runAt: input.now, maxAttempts: 5 });
  }
  return body;
}

/**
 * recordEvent on a node-postgres client inside the caller's BEGIN … COMMIT, in one statement
 * (event row, a delivery row and a deliver_event job per interested subscriber): the reminder
 * send path writes one event per message.
 */
export async function recordEventWithPg(
  client: PgClient,
  input: { businessId: string; type: EventType; bookingId?: string | null; data: Record<string, unknown>; now: Date },
): Promise<EventBody> {
  const body = buildEventBody({ id: randomUUID(), type: input.type, createdAt: input.now, businessId: input.businessId, data: input.data });
  await client.query({
    name: 'events-record',
    text: `WITH event AS (
             INSERT INTO outgoing_events (id, business_id, type, booking_id, payload, created_at)
             VALUES ($1::uuid, $2::uuid, $3::text, $4::uuid, $5::jsonb, $6) RETURNING id),
           delivery AS (
             INSERT INTO event_deliveries (business_id, event_id, subscription_id, give_up_at, created_at)
             SELECT $2::uuid, (SELECT id FROM event), s.id, $7, $6
               FROM webhook_subscriptions s
              WHERE s.business_id = $2::uuid AND s.is_active AND (cardinality(s.events) = 0 OR $3::text = ANY (s.events))
             RETURNING id)
           SELECT count(graphile_worker.add_job(
                    identifier => $8::text, payload => json_build_object('deliveryId', d.id), run_at => $6,
                    max_attempts => 5, job_key => $9::text || d.id::text))::int AS jobs
             FROM delivery d`,
    values: [
      body.id,
      input.businessId,
      input.type,
      input.bookingId ?? null,
      JSON.stringify(body),
      input.now,
      new Date(input.now.getTime() + DELIVERY_RETRY_WINDOW_MS),
      DELIVER_EVENT_TASK,
      deliveryJobKey(''),
    ],
  });
  return body;
}
