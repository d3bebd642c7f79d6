/** Readable lines of a conversation from stored inbound messages and outbound Graph API bodies. */

/** One line of the transcript. */
export interface TranscriptEntry {
  id: string;
  direction: 'inbound' | 'outbound';
  at: string;
  type: string;
  text: string | null;
  /** Delivery status of outbound messages (queued, sent, delivered, read, failed, sandbox). */
  status: string | null;
}

type Json = Record<string, unknown>;

/** The text a person would see for one of our parsed inbound messages. */
export function describeInbound(message: unknown): string | null {
  const m = (message ?? {}) as Json;
  switch (m.type) {
    case 'text':
      return String(m.text ?? '');
    case 'button_reply':
    case 'list_reply':
      return String(m.title ?? '');
    case 'template_button':
      return String(m.text ?? '');
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
      return null;
  }
}

/** The text of one of our outbound Graph API bodies. */
export function describeOutbound(payload: unknown): string | null {
  const p = (payload ?? {}) as Json;
  if (p.type === 'text') return String((p.text as Json | undefined)?.body ?? '');
  if (p.type === 'interactive') return String(((p.interactive as Json | undefined)?.body as Json | undefined)?.text ?? '');
  if (p.type === 'template') return `[template ${String((p.template as Json | undefined)?.name ?? '')}]`;
  return null;
}

/** Merges both directions into one timeline, oldest first. */
export function buildTranscript(params: {
  inbound: Array<{ id: string; type: string; message: unknown; sentAt: Date }>;
  outbound: Array<{ id: string; kind: string; payload: unknown; status: string; createdAt: Date }>;
}): TranscriptEntry[] {
  const entries: Array<TranscriptEntry & { sortAt: number }> = [
    ...params.inbound.map((row) => ({
      id: row.id,
      direction: 'inbound' as const,
      at: row.sentAt.toISOString(),
      sortAt: row.sentAt.getTime(),
      type: row.type,
      text: describeInbound(row.message),
      status: null,
    })),
    ...params.outbound.map((row) => ({
      id: row.id,
      direction: 'outbound' as const,
      at: row.createdAt.toISOString(),
      sortAt: row.createdAt.getTime(),
      type: String(((row.payload ?? {}) as Json).type ?? row.kind),
      text: describeOutbound(row.payload),
      status: row.status,
    })),
  ];
  // Stable: at equal times the inbound message came first (our answer reacts to it).
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => a.entry.sortAt - b.entry.sortAt || (a.entry.direction === b.entry.direction ? a.index - b.index : a.entry.direction === 'inbound' ? -1 : 1))
    .map(({ entry: { sortAt: _sortAt, ...entry } }) => entry);
}
