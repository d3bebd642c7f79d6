/**
 * The building blocks every Settings page repeats: the list table (caption, column headers, an
 * empty-state row), a one-button POST form per row (CSRF token, accessible name naming the row),
 * a form or section named by its heading, the "name per language" fields, and a secret shown once.
 */
import type { Children } from '@kitajs/html';
import type { ConsoleUser } from '../../auth/accounts';
import type { Translate } from '../../i18n';
import type { FieldErrors } from '../../settings/operations';
import { Csrf, Field } from './settings-frame';

/** The languages a business can write its customer-facing names and texts in. */
export const CONTENT_LANGUAGES = ['en', 'es', 'pt'] as const;

/**
 * A list with a caption and column headers; `empty` fills one row when there are none. `actions`
 * heads a last column of per-row buttons (muted: the buttons say what they do).
 */
export function SettingsTable<T>(props: {
  caption: string;
  /** The caption as a section heading (a page with several lists) instead of a muted line. */
  captionIsHeading?: boolean;
  columns: string[];
  actions?: string;
  rows: readonly T[];
  /** The text of the row shown when there are none (a list that always has rows needs none). */
  empty?: string;
  row: (item: T) => JSX.Element;
}): JSX.Element {
  return (
    <table class="panel">
      {props.captionIsHeading ? <caption><h2 safe>{props.caption}</h2></caption> : <caption class="muted" safe>{props.caption}</caption>}
      <thead>
        <tr>
          {props.columns.map((column) => <th scope="col" safe>{column}</th>)}
          {props.actions ? <th scope="col"><span class="muted" safe>{props.actions}</span></th> : ''}
        </tr>
      </thead>
      <tbody>
        {props.rows.length === 0 && props.empty ? (
          <tr>
            <td colspan={String(props.columns.length + (props.actions ? 1 : 0))} class="muted" safe>
              {props.empty}
            </td>
          </tr>
        ) : (
          props.rows.map((item) => props.row(item))
        )}
      </tbody>
    </table>
  );
}

/** Hidden inputs, one per entry. */
function HiddenFields(props: { fields?: Record<string, string> }): JSX.Element {
  return <>{Object.entries(props.fields ?? {}).map(([name, value]) => <input type="hidden" name={name} value={value} />)}</>;
}

/**
 * A form of one button acting on one row (remove, revoke, reset): the CSRF token, hidden fields,
 * what comes before the button, and the button; `ariaLabel` names the row when its text alone would
 * be ambiguous in a list ("Remove: Ana"); `inline` lays it out in one line.
 */
export function RowActionForm(props: {
  user: ConsoleUser;
  action: string;
  label: string;
  ariaLabel?: string;
  tone: 'danger' | 'secondary';
  inline?: boolean;
  hidden?: Record<string, string>;
  children?: Children;
}): JSX.Element {
  return (
    <form method="post" action={props.action} class={props.inline ? 'inline' : undefined}>
      <Csrf user={props.user} />
      <HiddenFields fields={props.hidden} />
      {props.children as 'safe'}
      <button type="submit" class={props.tone} aria-label={props.ariaLabel} safe>
        {props.label}
      </button>
    </form>
  );
}

/**
 * A form that saves something: its heading (h2, or h3 inside a section), which also names the form
 * when `id` is given (else `ariaLabel` does); a hint; the CSRF token; hidden fields; the fields; the
 * submit button in a div (of `actionsClass`). The server validates unless `browserValidates`.
 */
export function SettingsForm(props: {
  user: ConsoleUser;
  action: string;
  id?: string;
  title?: string;
  level?: 2 | 3;
  ariaLabel?: string;
  hint?: string;
  submit: string;
  class: string;
  actionsClass?: string;
  browserValidates?: boolean;
  hidden?: Record<string, string>;
  children?: Children;
}): JSX.Element {
  const titleId = props.title && props.id ? `${props.id}-title` : undefined;
  return (
    <form method="post" action={props.action} class={props.class} novalidate={!props.browserValidates} aria-labelledby={titleId} aria-label={titleId ? undefined : props.ariaLabel}>
      {props.title && props.level === 3 ? <h3 id={titleId} safe>{props.title}</h3> : ''}
      {props.title && props.level !== 3 ? <h2 id={titleId} safe>{props.title}</h2> : ''}
      {props.hint ? <p class="muted" id={props.id ? `${props.id}-hint` : undefined} safe>{props.hint}</p> : ''}
      <Csrf user={props.user} />
      <HiddenFields fields={props.hidden} />
      {props.children as 'safe'}
      <div class={props.actionsClass}>
        <button type="submit" safe>
          {props.submit}
        </button>
      </div>
    </form>
  );
}

/** A part of a Settings page named by its h2, with an optional hint. */
export function SettingsSection(props: { id: string; title: string; hint?: string; children?: Children }): JSX.Element {
  return (
    <section class="stack" aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`} safe>{props.title}</h2>
      {props.hint ? <p class="muted" safe>{props.hint}</p> : ''}
      {props.children as 'safe'}
    </section>
  );
}

/** The optional name of a service, staff member or location in each customer language. */
export function NamesFields(props: { t: Translate; prefix: string; names: Record<string, string>; errors: FieldErrors }): JSX.Element {
  const { t, prefix } = props;
  return (
    <>
      {CONTENT_LANGUAGES.map((language) => (
        <Field
          id={`${prefix}-names-${language}`}
          name={`names.${language}`}
          label={t('settings.nameIn', { language: t(`settings.language.${language}`) })}
          value={props.names[language] ?? ''}
          error={props.errors[`names.${language}`]}
        />
      ))}
    </>
  );
}

/** The link back from one item's page to its list. */
export function BackLink(props: { t: Translate; href: string }): JSX.Element {
  return <p><a href={props.href}>{props.t('settings.back')}</a></p>;
}

/** A secret (password, API key, signing secret) shown once, right after it was made. */
export function ShownOnce(props: { text: string; secret: string }): JSX.Element {
  return <p class="notice" role="status"><span safe>{props.text}</span> <code safe>{props.secret}</code></p>;
}
