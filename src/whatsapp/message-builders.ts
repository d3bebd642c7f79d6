/**
 * Builders of Graph API `/messages` bodies that always respect Meta's limits: over-long
 * user-visible text is shortened with '…', never sent to be rejected. Only impossible
 * structures (no buttons, too many rows, duplicate ids…) throw, because they are bugs.
 */
import { WHATSAPP_LIMITS as L } from './limits';
import type {
  InteractiveButtons,
  InteractiveFlow,
  InteractiveList,
  InteractiveMessageBody,
  InteractiveRequestContact,
  InteractiveTextParts,
  MarkReadBody,
  OutboundEnvelope,
  TextMessageBody,
} from './outbound-message';
import { omitUndefined } from './parse-helpers';
import { measureText, truncateText } from './text-length';

/** Recipient and optional quoted message, common to every builder. */
export interface RecipientInput {
  /** The customer's address: phone number with `+` and country code, a wa_id, or a business-scoped user id (BSUID). */
  to: string;
  /** Quote this inbound message (wamid) in the reply. */
  replyToMessageId?: string;
}

/** Header/body/footer texts of an interactive message. */
export interface InteractiveTextInput extends RecipientInput {
  body: string;
  header?: string;
  footer?: string;
}

/** One reply button; `id` comes back in the button_reply webhook. */
export interface ReplyButtonInput {
  id: string;
  title: string;
}

/** One list section with its rows. */
export interface ListSectionInput {
  title?: string;
  rows: Array<{ id: string; title: string; description?: string }>;
}

/** Flow to open: by id, or by name (Cloud API only). */
export type FlowReference = { flowId: string; flowName?: never } | { flowName: string; flowId?: never };

/** Input of buildFlowMessage. */
export type FlowMessageInput = InteractiveTextInput &
  FlowReference & {
    flowCta: string;
    flowToken?: string;
    mode?: 'draft' | 'published';
    /** navigate (default): first screen rendered from flow JSON + data; data_exchange: endpoint gets INIT. */
    flowAction?: 'navigate' | 'data_exchange';
    /** Entry screen for navigate. */
    screen?: string;
    /** Initial screen data for navigate; omitted when empty (Meta rejects an empty object). */
    data?: Record<string, unknown>;
  };

/** Builds a text message; `text` is shortened to 4096 characters. */
export function buildTextMessage(input: RecipientInput & { text: string; previewUrl?: boolean }): TextMessageBody {
  ensure(input.text.trim() !== '', 'text message needs non-empty text');
  return { ...buildEnvelope(input), type: 'text', text: { body: truncateText(input.text, L.textBody), preview_url: input.previewUrl ?? false } };
}

/**
 * Builds the request for the customer's phone number (for customers known only by their
 * username); their answer arrives as a `contacts` message with `origin: contact_request`.
 */
export function buildRequestContactMessage(input: RecipientInput & { body: string }): InteractiveMessageBody {
  ensure(input.body.trim() !== '', 'contact request needs a body text');
  const interactive: InteractiveRequestContact = { type: 'request_contact_info', body: { text: truncateText(input.body, L.interactiveBody) }, action: { name: 'request_contact_info' } };
  return { ...buildEnvelope(input), type: 'interactive', interactive };
}

/** Builds a reply-buttons message (1–3 buttons with unique ids; titles shortened to 20). */
export function buildReplyButtonsMessage(input: InteractiveTextInput & { buttons: ReplyButtonInput[] }): InteractiveMessageBody {
  const { buttons } = input;
  ensure(buttons.length >= 1 && buttons.length <= L.replyButtonsMax, `reply buttons message needs 1–${L.replyButtonsMax} buttons, got ${buttons.length}; use a list for more choices`);
  buttons.forEach((b) => ensureId(b.id, L.buttonId, 'button id'));
  ensureUnique(buttons.map((b) => b.id), 'button ids');
  const interactive: InteractiveButtons = {
    type: 'button',
    ...buildTextParts(input),
    action: { buttons: buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: shorten(b.title, L.buttonTitle, 'button title') } })) },
  };
  return { ...buildEnvelope(input), type: 'interactive', interactive };
}

/** Builds a list message (1–10 sections, 1–10 rows in total, unique row ids; texts shortened). */
export function buildListMessage(input: InteractiveTextInput & { buttonLabel: string; sections: ListSectionInput[] }): InteractiveMessageBody {
  const { sections } = input;
  const rows = sections.flatMap((s) => s.rows);
  ensure(sections.length >= 1 && sections.length <= L.listSectionsMax, `list needs 1–${L.listSectionsMax} sections, got ${sections.length}`);
  ensure(sections.every((s) => s.rows.length > 0), 'every list section needs at least one row');
  ensure(rows.length <= L.listRowsMax, `list allows ${L.listRowsMax} rows in total, got ${rows.length}; paginate with a "More" row`);
  ensure(sections.length === 1 || sections.every((s) => s.title?.trim()), 'a list with several sections needs a title on each section');
  rows.forEach((r) => ensureId(r.id, L.listRowId, 'row id'));
  ensureUnique(rows.map((r) => r.id), 'row ids');
  const interactive: InteractiveList = {
    type: 'list',
    ...buildTextParts(input),
    action: {
      button: shorten(input.buttonLabel, L.listButtonLabel, 'list button label'),
      sections: sections.map((s) =>
        omitUndefined({
          title: s.title?.trim() ? truncateText(s.title, L.listSectionTitle) : undefined,
          rows: s.rows.map((r) =>
            omitUndefined({
              id: r.id,
              title: shorten(r.title, L.listRowTitle, 'row title'),
              description: r.description ? truncateText(r.description, L.listRowDescription) : undefined,
            }),
          ),
        }),
      ),
    },
  };
  return { ...buildEnvelope(input), type: 'interactive', interactive };
}

