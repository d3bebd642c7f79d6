/**
 * One simulated customer's phone: what it sent (with ticks), what it received (the server's outbox
 * rows for that number, read back as Meta would deliver them), and the Flow open on it. Sending
 * goes through signed webhooks and encrypted Flow requests to our own server; the phone keeps its
 * own history in memory, as a real phone keeps it on the device.
 */
import fs from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { flowRenderer } from '../../flows';
import type { PrismaClient } from '../../platform/database';
import { listMessagesTo, type SimulatedBusiness, type SimulatorOutboxRow } from './simulator-repository';
import { newMessageId, postCustomerMessage, postStatuses, type CustomerMessage, type SimulatedCustomer, type WebhookTarget } from './simulator-webhooks';

type FlowDocument = flowRenderer.FlowDocument;
type FlowRunState = flowRenderer.FlowRunState;

/** A message the phone sent, with WhatsApp's ticks: sent (✓), delivered to the business (✓✓), read (blue ✓✓). */
export interface SentMessage {
  id: string;
  /** What the chat bubble shows. */
  text: string;
  at: Date;
  /** The newest outbox sequence the phone had seen when sending: orders the bubble among received ones. */
  afterSequence: bigint;
  state: 'sent' | 'delivered' | 'failed';
}

/** The Flow open on the phone. */
export interface OpenFlow {
  /** Outbox sequence of the Flow message it was opened from. */
  messageSequence: bigint;
  /** wamid of that message (the nfm_reply's context). */
  messageId: string | null;
  cta: string;
  flow: FlowDocument;
  state: FlowRunState;
}

/** A phone's in-memory state. */
export interface PhoneState {
  customer: SimulatedCustomer;
  locale: string;
  sent: SentMessage[];
  flow?: OpenFlow;
  /** Flow messages whose CTA WhatsApp disabled (the endpoint answered 427), with the message shown. */
  disabledFlows: Map<string, string>;
  /** Provider ids whose delivered/read statuses were posted. */
  reported: Set<string>;
}

/** What the phone needs from the server around it. */
export interface PhoneDeps {
  prisma: PrismaClient;
  /** /webhook of this server and the app secret to sign with. */
  webhook: WebhookTarget;
  /** The Flows endpoint of this server; undefined when no Flows key is configured. */
  flowsEndpoint?: { url: string; publicKey: KeyObject; appSecret: string };
  /** Reads the Flow JSON a Flow message refers to (read on every open, so edits show at once). */
  loadFlowJson: (flowId: string) => FlowDocument;
  now: () => Date;
}

const phones = new Map<string, PhoneState>();
const MAX_PHONES = 500;

/** The phone of this customer number at this business, created on first use. */
export function phoneOf(business: SimulatedBusiness, customer: SimulatedCustomer, locale: string): PhoneState {
  const key = `${business.id}:${customer.waId}`;
  let phone = phones.get(key);
  if (!phone) {
    phone = { customer, locale, sent: [], disabledFlows: new Map(), reported: new Set() };
    // A developer tool's memory stays bounded: the least recently created phone goes first.
    if (phones.size >= MAX_PHONES) phones.delete(phones.keys().next().value!);
    phones.set(key, phone);
  }
  phone.customer = customer;
  phone.locale = locale;
  return phone;
}

/** Reads a Flow JSON file from disk as the Flow document. */
export function readFlowJsonFile(file: string): FlowDocument {
  return flowRenderer.parseFlowDocument(fs.readFileSync(file, 'utf8'));
}

/** Sends one customer message as a signed webhook; its ticks follow the answer of /webhook. */
export async function sendFromPhone(deps: PhoneDeps, business: SimulatedBusiness, phone: PhoneState, message: CustomerMessage & { context?: Record<string, unknown> }, text: string): Promise<SentMessage> {
  const rows = await listMessagesTo(deps.prisma, { businessId: business.id, recipient: phone.customer.waId });
  const sent: SentMessage = { id: newMessageId(), text, at: deps.now(), afterSequence: rows.at(-1)?.sequence ?? 0n, state: 'sent' };
  phone.sent.push(sent);
  try {
    const status = await postCustomerMessage({ target: deps.webhook, business, customer: phone.customer, id: sent.id, at: sent.at, message });
    sent.state = status === 200 ? 'delivered' : 'failed';
  } catch {
    sent.state = 'failed';
  }
  return sent;
}

/** The received messages (read receipts apart) and the id of the newest message the business marked read. */
export async function readInbox(deps: PhoneDeps, business: SimulatedBusiness, phone: PhoneState): Promise<{ received: SimulatorOutboxRow[]; readUpTo: number }> {
  const rows = await listMessagesTo(deps.prisma, { businessId: business.id, recipient: phone.customer.waId });
  const readIds = new Set(rows.filter((row) => row.kind === 'read_receipt').map((row) => String((row.payload as { message_id?: unknown }).message_id ?? '')));
  // A read receipt marks that message and every earlier one read (Cloud API "mark as read").
  let readUpTo = -1;
  phone.sent.forEach((message, index) => {
    if (readIds.has(message.id)) readUpTo = index;
  });
  const received = rows.filter((row) => row.kind !== 'read_receipt' && row.status !== 'failed');
  // The phone got them and the chat is open: tell the business (statuses), once per message.
  const fresh = received.map((row) => row.providerMessageId).filter((id): id is string => id !== null && !phone.reported.has(id));
  if (fresh.length > 0) {
    fresh.forEach((id) => phone.reported.add(id));
    await postStatuses({ target: deps.webhook, business, customer: phone.customer, messageIds: fresh, at: deps.now() }).catch(() => undefined);
  }
  return { received, readUpTo };
}

