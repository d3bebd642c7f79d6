/** The inbox: conversations waiting for a person on top (emergencies in red), the others below, one transcript with its actions. */
import { formatInTimeZone } from 'date-fns-tz';
import type { ConsoleUser } from '../auth/accounts';
import { canPerform } from '../auth/permissions';
import type { Translate } from '../i18n';
import type { ConfiguredTemplate, InboxConversation } from '../inbox/inbox-repository';
import type { TranscriptEntry } from '../../whatsapp';
import { formatCustomerContact, formatCustomerName } from './customer-label';
import { Layout } from './layout';
import { SearchForm } from './search-form';

function nameOf(conversation: InboxConversation): string {
  return formatCustomerName(conversation.customer);
}

function reasonOf(t: Translate, reason: string | null): string {
  if (reason === 'emergency') return t('inbox.reason.emergency');
  if (reason === 'requested') return t('inbox.reason.requested');
  if (reason === 'staff') return t('inbox.reason.staff');
  return t('inbox.reason.unknown');
}

/** Outside the 24-hour window: one form per configured template, its parameters as inputs. */
function TemplatePicker(props: { t: Translate; user: ConsoleUser; base: string; templates: ConfiguredTemplate[]; customerName: string | null }): JSX.Element {
  const { t, user } = props;
  if (props.templates.length === 0) return <p class="muted">{t('inbox.noTemplates')}</p>;
  return (
    <div class="column">
      <h3>{t('inbox.templates')}</h3>
      {props.templates.map((template, index) => (
        <form method="post" action={`${props.base}/template`} hx-post={`${props.base}/template`} hx-target="#conversation" hx-swap="outerHTML" class="column">
          <fieldset>
            <legend safe>{`${template.name} (${template.language})`}</legend>
            <input type="hidden" name="_csrf" value={user.csrfToken} />
            <input type="hidden" name="template" value={`${template.name}|${template.language}`} />
            {template.parameters.map((parameter, position) => (
              <>
                <label for={`template-${index}-${position}`} safe>
                  {`{{${position + 1}}} ${parameter}`}
                </label>
                <input
                  id={`template-${index}-${position}`}
                  name="param"
                  required
                  maxlength="1000"
                  value={parameter === 'customer_name' ? (props.customerName ?? '') : ''}
                />
              </>
            ))}
            <button type="submit">{t('inbox.sendTemplate', { name: template.name })}</button>
          </fieldset>
        </form>
      ))}
    </div>
  );
}

/** The conversation list (refreshed live through server-sent events). */
export function InboxList(props: {
  t: Translate;
  user: ConsoleUser;
  waiting: InboxConversation[];
  others: InboxConversation[];
  /** The latest customer message of each waiting conversation, by customer id. */
  latest?: Map<string, string>;
  selectedId?: string;
  search?: string;
}): JSX.Element {
  const { t, user } = props;
  const query = props.search ? `&q=${encodeURIComponent(props.search)}` : '';
  const item = (conversation: InboxConversation, isWaiting: boolean) => (
    <li class={isWaiting && conversation.handoffReason === 'emergency' ? 'emergency' : undefined}>
      <a href={`/admin/inbox?c=${conversation.id}${query}`} aria-current={conversation.id === props.selectedId ? 'true' : undefined}>
        <strong safe>{nameOf(conversation)}</strong>
        {conversation.customer.name ? (
          <span class="reason" safe>
            {formatCustomerContact(conversation.customer)}
          </span>
        ) : (
          ''
        )}
        <span class="reason">
          {isWaiting ? reasonOf(t, conversation.handoffReason) : ''} {formatInTimeZone(isWaiting && conversation.handoffAt ? conversation.handoffAt : conversation.lastActivityAt, user.timeZone, 'dd MMM HH:mm')}
        </span>
        {isWaiting && props.latest?.get(conversation.customer.id) ? (
          <span class="reason" safe>
            {`“${props.latest.get(conversation.customer.id)!.slice(0, 120)}”`}
          </span>
        ) : (
          ''
        )}
      </a>
    </li>
  );
  return (
    <div id="inbox-list-content">
      <span id="waiting-count" data-count={String(props.waiting.length)} hidden></span>
      <ul class="conversations" aria-label={t('inbox.title')}>
        <li>
          <h2>
            {t('inbox.waiting')} ({String(props.waiting.length)})
          </h2>
        </li>
        {props.waiting.length === 0 ? (
          <li>
            <p class="muted">{t('inbox.none')}</p>
          </li>
        ) : (
          props.waiting.map((c) => item(c, true))
        )}
        <li>
          <h2>{t('inbox.others')}</h2>
        </li>
        {props.others.map((c) => item(c, false))}
      </ul>
    </div>
  );
}

