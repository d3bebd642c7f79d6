/**
 * The event outbox. An event row (and one delivery row plus job per interested subscriber) is
 * written in the transaction of the change it announces: a rolled-back change announces nothing,
 * a committed one cannot be lost.
 */
import { randomUUID } from 'node:crypto';
import { addJobInTransaction } from '../jobs';
import type { Db, Prisma } from '../platform/database';
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
