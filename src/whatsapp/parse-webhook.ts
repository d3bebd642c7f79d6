/**
 * Turns a Meta webhook body into our InboundEvent list. Never throws: Meta retries anything
 * that is not acknowledged, so one odd item must not block the others. Whatever it returns can be
 * stored: the body first passes the platform's input rule (sanitizeInput: no NUL, no unpaired
 * surrogates, bounded depth), and every field that lands in a column fits it (README, Reliability).
 */
import type { z } from 'zod';
import { createSanitizeReport, isPlausibleInstant, sanitizeInput, type SanitizeReport } from '../platform/input-safety';
import type {
  InboundError,
  InboundEvent,
  InboundMessageEvent,
  InboundStatusEvent,
  StatusPricing,
  ParseWebhookResult,
  WebhookInputProblem,
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
  pricingSchema,
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
type Context = { phoneNumberId: string; contacts: Contact[]; fallbackTime: Date; problems: WebhookInputProblem[]; report: SanitizeReport };

/** Column sizes of what a message stores (prisma/schema.prisma): a longer id cannot be a key, so its message is skipped. */
export const INBOUND_COLUMN_LIMITS = { messageId: 200, senderKey: 128, profileName: 200, username: 100 } as const;

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 } as const;

/**
 * Parses a webhook body (already JSON-decoded). `ok: false` only when the body is not a
 * WhatsApp Business webhook envelope; skipped parts are counted in `ignored`.
 */
export function parseWebhookPayload(rawBody: unknown, options: ParseWebhookOptions = {}): ParseWebhookResult {
  const report = createSanitizeReport();
  const body = sanitizeInput(rawBody, report);
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) return { ok: false, reason: describeBadEnvelope(body) };
  const events: InboundEvent[] = [];
  const systemErrors: WebhookSystemError[] = [];
  const problems: WebhookInputProblem[] = [];
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
        problems,
        report,
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
      for (const error of toInboundErrors(value.errors, context)) systemErrors.push({ ...error, phoneNumberId: context.phoneNumberId });
    }
  }
  if (report.repairedStrings > 0) problems.unshift({ part: 'webhook', action: 'repaired', reason: `${report.repairedStrings} string(s) lost NUL characters or unpaired surrogates` });
  if (report.droppedTooDeep > 0) problems.unshift({ part: 'webhook', action: 'repaired', reason: `${report.droppedTooDeep} value(s) nested too deep were replaced by null` });
  return { ok: true, events, ignored, systemErrors, problems };
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
  // Truncating a key could merge two messages or two customers: such a message is skipped alone.
  if (base.id.length > INBOUND_COLUMN_LIMITS.messageId) return skip(context, 'message id longer than 200 characters');
  if (senderKey.length > INBOUND_COLUMN_LIMITS.senderKey) return skip(context, 'sender id (from / user_id) longer than 128 characters');
  const errorCode = toInboundErrors(base.errors, context)[0]?.code;
  const message = toInboundMessage(raw as Record<string, unknown>, base.type, errorCode, (value) => sanitizeInput(value, context.report));
  // The customer shared their number at our request: from now on they are known by it as well
  // (the identity linking then gives their username record this phone).
  const sharedPhone = message.type === 'contacts' && waId === undefined && userId !== undefined ? message.sharedPhone : undefined;
  const profileName = contact?.profile?.name;
  const rawUsername = contact?.profile?.username;
  const username = typeof rawUsername === 'string' && rawUsername.trim() !== '' ? [...rawUsername.trim()].slice(0, INBOUND_COLUMN_LIMITS.username).join('') : undefined;
  const parentUserId = base.from_parent_user_id ?? contact?.parent_user_id;
  return omitUndefined({
    kind: 'message' as const,
    phoneNumberId: context.phoneNumberId,
    messageId: base.id,
    senderKey: sharedPhone ?? senderKey,
    waId: sharedPhone ?? waId,
    userId: userId !== undefined && userId.length <= INBOUND_COLUMN_LIMITS.senderKey ? userId : undefined,
    parentUserId: parentUserId !== undefined && parentUserId.length <= INBOUND_COLUMN_LIMITS.senderKey ? parentUserId : undefined,
    username,
    // Cut by code points, so a cut never splits an emoji's surrogate pair.
    profileName: profileName === undefined ? undefined : [...profileName].slice(0, INBOUND_COLUMN_LIMITS.profileName).join(''),
    timestamp: toEventTime(base.timestamp, context, 'message'),
    contextMessageId: base.context?.id,
    message,
  });
}

function skip(context: Context, reason: string): undefined {
  context.problems.push({ part: 'message', action: 'skipped', reason });
  return undefined;
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
    timestamp: toEventTime(status.timestamp, context, 'status'),
    errors: toInboundErrors(status.errors, context),
    ...toPricing(status.pricing),
  };
}

/** The status's pricing block, or nothing when it has none we can read (the status itself still counts). */
function toPricing(raw: unknown): { pricing?: StatusPricing } {
  const pricing = parseOrUndefined(pricingSchema, raw);
  if (!pricing || (pricing.category === undefined && pricing.type === undefined && pricing.billable === undefined)) return {};
  // pricing.type replaces the deprecated billable flag (WHATSAPP.md §1.5): regular is the billed type.
  const isBillable = pricing.type !== undefined ? pricing.type === 'regular' : (pricing.billable ?? null);
  return { pricing: { category: pricing.category ?? null, type: pricing.type ?? null, isBillable } };
}

function toInboundErrors(raw: unknown[] | undefined, context: Context): InboundError[] {
  return (raw ?? []).flatMap((item) => {
    const error = parseOrUndefined(metaErrorSchema, item);
    if (!error) return [];
    // Stored as a 32-bit integer (outbox error_code): a code like 1.5 or 1e308 is kept out, the error itself kept.
    const isStorable = Number.isInteger(error.code) && error.code >= INT32.min && error.code <= INT32.max;
    if (!isStorable) context.problems.push({ part: 'error', action: 'repaired', reason: 'error code is not a 32-bit integer; dropped' });
    return [omitUndefined({ code: isStorable ? error.code : undefined, title: error.title, message: error.message, details: error.error_data?.details ?? error.details })];
  });
}

/**
 * Meta timestamps are unix seconds, usually as strings. Missing or placeholder → the receive time;
 * a number outside 1900–2199 (1e15, a negative year) → the receive time too, with a note.
 */
function toEventTime(value: unknown, context: Context, part: 'message' | 'status'): Date {
  const seconds = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof seconds !== 'number') return context.fallbackTime;
  const date = new Date(seconds * 1000);
  if (isPlausibleInstant(date)) return date;
  context.problems.push({ part, action: 'repaired', reason: 'timestamp is not a date between 1900 and 2199; the receive time is stored instead' });
  return context.fallbackTime;
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