/** One conversation: transcript, window state and the actions the role allows. */
export function ConversationView(props: {
  t: Translate;
  user: ConsoleUser;
  conversation: InboxConversation;
  lines: TranscriptEntry[];
  isWithinWindow: boolean;
  /** Approved templates offered outside the 24-hour window. */
  templates: ConfiguredTemplate[];
  notice?: string;
  error?: string;
}): JSX.Element {
  const { t, user, conversation } = props;
  const canAct = canPerform(user.role, 'handle_conversations');
  const base = `/admin/inbox/${conversation.id}`;
  return (
    <section id="conversation" aria-labelledby="conversation-title" class="panel">
      <h2 id="conversation-title" safe>
        {t('inbox.transcript', { name: nameOf(conversation) })}
      </h2>
      <p class="muted" safe>
        {formatCustomerContact(conversation.customer)}
      </p>
      {conversation.customer.isOptedOut ? (
        <p>
          <strong class="error">{t('customers.optedOutLong')}</strong>
        </p>
      ) : (
        ''
      )}
      {props.notice ? (
        <p class="notice" role="status" safe>
          {props.notice}
        </p>
      ) : (
        ''
      )}
      {props.error ? (
        <p class="error" role="alert" safe>
          {props.error}
        </p>
      ) : (
        ''
      )}
      <p>{conversation.isHandoff ? <strong class={conversation.handoffReason === 'emergency' ? 'error' : undefined}>{`${reasonOf(t, conversation.handoffReason)} — ${t('inbox.withPerson')}`}</strong> : t('inbox.withBot')}</p>
      <ol class="transcript">
        {props.lines.map((line) => (
          <li class={line.direction}>
            <span class="muted">{line.author === 'customer' ? t('inbox.customer') : line.author === 'staff' ? t('inbox.staff') : t('inbox.bot')}: </span>
            <span safe>{line.text ?? ''}</span>
            <time datetime={line.at.toISOString()} safe>
              {`${formatInTimeZone(line.at, user.timeZone, 'dd MMM HH:mm')}${line.status ? ` · ${line.status}` : ''}`}
            </time>
          </li>
        ))}
      </ol>
      {canAct ? (
        <>
          {props.isWithinWindow ? (
            <form method="post" action={`${base}/reply`} hx-post={`${base}/reply`} hx-target="#conversation" hx-swap="outerHTML" class="column">
              <input type="hidden" name="_csrf" value={user.csrfToken} />
              <label for="reply-text">{t('inbox.reply')}</label>
              <textarea id="reply-text" name="text" rows="3" maxlength="4096" required></textarea>
              <button type="submit">{t('inbox.send')}</button>
            </form>
          ) : (
            <>
              <p class="muted">{t('inbox.outsideWindow')}</p>
              {conversation.customer.isOptedOut ? (
                <p class="muted">{t('inbox.optedOutNoTemplates')}</p>
              ) : (
                <TemplatePicker t={t} user={user} base={base} templates={props.templates} customerName={conversation.customer.name} />
              )}
            </>
          )}
          {conversation.isHandoff && conversation.handoffReason === 'staff' ? (
            ''
          ) : (
            <form method="post" action={`${base}/take-over`} hx-post={`${base}/take-over`} hx-target="#conversation" hx-swap="outerHTML">
              <input type="hidden" name="_csrf" value={user.csrfToken} />
              <button type="submit" class="secondary">
                {t('inbox.takeOver')}
              </button>
            </form>
          )}
          {conversation.isHandoff ? (
            <form method="post" action={`${base}/hand-back`} hx-post={`${base}/hand-back`} hx-target="#conversation" hx-swap="outerHTML">
              <input type="hidden" name="_csrf" value={user.csrfToken} />
              <button type="submit" class="secondary">
                {t('inbox.handBack')}
              </button>
            </form>
          ) : (
            ''
          )}
        </>
      ) : (
        ''
      )}
    </section>
  );
}

/** The inbox page. */
export function renderInboxPage(props: { t: Translate; user: ConsoleUser; list: JSX.Element; conversation?: JSX.Element; search?: string; waitingCount: number }): string {
  const { t, user } = props;
  const title = t('inbox.title');
  const fullTitle = `${title} · ${user.businessName}`;
  return (
    <Layout user={user} t={t} title={title} current="inbox" titleCount={props.waitingCount} baseTitle={fullTitle}>
      <div class="toolbar">
        <h1>{title}</h1>
        <SearchForm t={t} action="/admin/inbox" id="inbox-search" value={props.search} />
      </div>
      <div class="inbox">
        <div id="inbox-list" hx-get={`/admin/inbox/list${props.search ? `?q=${encodeURIComponent(props.search)}` : ''}`} hx-trigger="inbox-changed" hx-swap="innerHTML" hx-disinherit="*">
          {props.list as 'safe'}
        </div>
        <div>{(props.conversation ?? <p class="panel">{t('inbox.select')}</p>) as 'safe'}</div>
      </div>
    </Layout>
  ) as string;
}
