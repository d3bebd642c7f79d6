/**
 * Our own view of what arrives on the WhatsApp webhook. camelCase, no Meta field names:
 * the rest of the server only ever sees these types.
 */

/** Kinds of media a customer can send; `voice` is an audio message recorded in the app. */
export type InboundMediaType = 'image' | 'audio' | 'video' | 'document' | 'sticker' | 'voice';

/** The content of one inbound customer message. */
export type InboundMessage =
  | { type: 'text'; text: string }
  /** Tap on a reply button (interactive.button_reply). */
  | { type: 'button_reply'; id: string; title: string }
  /** Row picked in a list message (interactive.list_reply). */
  | { type: 'list_reply'; id: string; title: string; description?: string }
  /** Completed WhatsApp Flow (interactive.nfm_reply); `response` is the parsed response_json ({} when unparseable). */
  | { type: 'flow_reply'; flowToken?: string; response: Record<string, unknown>; body?: string }
  /** Quick-reply button of a template message (Meta type `button`). */
  | { type: 'template_button'; payload: string; text: string }
  | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | { type: 'media'; mediaType: InboundMediaType; mediaId: string; mimeType?: string; caption?: string }
  /**
   * Shared contact cards. `sharedPhone` (digits, no +) is set only when the customer answered our
   * request for their number (request_contact_info): then it is their own WhatsApp number.
   */
  | { type: 'contacts'; count: number; sharedPhone?: string }
  /** Reaction to an earlier message; `emoji` is absent when the reaction was removed. */
  | { type: 'reaction'; emoji?: string; reactedMessageId: string }
  /** Anything else (orders, system notices, edits, revokes, malformed messages). */
  | { type: 'unsupported'; originalType: string; errorCode?: number };

/** A message a customer sent to one of our business numbers. */
export interface InboundMessageEvent {
  kind: 'message';
  /** Our business number that received it (Meta metadata.phone_number_id); reply from this one. */
  phoneNumberId: string;
  /** WhatsApp message id (wamid); unique, use it to dedupe webhook retries. */
  messageId: string;
  /** Stable key of the sender: the wa_id/phone when present, else the business-scoped user id (BSUID). */
  senderKey: string;
  waId?: string;
  /** Business-scoped user id (BSUID) of the sender. */
  userId?: string;
  /** Parent BSUID, shared by the business portfolio's linked apps. */
  parentUserId?: string;
  /** WhatsApp username (contacts[].profile.username), cut to 100 characters. */
  username?: string;
  profileName?: string;
  timestamp: Date;
  /** The message of ours it answers (button/list/flow taps carry it). */
  contextMessageId?: string;
  message: InboundMessage;
}

/** One delivery error reported for a message we sent (or for the webhook itself). */
export interface InboundError {
  /** Absent when Meta's code is not a 32-bit integer. */
  code?: number;
  title?: string;
  message?: string;
  details?: string;
}

/** Delivery status of a message we sent. */
export interface InboundStatusEvent {
  kind: 'status';
  phoneNumberId: string;
  /** The wamid Meta returned when we sent the message. */
  messageId: string;
  /** Recipient phone/wa_id, else BSUID, else '' (group statuses carry the group id). */
  recipientKey: string;
  status: 'sent' | 'delivered' | 'read' | 'failed' | 'deleted' | (string & {});
  timestamp: Date;
  errors: InboundError[];
  /** Meta's `pricing` block, when the status carries one. */
  pricing?: StatusPricing;
}

/** What Meta reported it bills for a message: `isBillable` from pricing.type `regular`, else the older `billable` flag. */
export interface StatusPricing {
  category: string | null;
  type: string | null;
  isBillable: boolean | null;
}

/** Everything the webhook turns into work for us. */
export type InboundEvent = InboundMessageEvent | InboundStatusEvent;

/** A value-level webhook error: a problem of the app or account, not tied to one message. */
export interface WebhookSystemError extends InboundError {
  phoneNumberId: string;
}

/** Result of parsing one webhook body; `ok: false` only when it is not a WhatsApp webhook at all. */
export type ParseWebhookResult =
  | {
      ok: true;
      events: InboundEvent[];
      /** Changes/items we skip on purpose: non-`messages` fields, payment statuses, sender-less messages. */
      ignored: number;
      /** Value-level errors (account/app problems, no message attached); worth logging. */
      systemErrors: WebhookSystemError[];
      /** Unusable input that was repaired or skipped (no personal data: log these). */
      problems: WebhookInputProblem[];
    }
  | { ok: false; reason: string };

/** A part of a webhook that could not be stored as sent: repaired (stored sanitised) or skipped alone. */
export interface WebhookInputProblem {
  part: 'webhook' | 'message' | 'status' | 'error';
  action: 'repaired' | 'skipped';
  /** What was wrong, without the content. */
  reason: string;
}
