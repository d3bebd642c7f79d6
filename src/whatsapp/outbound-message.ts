/**
 * Request bodies of the Graph API `POST /{phone-number-id}/messages` call, in Meta's own
 * snake_case shape: build them with message-builders.ts, send them with the graph client.
 */

/** Who a message goes to: a phone number/wa_id in `to`, or only a business-scoped user id in `recipient`. */
export type OutboundAddress = { to: string; recipient?: never } | { recipient: string; to?: never };

/** Fields shared by every message we send to one customer. */
export type OutboundEnvelope = OutboundAddress & {
  messaging_product: 'whatsapp';
  recipient_type: 'individual';
  /** Shows our message as a quoted reply to the customer's message. */
  context?: { message_id: string };
};

/** Optional text header/footer of an interactive message. */
export interface InteractiveTextParts {
  header?: { type: 'text'; text: string };
  body: { text: string };
  footer?: { text: string };
}

/** Reply buttons message body. */
export interface InteractiveButtons extends InteractiveTextParts {
  type: 'button';
  action: { buttons: Array<{ type: 'reply'; reply: { id: string; title: string } }> };
}

/** List message body. */
export interface InteractiveList extends InteractiveTextParts {
  type: 'list';
  action: {
    button: string;
    sections: Array<{ title?: string; rows: Array<{ id: string; title: string; description?: string }> }>;
  };
}

/** Flow message body (flow_message_version "3"). */
export interface InteractiveFlow extends InteractiveTextParts {
  type: 'flow';
  action: {
    name: 'flow';
    parameters: {
      flow_message_version: '3';
      flow_id?: string;
      flow_name?: string;
      flow_cta: string;
      flow_token?: string;
      mode?: 'draft' | 'published';
      flow_action?: 'navigate' | 'data_exchange';
      flow_action_payload?: { screen?: string; data?: Record<string, unknown> };
    };
  };
}

/** A template component with its parameters. */
export type TemplateComponent =
  | { type: 'body'; parameters: Array<{ type: 'text'; text: string }> }
  | { type: 'button'; sub_type: 'quick_reply'; index: string; parameters: Array<{ type: 'payload'; payload: string }> }
  | {
      type: 'button';
      sub_type: 'flow';
      index: string;
      parameters: Array<{ type: 'action'; action: { flow_token: string; flow_action_data?: Record<string, unknown> } }>;
    };

/** `type: "text"` message. */
export type TextMessageBody = OutboundEnvelope & {
  type: 'text';
  text: { body: string; preview_url: boolean };
};

/** `type: "interactive"` message (buttons, list or Flow). */
export type InteractiveMessageBody = OutboundEnvelope & {
  type: 'interactive';
  interactive: InteractiveButtons | InteractiveList | InteractiveFlow | InteractiveRequestContact;
};

/** Asks the customer to share their phone number; WhatsApp draws the button with its own fixed, localized label. */
export interface InteractiveRequestContact {
  type: 'request_contact_info';
  body: { text: string };
  action: { name: 'request_contact_info' };
}

/** `type: "template"` message; the only kind allowed outside the 24 h window. */
export type TemplateMessageBody = OutboundEnvelope & {
  type: 'template';
  template: { name: string; language: { code: string }; components?: TemplateComponent[] };
};

/** Read receipt for an inbound message (same endpoint, no recipient). */
export interface MarkReadBody {
  messaging_product: 'whatsapp';
  status: 'read';
  message_id: string;
}

/** Any message body we send to a customer. */
export type OutboundMessage = TextMessageBody | InteractiveMessageBody | TemplateMessageBody;

/** Anything we POST to `/messages`. */
export type MessagesRequestBody = OutboundMessage | MarkReadBody;
