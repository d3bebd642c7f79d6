/**
 * Maps the type-specific part of one Meta inbound message to our InboundMessage.
 * Malformed payloads become `unsupported` instead of failing the batch.
 */
import type { InboundMediaType, InboundMessage } from './inbound-event';
import { payloadSchemas } from './meta-webhook-schema';
import { omitUndefined as compact, parseOrUndefined as parse } from './parse-helpers';

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;

/** Makes a decoded response_json storable (the webhook's input rule, applied to the JSON inside the JSON). */
export type SanitizeJson = (value: unknown) => unknown;

/**
 * Converts `raw` (one `value.messages[]` item) given its `type`; `errorCode` comes from the message's
 * own errors[]; `sanitizeJson` cleans a Flow's decoded response_json.
 */
export function toInboundMessage(raw: Record<string, unknown>, type: string | undefined, errorCode?: number, sanitizeJson: SanitizeJson = (value) => value): InboundMessage {
  const unsupported = (originalType = type ?? 'missing'): InboundMessage =>
    errorCode === undefined ? { type: 'unsupported', originalType } : { type: 'unsupported', originalType, errorCode };
  switch (type) {
    case 'text': {
      const text = parse(payloadSchemas.text, raw.text);
      return text ? { type: 'text', text: text.body } : unsupported();
    }
    case 'interactive':
      return toInteractiveMessage(raw.interactive, sanitizeJson) ?? unsupported();
    case 'button': {
      const button = parse(payloadSchemas.templateButton, raw.button);
      if (!button) return unsupported();
      // Docs: without a payload set at send time, Meta echoes the label as the payload.
      return { type: 'template_button', payload: button.payload ?? button.text ?? '', text: button.text ?? button.payload ?? '' };
    }
    case 'location': {
      const location = parse(payloadSchemas.location, raw.location);
      if (!location || !Number.isFinite(location.latitude) || !Number.isFinite(location.longitude)) return unsupported();
      return compact<InboundMessage>({ type: 'location', latitude: location.latitude, longitude: location.longitude, name: location.name, address: location.address });
    }
    case 'contacts': {
      const contacts = parse(payloadSchemas.contacts, raw.contacts);
      if (!contacts) return unsupported();
      const sharedPhone = findRequestedPhone(contacts[0]);
      return sharedPhone ? { type: 'contacts', count: contacts.length, sharedPhone } : { type: 'contacts', count: contacts.length };
    }
    case 'reaction': {
      const reaction = parse(payloadSchemas.reaction, raw.reaction);
      if (!reaction) return unsupported();
      // An empty or missing emoji means the customer removed their reaction.
      return compact<InboundMessage>({ type: 'reaction', reactedMessageId: reaction.message_id, emoji: reaction.emoji || undefined });
    }
    case 'unsupported': {
      const inner = parse(payloadSchemas.unsupported, raw.unsupported);
      return unsupported(inner?.type ?? 'unsupported');
    }
    default:
      if (isMediaType(type)) return toMediaMessage(type, raw[type]) ?? unsupported();
      return unsupported();
  }
}

/**
 * The customer's own WhatsApp number, when this card answers our request_contact_info button
 * (`origin: contact_request`, set by WhatsApp). A card forwarded from the address book is someone
 * else's number and never taken as the customer's.
 */
function findRequestedPhone(card: unknown): string | undefined {
  const contact = parse(payloadSchemas.sharedContact, card);
  if (contact?.origin !== 'contact_request') return undefined;
  const phone = contact.phones?.map((entry) => entry.wa_id ?? entry.phone?.replace(/[^\d]/g, '')).find((digits) => digits !== undefined && /^\d{6,15}$/.test(digits));
  return phone;
}

function toInteractiveMessage(value: unknown, sanitizeJson: SanitizeJson): InboundMessage | undefined {
  const interactive = parse(payloadSchemas.interactive, value);
  if (!interactive) return undefined;
  const record = value as Record<string, unknown>;
  switch (interactive.type) {
    case 'button_reply': {
      const reply = parse(payloadSchemas.buttonReply, record.button_reply);
      return reply && { type: 'button_reply', id: reply.id, title: reply.title };
    }
    case 'list_reply': {
      const reply = parse(payloadSchemas.listReply, record.list_reply);
      return reply && compact<InboundMessage>({ type: 'list_reply', id: reply.id, title: reply.title, description: reply.description });
    }
    case 'nfm_reply': {
      const reply = parse(payloadSchemas.nfmReply, record.nfm_reply);
      if (!reply) return undefined;
      // nfm_reply also carries address messages (name "address_message"); only "flow" is a Flow completion.
      if (reply.name !== undefined && reply.name !== 'flow') return { type: 'unsupported', originalType: reply.name };
      const response = parseResponseJson(reply.response_json, sanitizeJson);
      const flowToken = typeof response.flow_token === 'string' ? response.flow_token : undefined;
      return compact<InboundMessage>({ type: 'flow_reply', flowToken, response, body: reply.body });
    }
    default:
      return { type: 'unsupported', originalType: `interactive.${interactive.type}` };
  }
}

function toMediaMessage(type: (typeof MEDIA_TYPES)[number], value: unknown): InboundMessage | undefined {
  const media = parse(payloadSchemas.media, value);
  if (!media) return undefined;
  // Voice notes arrive as type "audio" with voice: true.
  const mediaType: InboundMediaType = type === 'audio' && media.voice === true ? 'voice' : type;
  return compact<InboundMessage>({ type: 'media', mediaType, mediaId: media.id, mimeType: media.mime_type, caption: media.caption });
}

/** response_json is a JSON string; a broken one must not lose the completion itself. */
function parseResponseJson(text: string, sanitizeJson: SanitizeJson): Record<string, unknown> {
  try {
    const value: unknown = sanitizeJson(JSON.parse(text));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function isMediaType(type: string | undefined): type is (typeof MEDIA_TYPES)[number] {
  return (MEDIA_TYPES as readonly string[]).includes(type ?? '');
}