function transportOf(deps: PhoneDeps): flowRenderer.FlowTransport {
  if (!deps.flowsEndpoint) {
    return async () => ({ kind: 'failed', message: 'The Flows endpoint has no key: set FLOWS_PRIVATE_KEY or FLOWS_PRIVATE_KEY_FILE (`npm run flows -- keys` makes one).' });
  }
  return flowRenderer.createEndpointTransport(deps.flowsEndpoint);
}

/** The parameters of a Flow message (interactive type "flow"), or undefined for any other message. */
export function readFlowParameters(payload: unknown): { flowId: string; flowToken: string; cta: string; flowAction: 'navigate' | 'data_exchange'; screen?: string; data?: Record<string, unknown> } | undefined {
  const interactive = (payload as { interactive?: { type?: string; action?: { parameters?: Record<string, unknown> } } }).interactive;
  const parameters = interactive?.type === 'flow' ? interactive.action?.parameters : undefined;
  if (!parameters) return undefined;
  const actionPayload = (parameters.flow_action_payload ?? {}) as { screen?: string; data?: Record<string, unknown> };
  return {
    flowId: String(parameters.flow_id ?? parameters.flow_name ?? ''),
    // WhatsApp sends "unused" when the message carried no token.
    flowToken: typeof parameters.flow_token === 'string' ? parameters.flow_token : 'unused',
    cta: String(parameters.flow_cta ?? ''),
    flowAction: parameters.flow_action === 'data_exchange' ? 'data_exchange' : 'navigate',
    ...(actionPayload.screen ? { screen: actionPayload.screen } : {}),
    ...(actionPayload.data ? { data: actionPayload.data } : {}),
  };
}

/** Taps a Flow message's CTA: loads its Flow JSON and asks the endpoint for the first screen (or shows the message's screen). */
export async function openFlow(deps: PhoneDeps, phone: PhoneState, row: SimulatorOutboxRow): Promise<OpenFlow | undefined> {
  const parameters = readFlowParameters(row.payload);
  if (!parameters || phone.disabledFlows.has(row.sequence.toString())) return undefined;
  const flow = deps.loadFlowJson(parameters.flowId);
  const state = await flowRenderer.openFlowRun({ flow, flowToken: parameters.flowToken, flowAction: parameters.flowAction, ...(parameters.screen ? { screen: parameters.screen } : {}), ...(parameters.data ? { data: parameters.data } : {}), transport: transportOf(deps) });
  phone.flow = { messageSequence: row.sequence, messageId: row.providerMessageId, cta: parameters.cta, flow, state };
  return phone.flow;
}

/** Applies the customer's input on the open Flow: a field change, the Footer, Back or Close. */
export async function actOnFlow(deps: PhoneDeps, business: SimulatedBusiness, phone: PhoneState, act: { kind: 'change' | 'footer'; values: Record<string, unknown> } | { kind: 'back' | 'close' }): Promise<void> {
  const open = phone.flow;
  if (!open) return;
  const transport = transportOf(deps);
  let state = open.state;
  if (!('values' in act)) {
    state = act.kind === 'close' ? { ...state, closed: { kind: 'dismissed' } } : await flowRenderer.goBack(open.flow, state, transport);
  } else {
    state = flowRenderer.setFormValues(state, act.values);
    if (act.kind === 'footer') state = await flowRenderer.tapFooter(open.flow, state, transport);
  }
  open.state = state;
  await settleClosedFlow(deps, business, phone);
}

// A completed Flow posts the nfm_reply Meta would post; a 427 disables the CTA with its message.
async function settleClosedFlow(deps: PhoneDeps, business: SimulatedBusiness, phone: PhoneState): Promise<void> {
  const open = phone.flow;
  const closed = open?.state.closed;
  if (!open || !closed) return;
  if (closed.kind === 'refused') {
    phone.disabledFlows.set(open.messageSequence.toString(), closed.message);
    return;
  }
  phone.flow = undefined;
  if (closed.kind !== 'completed') return;
  const responseJson = JSON.stringify({ ...closed.response, flow_token: open.state.flowToken });
  await sendFromPhone(deps, business, phone, {
    type: 'interactive',
    interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: responseJson } },
    ...(open.messageId ? { context: { from: business.displayPhone, id: open.messageId } } : {}),
  }, 'Sent');
}

/** Closes the refused Flow's sheet (after its message was seen). */
export function dismissRefusedFlow(phone: PhoneState): void {
  if (phone.flow?.state.closed) phone.flow = undefined;
}

/** Test hook: forgets every phone (a new test starts with empty phones). */
export function forgetPhones(): void {
  phones.clear();
}