/** Builds an interactive Flow message (flow_message_version "3"); flow_cta shortened to 20. */
export function buildFlowMessage(input: FlowMessageInput): InteractiveMessageBody {
  ensure(Boolean(input.flowId) !== Boolean(input.flowName), 'flow message needs exactly one of flowId or flowName');
  const flowAction = input.flowAction ?? 'navigate';
  const hasPayload = input.screen !== undefined || (input.data !== undefined && Object.keys(input.data).length > 0);
  ensure(flowAction === 'navigate' || !hasPayload, 'screen/data only apply to flowAction "navigate"; with data_exchange the endpoint answers INIT');
  const payload = hasPayload
    ? omitUndefined({ screen: input.screen, data: input.data && Object.keys(input.data).length > 0 ? input.data : undefined })
    : undefined;
  const interactive: InteractiveFlow = {
    type: 'flow',
    ...buildTextParts(input),
    action: {
      name: 'flow',
      parameters: omitUndefined({
        flow_message_version: '3' as const,
        flow_id: input.flowId,
        flow_name: input.flowName,
        flow_cta: shorten(input.flowCta, L.flowCta, 'flow CTA'),
        flow_token: input.flowToken,
        mode: input.mode,
        flow_action: flowAction,
        flow_action_payload: payload,
      }),
    },
  };
  return { ...buildEnvelope(input), type: 'interactive', interactive };
}

/** Builds a read receipt for an inbound message (it also marks earlier messages of the thread read). */
export function buildMarkReadMessage(messageId: string): MarkReadBody {
  ensure(messageId !== '', 'mark-read needs the inbound message id');
  return { messaging_product: 'whatsapp', status: 'read', message_id: messageId };
}

/**
 * Common envelope; exported for the template builder. The one place a body gets its recipient:
 * a phone/wa_id goes in `to`, a BSUID (customer known only by username) in `recipient` with no
 * `to`, because Meta lets `to` win when both are present.
 */
export function buildEnvelope({ to, replyToMessageId }: RecipientInput): OutboundEnvelope {
  ensure(to.trim() !== '', 'message needs a recipient (`to`)');
  const address = isBusinessScopedUserId(to) ? { recipient: to } : { to };
  const envelope: OutboundEnvelope = { messaging_product: 'whatsapp', recipient_type: 'individual', ...address };
  return replyToMessageId ? { ...envelope, context: { message_id: replyToMessageId } } : envelope;
}

/** BSUIDs are `<ISO country>.<alphanumerics>` (parents `<ISO>.ENT.<…>`); phones and wa_ids are digits. */
const BSUID_PATTERN = /^[A-Z]{2}\.[A-Za-z0-9.]+$/;

/** Whether a customer address is a business-scoped user id rather than a phone number or wa_id. */
export function isBusinessScopedUserId(address: string): boolean {
  return BSUID_PATTERN.test(address);
}


function buildTextParts(input: InteractiveTextInput): InteractiveTextParts {
  return omitUndefined({
    header: input.header?.trim() ? { type: 'text' as const, text: truncateText(input.header, L.headerText) } : undefined,
    body: { text: shorten(input.body, L.interactiveBody, 'interactive body') },
    footer: input.footer?.trim() ? { text: truncateText(input.footer, L.footerText) } : undefined,
  });
}

/** Truncates a required text; an empty one is a bug (Meta rejects it). */
function shorten(text: string, max: number, what: string): string {
  ensure(text.trim() !== '', `${what} must not be empty`);
  return truncateText(text, max);
}

/** Ids are matched back from webhooks, so they are never shortened: an over-long id is a bug. */
function ensureId(id: string, max: number, what: string): void {
  ensure(id !== '' && measureText(id) <= max, `${what} must be 1–${max} characters, got ${measureText(id)}: ${JSON.stringify(id.slice(0, 40))}`);
}

function ensureUnique(values: string[], what: string): void {
  const duplicate = values.find((v, i) => values.indexOf(v) !== i);
  ensure(duplicate === undefined, `${what} must be unique; ${JSON.stringify(duplicate)} appears twice`);
}

/** Programmer error: the caller asked for a message WhatsApp cannot represent. */
export function ensure(condition: boolean, message: string): asserts condition {
  if (!condition) throw new RangeError(`WhatsApp message: ${message}`);
}
