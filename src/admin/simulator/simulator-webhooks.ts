/**
 * What a customer's WhatsApp (through Meta) posts to the business: message webhooks (text,
 * button and list replies, a completed Flow's nfm_reply) and delivery statuses, in Meta's envelope,
 * signed with X-Hub-Signature-256 over the exact bytes sent. They go to our own /webhook over HTTP,
 * never to the conversation code directly, so what works here works with Meta.
 */
import { randomUUID } from 'node:crypto';
import { signBody } from '../../whatsapp';
import type { SimulatedBusiness } from './simulator-repository';

/** Who the simulated customer is. */
export interface SimulatedCustomer {
  waId: string;
  name: string;
}

/** Where the webhooks go and how they are signed. */
export interface WebhookTarget {
  url: string;
  appSecret: string;
}

/** A customer message as the Cloud API puts it in `messages[]` (without from/id/timestamp). */
export type CustomerMessage =
  | { type: 'text'; text: { body: string } }
  | { type: 'interactive'; interactive: Record<string, unknown> };

/** A fresh message id in WhatsApp's format. */
export function newMessageId(): string {
  return `wamid.sim.${randomUUID().replaceAll('-', '')}`;
}

function envelope(business: SimulatedBusiness, value: Record<string, unknown>): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'simulator', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: business.displayPhone, phone_number_id: business.phoneNumberId }, ...value } }] }],
  });
}

async function post(target: WebhookTarget, body: string): Promise<number> {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(target.appSecret, body) },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

/** Posts one customer message; resolves with the HTTP status /webhook answered (200 = delivered to the business). */
export async function postCustomerMessage(params: { target: WebhookTarget; business: SimulatedBusiness; customer: SimulatedCustomer; id: string; at: Date; message: CustomerMessage }): Promise<number> {
  const { customer } = params;
  const body = envelope(params.business, {
    contacts: [{ profile: { name: customer.name }, wa_id: customer.waId }],
    messages: [{ from: customer.waId, id: params.id, timestamp: String(Math.floor(params.at.getTime() / 1000)), ...params.message }],
  });
  return post(params.target, body);
}

/** Posts delivery statuses of messages the customer's phone received (and, the chat being open, read). */
export async function postStatuses(params: { target: WebhookTarget; business: SimulatedBusiness; customer: SimulatedCustomer; messageIds: string[]; at: Date }): Promise<number> {
  const timestamp = String(Math.floor(params.at.getTime() / 1000));
  const statuses = params.messageIds.flatMap((id) => (['delivered', 'read'] as const).map((status) => ({ id, status, timestamp, recipient_id: params.customer.waId })));
  return post(params.target, envelope(params.business, { statuses }));
}
