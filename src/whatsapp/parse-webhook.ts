/**
 * Turns a Meta webhook body into our InboundEvent list. Never throws: Meta retries anything
 * that is not acknowledged, so one odd item must not block the others.
 */
import type { z } from 'zod';
import type {
  InboundError,
  InboundEvent,
  InboundMessageEvent,
  InboundStatusEvent,
  ParseWebhookResult,
  WebhookSystemError,
} from './inbound-event';
import {
  changeSchema,
  contactSchema,
  entrySchema,
  envelopeSchema,
  messageBaseSchema,
  messagesValueSchema,
  metaErrorSchema,
  statusSchema,
} from './meta-webhook-schema';
import { toInboundMessage } from './parse-inbound-message';
import { omitUndefined, parseOrUndefined } from './parse-helpers';

/** Options of parseWebhookPayload. */
export interface ParseWebhookOptions {
  /** Used as the event time when Meta's timestamp is missing or not unix seconds (placeholders in docs). Default: epoch. */
  receivedAt?: Date;
}

type Contact = z.output<typeof contactSchema>;
type Context = { phoneNumberId: string; contacts: Contact[]; fallbackTime: Date };

/**
 * Parses a webhook body (already JSON-decoded). `ok: false` only when the body is not a
 * WhatsApp Business webhook envelope; skipped parts are counted in `ignored`.
 */
export function parseWebhookPayload(body: unknown, options: ParseWebhookOptions = {}): ParseWebhookResult {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) return { ok: false, reason: describeBadEnvelope(body) };
  const events: InboundEvent[] = [];
  const systemErrors: WebhookSystemError[] = [];
  let ignored = 0;
  const fallbackTime = options.receivedAt ?? new Date(0);
  for (const rawEntry of envelope.data.entry) {
    const entry = parseOrUndefined(entrySchema, rawEntry);
    if (!entry) {
      ignored += 1;
      continue;
    }
    for (const rawChange of entry.changes) {
      const change = parseOrUndefined(changeSchema, rawChange);
      // Template status, account updates, flows alerts…: acknowledged but not ours to handle here.
      const value = change?.field === 'messages' ? parseOrUndefined(messagesValueSchema, change.value) : undefined;
      if (!value) {
        ignored += 1;
        continue;
      }
      const context: Context = {
        phoneNumberId: value.metadata.phone_number_id,
        contacts: (value.contacts ?? []).flatMap((c) => parseOrUndefined(contactSchema, c) ?? []),
        fallbackTime,
      };
      for (const raw of value.messages ?? []) {
        const event = toMessageEvent(raw, context);
        if (event) events.push(event);
        else ignored += 1;
      }
      for (const raw of value.statuses ?? []) {
        const event = toStatusEvent(raw, context);
        if (event) events.push(event);
        else ignored += 1;
      }
      for (const error of toInboundErrors(value.errors)) systemErrors.push({ ...error, phoneNumberId: context.phoneNumberId });
    }
  }
  return { ok: true, events, ignored, systemErrors };
}

function toMessageEvent(raw: unknown, context: Context): InboundMessageEvent | undefined {
  const base = parseOrUndefined(messageBaseSchema, raw);
  if (!base) return undefined;
  const waId = base.from;
  const messageUserId = base.from_user_id ?? base.user_id;
  const contact =
    (waId !== undefined ? context.contacts.find((c) => c.wa_id === waId) : undefined) ??
    (messageUserId !== undefined ? context.contacts.find((c) => c.user_id === messageUserId) : undefined);
  const userId = messageUserId ?? contact?.user_id;
  // 2026 usernames: `from` may be missing; the BSUID is then the only stable sender key.
  const senderKey = waId ?? userId;
  if (!senderKey) return undefined;
  const errorCode = toInboundErrors(base.errors)[0]?.code;
  return omitUndefined({
    kind: 'message' as const,
    phoneNumberId: context.phoneNumberId,
    messageId: base.id,
    senderKey,
    waId,
    userId,
    profileName: contact?.profile?.name,
    timestamp: toDate(base.timestamp) ?? context.fallbackTime,
    contextMessageId: base.context?.id,
    message: toInboundMessage(raw as Record<string, unknown>, base.type, errorCode),
  });
}

function toStatusEvent(raw: unknown, context: Context): InboundStatusEvent | undefined {
  const status = parseOrUndefined(statusSchema, raw);
  // Payment transaction statuses share the array but are not about message delivery.
  if (!status || status.type === 'payment') return undefined;
  return {
    kind: 'status',
    phoneNumberId: context.phoneNumberId,
    messageId: status.id,
    recipientKey: status.recipient_id ?? status.recipient_user_id ?? '',
    status: status.status,
    timestamp: toDate(status.timestamp) ?? context.fallbackTime,
    errors: toInboundErrors(status.errors),
  };
}

function toInboundErrors(raw: unknown[] | undefined): InboundError[] {
  return (raw ?? []).flatMap((item) => {
    const error = parseOrUndefined(metaErrorSchema, item);
    if (!error) return [];
    return [omitUndefined({ code: error.code, title: error.title, message: error.message, details: error.error_data?.details ?? error.details })];
  });
}

/** Meta timestamps are unix seconds, usually as strings. */
function toDate(value: string | number | undefined): Date | undefined {
  const seconds = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000) : undefined;
}

function describeBadEnvelope(body: unknown): string {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'body is not a JSON object';
  const { object, entry } = body as Record<string, unknown>;
  if (object !== 'whatsapp_business_account') {
    const actual = typeof object === 'string' ? JSON.stringify(object) : object === undefined ? 'missing' : typeof object;
    return `object is ${actual}, expected "whatsapp_business_account" (is this webhook subscribed to the right product?)`;
  }
  if (!Array.isArray(entry)) return 'entry is not an array';
  return 'not a WhatsApp webhook envelope';
}
