/** A conversation as the customer saw it: their messages, the bot's (buttons and list rows shown), staff replies, delivery status. */

/** One line of the console transcript. */
export interface TranscriptLine {
  id: string;
  direction: 'inbound' | 'outbound';
  at: Date;
  text: string;
  /** Outbound only: queued, sent, delivered, read, failed (with reason), sandbox. */
  status?: string;
}

type Json = Record<string, unknown>;

/** The text a person would see for one of our parsed inbound messages. */
export function describeInbound(message: unknown): string {
  const m = (message ?? {}) as Json;
  switch (m.type) {
    case 'text':
      return String(m.text ?? '');
    case 'button_reply':
    case 'list_reply':
      return `▸ ${String(m.title ?? '')}`;
    case 'template_button':
      return `▸ ${String(m.text ?? '')}`;
    case 'flow_reply':
      return typeof m.body === 'string' ? m.body : '[form submitted]';
    case 'location':
      return `[location${m.name ? `: ${String(m.name)}` : ''}]`;
    case 'media':
      return m.caption ? `[${String(m.mediaType)}] ${String(m.caption)}` : `[${String(m.mediaType)}]`;
    case 'reaction':
      return `[reaction ${String(m.emoji ?? '')}]`;
    default:
      return `[${String(m.type ?? 'message')}]`;
  }
}

function describeOutbound(payload: unknown): string {
  const p = (payload ?? {}) as Json;
  if (p.type === 'text') return String((p.text as Json | undefined)?.body ?? '');
  if (p.type === 'template') return `[template ${String((p.template as Json | undefined)?.name ?? '')}]`;
  if (p.type === 'interactive') {
    const interactive = (p.interactive ?? {}) as Json;
    const body = String((interactive.body as Json | undefined)?.text ?? '');
    const action = (interactive.action ?? {}) as Json;
    const buttons = ((action.buttons as Json[] | undefined) ?? []).map((b) => `[${String((b.reply as Json | undefined)?.title ?? '')}]`);
    const rows = ((action.sections as Json[] | undefined) ?? []).flatMap((s) => ((s.rows as Json[] | undefined) ?? []).map((r) => `• ${String(r.title ?? '')}`));
    const flow = interactive.type === 'flow' ? [`[${String((action.parameters as Json | undefined)?.flow_cta ?? 'Form')}]`] : [];
    return [body, buttons.join(' '), rows.join('\n'), flow.join('')].filter(Boolean).join('\n');
  }
  return `[${String(p.type ?? 'message')}]`;
}

/** Merges both directions into one timeline, oldest first. */
export function buildTranscriptLines(rows: {
  inbound: Array<{ id: string; message: unknown; sentAt: Date }>;
  outbound: Array<{ id: string; payload: unknown; status: string; lastError: string | null; createdAt: Date }>;
}): TranscriptLine[] {
  const lines: TranscriptLine[] = [
    ...rows.inbound.map((row) => ({ id: row.id, direction: 'inbound' as const, at: row.sentAt, text: describeInbound(row.message) })),
    ...rows.outbound.map((row) => ({
      id: row.id,
      direction: 'outbound' as const,
      at: row.createdAt,
      text: describeOutbound(row.payload),
      status: row.status === 'failed' && row.lastError ? `failed: ${row.lastError}` : row.status,
    })),
  ];
  return lines.sort((a, b) => a.at.getTime() - b.at.getTime());
}
