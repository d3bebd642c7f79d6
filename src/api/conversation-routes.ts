/**
 * /v1/conversations: who waits for a person, transcripts, staff replies sent as the business,
 * staff taking a conversation over from the bot, and handing it back.
 */
import { z } from 'zod';
import { addJobInTransaction } from '../jobs';
import type { Clock } from '../platform/clock';
import type { PrismaClient } from '../platform/database';
import { renderText } from '../conversation';
import { LOCALES, type Locale } from '../../machines/conversation-types';
import { buildRequestContactMessage, buildTextMessage, buildTranscript, enqueueOutbound, findCustomerSendingNumber, isBusinessScopedUserId, isInsideServiceWindow } from '../whatsapp';
import { ApiError } from './api-error';
import { paginationQueryShape, queryBooleanSchema, toPageSchema, toPagination, uuidParamsSchema } from './common-schemas';
import { findConversation, findMessagesOfCustomer, listConversations, type ConversationView } from './conversation-repository';
import { defineRoute, RouteResponse, type AnyApiRoute } from './route-definition';

/** The job the conversation runtime consumes for events from outside the chat. */
export const CONVERSATION_EVENT_TASK = 'conversation_event';

const TRANSCRIPT_LIMIT = 200;

/** Who the conversation is with; a customer known by WhatsApp username may have no phone. */
const conversationClientSchema = z.object({
  id: z.string(),
  fullName: z.string().nullable(),
  phone: z.string().nullable(),
  userId: z.string().nullable().describe('WhatsApp business-scoped user id, once known.'),
  username: z.string().nullable().describe('WhatsApp username, when the customer has one.'),
});

function toClientSummary(customer: { id: string; name: string | null; phoneE164: string | null; userId: string | null; username: string | null }): z.infer<typeof conversationClientSchema> {
  return { id: customer.id, fullName: customer.name, phone: customer.phoneE164, userId: customer.userId, username: customer.username };
}

/** A conversation as the API shows it. */
export const conversationSchema = z.object({
  id: z.string(),
  client: conversationClientSchema,
  state: z.string().describe('The step the conversation is at, e.g. "menu", "handoff" or "booking.choosingSlot".'),
  waitingForPerson: z.boolean(),
  handoffReason: z.string().nullable(),
  handoffAt: z.string().nullable(),
  lastActivityAt: z.string(),
  lastMessageAt: z.string().nullable(),
  isWithinCustomerServiceWindow: z.boolean().describe('Free-form replies are possible only within 24 h of the client’s last message.'),
});

const transcriptSchema = z.object({
  conversationId: z.string(),
  client: conversationClientSchema,
  messages: z.array(
    z.object({
      id: z.string(),
      direction: z.enum(['inbound', 'outbound']),
      author: z.enum(['customer', 'bot', 'staff']).describe('Who wrote it: the client, the bot, or staff (replies and templates sent from the API or the console).'),
      at: z.string(),
      type: z.string(),
      text: z.string().nullable(),
      status: z.string().nullable(),
    }),
  ),
});

/**
 * The plain name of a stored machine state: the runtime stores the state value as JSON ('"handoff"',
 * '{"booking":"choosingSlot"}'), which the API shows as "handoff" and "booking.choosingSlot".
 */
export function toStateName(stateValue: string): string {
  let value: unknown;
  try {
    value = JSON.parse(stateValue);
  } catch {
    return stateValue;
  }
  const paths = (node: unknown): string[] => {
    if (typeof node === 'string') return [node];
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return [];
    return Object.entries(node).flatMap(([key, child]) => {
      const below = paths(child);
      return below.length === 0 ? [key] : below.map((path) => `${key}.${path}`);
    });
  };
  const names = paths(value);
  return names.length === 0 ? stateValue : names.join(',');
}

/** Body of POST /v1/conversations/{id}/request-phone: the staff's own wording, else the bot's in the client's language. */
export const requestPhoneBodySchema = z.object({ text: z.string().trim().min(1).max(1024).optional() }).optional();

/** Body of POST /v1/conversations/{id}/reply. */
export const replyBodySchema = z.object({ text: z.string().trim().min(1).max(4096) });

