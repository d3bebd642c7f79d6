/** Database access of /v1/webhook-subscriptions (creation goes through src/events). */
import type { Db, Prisma } from '../platform/database';

const SUBSCRIPTION_SELECT = { id: true, url: true, events: true, isActive: true, createdAt: true, updatedAt: true } satisfies Prisma.WebhookSubscriptionSelect;

/** A subscription row without its secret. */
export type WebhookSubscriptionRow = Prisma.WebhookSubscriptionGetPayload<{ select: typeof SUBSCRIPTION_SELECT }>;

/** The most subscriptions one business may have (each event is posted to every one). */
export const MAX_SUBSCRIPTIONS_PER_BUSINESS = 20;

/** The business's subscriptions, oldest first. */
export async function listWebhookSubscriptions(db: Db, businessId: string): Promise<WebhookSubscriptionRow[]> {
  return db.webhookSubscription.findMany({ where: { businessId }, select: SUBSCRIPTION_SELECT, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

/** How many subscriptions the business has. */
export async function countWebhookSubscriptions(db: Db, businessId: string): Promise<number> {
  return db.webhookSubscription.count({ where: { businessId } });
}

/** Finds a subscription of the business. */
export async function findWebhookSubscription(db: Db, businessId: string, id: string): Promise<WebhookSubscriptionRow | null> {
  return db.webhookSubscription.findFirst({ where: { id, businessId }, select: SUBSCRIPTION_SELECT });
}

/** Updates a subscription. */
export async function updateWebhookSubscription(db: Db, id: string, data: Prisma.WebhookSubscriptionUncheckedUpdateInput): Promise<WebhookSubscriptionRow> {
  return db.webhookSubscription.update({ where: { id }, data, select: SUBSCRIPTION_SELECT });
}

/** Deletes a subscription of the business (its deliveries go with it); false when absent. */
export async function deleteWebhookSubscription(db: Db, businessId: string, id: string): Promise<boolean> {
  const { count } = await db.webhookSubscription.deleteMany({ where: { id, businessId } });
  return count > 0;
}
