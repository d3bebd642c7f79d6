/**
 * The simulator's chat: bubbles the phone sent (with ticks) and received (text, reply buttons, a
 * list's button, a Flow's CTA, templates), each received one with the Graph API request behind it.
 * Polled by htmx; an unchanged chat answers 204 so nothing flickers.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '@kitajs/html';
import { readFlowParameters, type PhoneState, type SentMessage } from './simulated-phone';
import type { PhoneTexts } from './phone-texts';
import type { SimulatorOutboxRow } from './simulator-repository';

type Payload = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function Ticks(props: { message: SentMessage; isRead: boolean; t: PhoneTexts }): JSX.Element {
  const { message, isRead, t } = props;
  if (message.state === 'failed') return <span class="ticks failed" title={t.ticksFailed} aria-label={t.ticksFailed}>!</span>;
  if (message.state === 'sent') return <span class="ticks" title={t.ticksSent} aria-label={t.ticksSent}>✓</span>;
  const label = isRead ? t.ticksRead : t.ticksDelivered;
  return <span class={isRead ? 'ticks read' : 'ticks'} title={label} aria-label={label}>✓✓</span>;
}

/** WhatsApp's chat formatting on escaped text: *bold*, _italic_, ~strikethrough~, ```monospace```. */
export function formatWhatsAppText(text: string): string {
  const edge = '(^|[\\s(])';
  const end = '(?=$|[\\s).,!?:;])';
  return escapeHtml(text)
    .replace(/```([^`]+)```/g, '<code>$1</code>')
    .replace(new RegExp(`${edge}\\*([^*\\n]+)\\*${end}`, 'g'), '$1<strong>$2</strong>')
    .replace(new RegExp(`${edge}_([^_\\n]+)_${end}`, 'g'), '$1<em>$2</em>')
    .replace(new RegExp(`${edge}~([^~\\n]+)~${end}`, 'g'), '$1<s>$2</s>');
}

function timeOf(date: Date): string {
  return date.toISOString().slice(11, 16);
}

function SentBubble(props: { message: SentMessage; isRead: boolean; t: PhoneTexts }): JSX.Element {
  return (
    <li class="bubble out">
      <p safe>{props.message.text}</p>
      <span class="meta">
        <time datetime={props.message.at.toISOString()}>{timeOf(props.message.at)}</time> <Ticks {...props} />
      </span>
    </li>
  );
}

function ReceivedBody(props: { row: SimulatorOutboxRow; phone: PhoneState; t: PhoneTexts }): JSX.Element {
  const payload = props.row.payload as Payload;
  const seq = props.row.sequence.toString();
  if (payload.type === 'text') return <p>{formatWhatsAppText(String(payload.text?.body ?? '')) as 'safe'}</p>;
  if (payload.type === 'template') {
    return <p class="template" safe>{`Template ${String(payload.template?.name ?? '')} (${String(payload.template?.language?.code ?? '')})`}</p>;
  }
  if (payload.type !== 'interactive') return <p class="template" safe>{`(${String(payload.type)} message)`}</p>;
  const interactive = payload.interactive ?? {};
  const parts: JSX.Element[] = [];
  if (interactive.header?.text) parts.push(<p class="header" safe>{String(interactive.header.text)}</p>);
  parts.push(<p>{formatWhatsAppText(String(interactive.body?.text ?? '')) as 'safe'}</p>);
  if (interactive.footer?.text) parts.push(<p class="footer-text" safe>{String(interactive.footer.text)}</p>);
  if (interactive.type === 'button') {
    const buttons = (interactive.action?.buttons ?? []) as Array<{ reply: { id: string; title: string } }>;
    parts.push(
      <div class="actions">
        {buttons.map((button) => (
          <button type="button" class="reply" hx-post="/simulator/reply" hx-vals={JSON.stringify({ kind: 'button', id: button.reply.id, title: button.reply.title })} hx-target="#chat" hx-swap="outerHTML" safe>
            {button.reply.title}
          </button>
        ))}
      </div>,
    );
  } else if (interactive.type === 'list') {
    parts.push(
      <div class="actions">
        <button type="button" class="reply" hx-get={`/simulator/list?seq=${seq}`} hx-target="#sheet" hx-swap="innerHTML" safe>
          {`☰ ${String(interactive.action?.button ?? props.t.menu)}`}
        </button>
      </div>,
    );
  } else if (interactive.type === 'flow') {
    const flow = readFlowParameters(payload);
    const refusal = props.phone.disabledFlows.get(seq);
    parts.push(
      <div class="actions">
        <button type="button" class="reply cta" hx-post="/simulator/flow/open" hx-vals={JSON.stringify({ seq })} hx-target="#sheet" hx-swap="innerHTML" disabled={refusal !== undefined} safe>
          {flow?.cta ?? ''}
        </button>
        {refusal ? <p class="cta-refused" safe>{refusal}</p> : ''}
      </div>,
    );
  }
  return <>{parts as 'safe'[]}</>;
}

function ReceivedBubble(props: { row: SimulatorOutboxRow; phone: PhoneState; t: PhoneTexts }): JSX.Element {
  const { row, t } = props;
  return (
    <li class="bubble in" data-status={row.status}>
      <ReceivedBody {...props} />
      <span class="meta">
        <time datetime={row.createdAt.toISOString()}>{timeOf(row.createdAt)}</time>
      </span>
      <details class="raw">
        <summary safe>{`${t.rawRequest} · ${row.status}`}</summary>
        <pre safe>{JSON.stringify(row.payload, null, 2)}</pre>
      </details>
    </li>
  );
}

/** The chat list (the element htmx swaps), and a version stamp to answer 204 when nothing changed. */
export function renderChat(props: { phone: PhoneState; received: SimulatorOutboxRow[]; readUpTo: number; t: PhoneTexts; businessName: string }): { html: string; version: string } {
  const { phone, received, readUpTo, t } = props;
  const items: JSX.Element[] = [];
  let sentIndex = 0;
  const flushSent = (upTo: bigint | null) => {
    while (sentIndex < phone.sent.length && (upTo === null || phone.sent[sentIndex]!.afterSequence < upTo)) {
      items.push(<SentBubble message={phone.sent[sentIndex]!} isRead={sentIndex <= readUpTo} t={t} />);
      sentIndex += 1;
    }
  };
  for (const row of received) {
    flushSent(row.sequence);
    items.push(<ReceivedBubble row={row} phone={phone} t={t} />);
  }
  flushSent(null);
  const list = items.join('');
  const version = createHash('sha256').update(list).digest('hex').slice(0, 16);
  const html = (
    <div id="chat" class="chat" role="log" aria-label={`Chat with ${props.businessName}`} hx-get={`/simulator/chat?v=${version}`} hx-trigger="every 1s, chat-changed from:body" hx-swap="outerHTML">
      <ol>{list as 'safe'}</ol>
    </div>
  ) as string;
  return { html, version };
}

/** The bottom sheet of a list message: its sections and rows; a row sends a list_reply. */
export function renderListSheet(props: { row: SimulatorOutboxRow; t: PhoneTexts }): string {
  const interactive = (props.row.payload as Payload).interactive ?? {};
  const sections = (interactive.action?.sections ?? []) as Array<{ title?: string; rows: Array<{ id: string; title: string; description?: string }> }>;
  const title = String(interactive.action?.button ?? props.t.menu);
  return (
    <section class="sheet" role="dialog" aria-label={title}>
      <header class="sheet-head">
        <button type="button" class="icon" hx-get="/simulator/sheet/close" hx-target="#sheet" aria-label={props.t.close}>
          ✕
        </button>
        <h2 safe>{title}</h2>
      </header>
      {sections.map((section) => (
        <div class="list-section">
          {section.title ? <h3 safe>{section.title}</h3> : ''}
          <ul>
            {section.rows.map((row) => (
              <li>
                <button type="button" class="list-row" hx-post="/simulator/reply" hx-vals={JSON.stringify({ kind: 'list', id: row.id, title: row.title, description: row.description ?? '' })} hx-target="#chat" hx-swap="outerHTML">
                  <span class="row-title" safe>{row.title}</span>
                  {row.description ? <span class="row-description" safe>{row.description}</span> : ''}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  ) as string;
}
