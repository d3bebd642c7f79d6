/** Outgoing signed event webhooks: the event outbox, the booking-change listener, the delivery task. */
export { EVENT_TYPES, isEventType, toEventBookingView, buildEventBody, type EventType, type EventBody, type EventBookingView, type EventBookingFields } from './event-types';
export { recordEvent, recordEventWithPg, deliveryJobKey, DELIVER_EVENT_TASK, type DeliverEventPayload } from './event-outbox';
export { createEventListener, findEventTypesOfChange } from './event-listener';
export { deliverEvent, type DeliverEventDeps, type DeliverEventOutcome } from './deliver-event';
export { signEventBody, verifyEventSignature, SIGNATURE_HEADER, DELIVERY_HEADER, EVENT_HEADER } from './event-signature';
export { findNextAttemptAt, DELIVERY_RETRY_WINDOW_MS } from './delivery-policy';
export { createWebhookSubscription, type WebhookSubscriptionInput } from './subscription-repository';
