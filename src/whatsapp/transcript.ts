/**
 * A conversation as readable lines, from our stored inbound messages and outbound Graph API bodies.
 * Two forms: `plain` (the text only, as the REST API answers it) and `rich` (what the customer saw:
 * taps marked ▸, buttons and list rows, template parameters, failure reasons; the staff console).
 */

/** `plain`: message text only; `rich`: buttons, list rows, taps, template parameters and failure reasons too. */
export type TranscriptForm = 'plain' | 'rich';

/** One line of a transcript. */
export interface TranscriptEntry {
  id: string;
  direction: 'inbound' | 'outbound';
  /** Who wrote it: the customer, the bot (replies, reminders, notices) or a staff member (replies and templates sent by staff). */
  author: 'customer' | 'bot' | 'staff';
  at: Date;
  /** The message type (text, interactive, template, button_reply…). */
  type: string;
  /** What a person reads; null (plain form) when the message has no text to show. */
  text: string | null;
  /** Outbound only: queued, sent, delivered, read, failed (rich form: with its reason), sandbox. */
  status: string | null;
}

/** Stored rows of one customer, both directions, in any order. */
export interface TranscriptRows {
  /** `receivedAt` (our clock, like the outbound rows' times) orders the timeline when given; WhatsApp's `sentAt` is shown. */
  inbound: Array<{ id: string; message: unknown; sentAt: Date; receivedAt?: Date; type?: string }>;
  /** `sequence` (the send order) orders messages stamped with the same time, e.g. two replies of one step. */
  outbound: Array<{ id: string; payload: unknown; status: string; createdAt: Date; kind?: string; lastError?: string | null; sequence?: bigint | number }>;
}

type Json = Record<string, unknown>;

/** The text a person would see for one of our parsed inbound messages. */
export function describeInboundMessage(message: unknown, form: TranscriptForm): string | null {
  const m = (message ?? {}) as Json;
  const tap = (title: unknown) => (form === 'rich' ? `▸ ${String(title ?? '')}` : String(title ?? ''));
  switch (m.type) {
    case 'text':
      return String(m.text ?? '');
    case 'button_reply':
    case 'list_reply':
      return tap(m.title);
    case 'template_button':
      return tap(m.text);
    case 'flow_reply':
      return typeof m.body === 'string' ? m.body : '[form submitted]';
    case 'location':
      return `[location${m.name ? `: ${String(m.name)}` : ''}]`;
    case 'media':
      return m.caption ? `[${String(m.mediaType)}] ${String(m.caption)}` : `[${String(m.mediaType)}]`;
    case 'reaction':
      return `[reaction ${String(m.emoji ?? '')}]`;
    case 'contacts':
      return '[contacts]';
    default:
      return form === 'rich' ? `[${String(m.type ?? 'message')}]` : null;
  }
}

/** The text of one of our outbound Graph API bodies. */
export function describeOutboundPayload(payload: unknown, form: TranscriptForm): string | null {
  const p = (payload ?? {}) as Json;
  if (p.type === 'text') return String((p.text as Json | undefined)?.body ?? '');
  if (p.type === 'template') {
    const template = (p.template ?? {}) as Json;
    const name = String(template.name ?? '');
    if (form === 'plain') return `[template ${name}]`;
    const body = ((template.components as Json[] | undefined) ?? []).find((c) => c.type === 'body');
    const values = ((body?.parameters as Json[] | undefined) ?? []).map((param) => String(param.text ?? ''));
    return values.length > 0 ? `[template ${name}: ${values.join(' · ')}]` : `[template ${name}]`;
  }
  if (p.type === 'interactive') {
    const interactive = (p.interactive ?? {}) as Json;
    const body = String((interactive.body as Json | undefined)?.text ?? '');
    if (form === 'plain') return body;
    const action = (interactive.action ?? {}) as Json;
    const buttons = ((action.buttons as Json[] | undefined) ?? []).map((b) => `[${String((b.reply as Json | undefined)?.title ?? '')}]`);
    const rows = ((action.sections as Json[] | undefined) ?? []).flatMap((s) => ((s.rows as Json[] | undefined) ?? []).map((r) => `• ${String(r.title ?? '')}`));
    const flow = interactive.type === 'flow' ? `[${String((action.parameters as Json | undefined)?.flow_cta ?? 'Form')}]` : '';
    return [body, buttons.join(' '), rows.join('\n'), flow].filter(Boolean).join('\n');
  }
  return form === 'rich' ? `[${String(p.type ?? 'message')}]` : null;
}

/**
 * Merges both directions into one timeline, oldest first, on our clock (an inbound message at its
 * arrival: WhatsApp's own timestamp may be seconds off ours); at equal times the inbound message
 * comes first (our answer reacts to it), and our messages keep their send order.
 */
export function buildTranscript(rows: TranscriptRows, form: TranscriptForm): TranscriptEntry[] {
  const orderAt = new Map<string, number>(rows.inbound.map((row) => [row.id, (row.receivedAt ?? row.sentAt).getTime()]));
  const sendOrder = new Map<string, number>(rows.outbound.map((row, index) => [row.id, row.sequence === undefined ? index : Number(row.sequence)]));
  const entries: TranscriptEntry[] = [
    ...rows.inbound.map((row) => ({
      id: row.id,
      direction: 'inbound' as const,
      author: 'customer' as const,
      at: row.sentAt,
      type: row.type ?? String(((row.message ?? {}) as Json).type ?? 'message'),
      text: describeInboundMessage(row.message, form),
      status: null,
    })),
    ...rows.outbound.map((row) => ({
      id: row.id,
      direction: 'outbound' as const,
      author: row.kind === 'staff_reply' ? ('staff' as const) : ('bot' as const),
      at: row.createdAt,
      type: String(((row.payload ?? {}) as Json).type ?? row.kind ?? 'message'),
      text: describeOutboundPayload(row.payload, form),
      status: form === 'rich' && row.status === 'failed' && row.lastError ? `failed: ${row.lastError}` : row.status,
    })),
  ];
  const tieOrder = (a: { entry: TranscriptEntry; index: number }, b: { entry: TranscriptEntry; index: number }) =>
    (a.entry.direction === 'inbound' ? a.entry.at.getTime() - b.entry.at.getTime() : sendOrder.get(a.entry.id)! - sendOrder.get(b.entry.id)!) || a.index - b.index;
  return entries
    .map((entry, index) => ({ entry, index }))
    .map(({ entry, index }) => ({ entry, index, time: entry.direction === 'inbound' ? orderAt.get(entry.id)! : entry.at.getTime() }))
    // Two inbound messages that arrived together keep WhatsApp's order; two of ours, their send order.
    .sort((a, b) => a.time - b.time || (a.entry.direction === b.entry.direction ? tieOrder(a, b) : a.entry.direction === 'inbound' ? -1 : 1))
    .map(({ entry }) => entry);
}
