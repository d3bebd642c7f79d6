/** Webhook subscriptions of a business (for the API/admin and tests). */
import type { Db } from '../platform/database';
import { EVENT_TYPES, isEventType, type EventType } from './event-types';

/** Input of createWebhookSubscription; `events` empty or omitted = every event type. */
export interface WebhookSubscriptionInput {
  businessId: string;
  url: string;
  secret: string;
  events?: EventType[];
}

/** Creates a subscription after checking the URL scheme and event names. */
export async function createWebhookSubscription(db: Db, input: WebhookSubscriptionInput): Promise<{ id: string }> {
  if (!/^https?:\/\//.test(input.url)) throw new RangeError(`webhook URL must start with http:// or https://, got ${JSON.stringify(input.url)}`);
  if (input.secret.length < 16) throw new RangeError('webhook secret must have at least 16 characters');
  const unknown = (input.events ?? []).filter((event) => !isEventType(event));
  if (unknown.length > 0) throw new RangeError(`unknown event types ${unknown.join(', ')}; known: ${EVENT_TYPES.join(', ')}`);
  return db.webhookSubscription.create({
    data: { businessId: input.businessId, url: input.url, secret: input.secret, events: input.events ?? [] },
    select: { id: true },
  });
}