/** Builds the conversation routes. */
export function buildConversationRoutes(deps: { prisma: PrismaClient; clock: Clock }): AnyApiRoute[] {
  const { prisma, clock } = deps;
  const isWithinWindow = (row: ConversationView) => isInsideServiceWindow({ lastInboundAt: row.customer.lastInboundAt, sendAt: clock.now() });
  const toDto = (row: ConversationView): z.infer<typeof conversationSchema> => ({
    id: row.id,
    client: toClientSummary(row.customer),
    state: toStateName(row.stateValue),
    waitingForPerson: row.isHandoff,
    handoffReason: row.handoffReason,
    handoffAt: row.handoffAt?.toISOString() ?? null,
    lastActivityAt: row.lastActivityAt.toISOString(),
    lastMessageAt: row.customer.lastInboundAt?.toISOString() ?? null,
    isWithinCustomerServiceWindow: isWithinWindow(row),
  });
  const requireWindow = (row: ConversationView) => {
    if (isWithinWindow(row)) return;
    throw new ApiError(
      409,
      'outside_customer_service_window',
      'The client’s last message is more than 24 hours old, so WhatsApp only accepts approved templates now. Wait for the client to write again.',
      { lastMessageAt: row.customer.lastInboundAt?.toISOString() ?? null },
    );
  };
  const queueStaffMessage = async (row: ConversationView, payload: Parameters<typeof enqueueOutbound>[1]['payload'], businessId: string) => {
    // From the number the customer last wrote to, so staff answer in the chat the customer is in.
    const phoneNumberId = await findCustomerSendingNumber(prisma, { businessId, customerId: row.customerId });
    if (!phoneNumberId) throw new ApiError(409, 'no_whatsapp_number', 'This business has no WhatsApp number to send from. Register one first.');
    return prisma.$transaction((tx) =>
      enqueueOutbound(tx, { businessId, customerId: row.customerId, phoneNumberId, recipient: row.customer.waId, kind: 'staff_reply', payload, createdAt: clock.now() }),
    );
  };
  const requireConversation = async (businessId: string, id: string) => {
    const row = await findConversation(prisma, businessId, id);
    if (!row) throw new ApiError(404, 'not_found', `No conversation "${id}" in this business. List conversations to find valid ids.`);
    return row;
  };

  return [
    defineRoute({
      method: 'get',
      path: '/v1/conversations',
      family: 'conversations',
      summary: 'List conversations, most recent first',
      query: z.object({ ...paginationQueryShape, waitingForPerson: queryBooleanSchema.optional().describe('true → only those handed over to a person.') }),
      status: 200,
      response: toPageSchema(conversationSchema),
      async handle({ query, auth }) {
        const { rows, total } = await listConversations(prisma, {
          businessId: auth.businessId,
          isHandoff: query.waitingForPerson,
          skip: (query.page - 1) * query.limit,
          take: query.limit,
        });
        return { data: rows.map(toDto), pagination: toPagination({ page: query.page, limit: query.limit, totalItems: total }) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/conversations/{id}',
      family: 'conversations',
      summary: 'Read one conversation',
      params: uuidParamsSchema,
      status: 200,
      response: conversationSchema,
      errors: [404],
      async handle({ params, auth }) {
        return toDto(await requireConversation(auth.businessId, params.id));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/conversations/{id}/transcript',
      family: 'conversations',
      summary: 'Messages both ways, oldest first (the latest 200 each way)',
      params: uuidParamsSchema,
      status: 200,
      response: transcriptSchema,
      errors: [404],
      async handle({ params, auth }) {
        const row = await requireConversation(auth.businessId, params.id);
        const messages = await findMessagesOfCustomer(prisma, { businessId: auth.businessId, customerId: row.customerId, limit: TRANSCRIPT_LIMIT });
        return { conversationId: row.id, client: toClientSummary(row.customer), messages: buildTranscript(messages, 'plain').map((entry) => ({ ...entry, at: entry.at.toISOString() })) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/conversations/{id}/reply',
      family: 'conversations',
      summary: 'Send a text reply as the business',
      description: 'Queued and sent in order with the bot’s messages, from the WhatsApp number the client last wrote to (else the business’s first number). Outside the 24-hour customer-service window WhatsApp refuses free-form text: 409 outside_customer_service_window.',
      params: uuidParamsSchema,
      body: replyBodySchema,
      bodyExample: { text: 'Hi Maria, this is Ana from the front desk. We can see you at 10:30 tomorrow.' },
      status: 202,
      response: z.object({ messageId: z.string(), status: z.literal('queued') }),
      errors: [404, 409],
      async handle({ params, body, auth }) {
        const row = await requireConversation(auth.businessId, params.id);
        requireWindow(row);
        const messageId = await queueStaffMessage(row, buildTextMessage({ to: row.customer.waId, text: body.text }), auth.businessId);
        return new RouteResponse(202, { messageId, status: 'queued' });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/conversations/{id}/request-phone',
      family: 'conversations',
      summary: 'Ask a client known only by their WhatsApp username to share their phone number',
      description:
        'Sends WhatsApp’s request_contact_info message (a “Share contact info” button WhatsApp labels itself). When the client taps it, their number is stored on the same client record and later messages go to it. 409 phone_already_known when the number is known; 409 outside_customer_service_window after 24 hours.',
      params: uuidParamsSchema,
      body: requestPhoneBodySchema,
      bodyExample: { text: 'Hi Maria, Ana from the front desk here. Could you share your number so I can call you about your results?' },
      status: 202,
      response: z.object({ messageId: z.string(), status: z.literal('queued') }),
      errors: [404, 409],
      async handle({ params, body, auth }) {
        const row = await requireConversation(auth.businessId, params.id);
        if (row.customer.phoneE164 !== null || !isBusinessScopedUserId(row.customer.waId)) {
          throw new ApiError(409, 'phone_already_known', 'We already have this client’s phone number; call or message them on it.', { phone: row.customer.phoneE164 });
        }
        requireWindow(row);
        const business = await prisma.business.findUniqueOrThrow({ where: { id: auth.businessId }, select: { defaultLocale: true } });
        const wanted = row.customer.locale ?? business.defaultLocale;
        const locale: Locale = (LOCALES as readonly string[]).includes(wanted) ? (wanted as Locale) : 'en';
        const text = body?.text ?? renderText('contact.request', undefined, { locale, timeZone: 'UTC' });
        const messageId = await queueStaffMessage(row, buildRequestContactMessage({ to: row.customer.waId, body: text }), auth.businessId);
        return new RouteResponse(202, { messageId, status: 'queued' });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/conversations/{id}/take-over',
      family: 'conversations',
      summary: 'Take a conversation over from the bot',
      description:
        'The bot falls silent for this client (no message is sent to them) until the conversation is released. Unlike a hand-off the client asks for, it has no timeout. Taking over a conversation already waiting for a person makes it yours: its hand-off timeout is dropped.',
      params: uuidParamsSchema,
      body: z.object({}).optional(),
      bodyExample: {},
      status: 202,
      response: z.object({ status: z.literal('take_over_requested') }),
      errors: [404, 409],
      async handle({ params, auth }) {
        const row = await requireConversation(auth.businessId, params.id);
        if (row.isHandoff && row.handoffReason === 'staff') throw new ApiError(409, 'already_taken_over', 'Staff have already taken this conversation over; release it to give it back to the bot.');
        await prisma.$transaction((tx) =>
          addJobInTransaction(tx, CONVERSATION_EVENT_TASK, { businessId: auth.businessId, customerId: row.customerId, event: { type: 'STAFF_TAKE_OVER' } }),
        );
        return new RouteResponse(202, { status: 'take_over_requested' });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/conversations/{id}/release',
      family: 'conversations',
      summary: 'Hand a conversation back to the bot',
      params: uuidParamsSchema,
      body: z.object({}).optional(),
      bodyExample: {},
      status: 202,
      response: z.object({ status: z.literal('release_requested') }),
      errors: [404, 409],
      async handle({ params, auth }) {
        const row = await requireConversation(auth.businessId, params.id);
        if (!row.isHandoff) throw new ApiError(409, 'not_waiting_for_person', 'This conversation is already with the bot; nothing to release.');
        await prisma.$transaction((tx) =>
          addJobInTransaction(tx, CONVERSATION_EVENT_TASK, { businessId: auth.businessId, customerId: row.customerId, event: { type: 'HANDOFF_RELEASED' } }),
        );
        return new RouteResponse(202, { status: 'release_requested' });
      },
    }),
  ];
}
