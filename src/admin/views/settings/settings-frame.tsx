/**
 * The frame of every Settings page (admins only): the console layout, the settings sections as a
 * second navigation, the page's notice or error, and the form primitives the pages share (a label
 * on every control, its error right below it, tied with aria-describedby).
 */
import type { ConsoleUser } from '../../auth/accounts';
import type { ConsoleTextKey, Translate } from '../../i18n';
import type { FieldErrors } from '../../settings/operations';
import { Flash } from '../flash';
import { Layout } from '../layout';

/** A section of Settings. */
export interface SettingsSection {
  id: string;
  href: string;
  label: ConsoleTextKey;
}

/** The sections of Settings, in the order of the navigation. */
export const SETTINGS_SECTIONS: SettingsSection[] = [
  { id: 'business', href: '/admin/settings', label: 'settings.nav.business' },
  { id: 'services', href: '/admin/settings/services', label: 'settings.nav.services' },
  { id: 'staff', href: '/admin/settings/staff', label: 'settings.nav.staff' },
  { id: 'locations', href: '/admin/settings/locations', label: 'settings.nav.locations' },
  { id: 'users', href: '/admin/settings/users', label: 'nav.users' },
  { id: 'whatsapp', href: '/admin/settings/whatsapp', label: 'nav.whatsapp' },
  { id: 'apiKeys', href: '/admin/settings/api-keys', label: 'nav.apiKeys' },
  { id: 'webhooks', href: '/admin/settings/webhooks', label: 'nav.webhooks' },
];

/** The second navigation of Settings. */
export function SettingsNav(props: { t: Translate; current: string }): JSX.Element {
  return (
    <nav class="settings-nav" aria-label={props.t('settings.title')}>
      {SETTINGS_SECTIONS.map((section) => (
        <a href={section.href} aria-current={section.id === props.current ? 'page' : undefined}>
          {props.t(section.label)}
        </a>
      ))}
    </nav>
  );
}

/** A Settings page: layout, section navigation, heading, notice and the form-wide error. */
export function SettingsFrame(props: {
  user: ConsoleUser;
  t: Translate;
  section: string;
  title: string;
  notice?: string;
  /** The form-wide error: `error`, or else the errors' '' entry. */
  error?: string;
  errors?: FieldErrors;
  children?: JSX.Element | JSX.Element[] | string;
}): string {
  return (
    (<Layout user={props.user} t={props.t} title={props.title} current="settings">
      <SettingsNav t={props.t} current={props.section} />
      <h1 safe>{props.title}</h1>
      <Flash notice={props.notice} error={props.error ?? props.errors?.['']} />
      {props.children as 'safe'}
    </Layout>) as string
  );
}

/** Id of a field's error text. */
function errorIdOf(id: string): string {
  return `${id}-error`;
}

/** The error under a field (or nothing). */
export function FieldError(props: { id: string; error?: string }): JSX.Element {
  return props.error ? (
    <p class="error field-error" id={errorIdOf(props.id)} safe>
      {props.error}
    </p>
  ) : (
    ''
  );
}

/** The ids that describe a field: its hint and its error, or undefined when it has neither. */
function describedBy(props: { id: string; hint?: string; error?: string }): string | undefined {
  return [props.hint ? `${props.id}-hint` : '', props.error ? errorIdOf(props.id) : ''].filter(Boolean).join(' ') || undefined;
}

/** A field's label and the hint under it. */
function LabelAndHint(props: { id: string; label: string; hint?: string }): JSX.Element {
  return (
    <>
      <label for={props.id}>{props.label}</label>
      {props.hint ? (
        <span class="muted hint" id={`${props.id}-hint`} safe>
          {props.hint}
        </span>
      ) : (
        ''
      )}
    </>
  );
}

/** A labelled input with its hint and error. */
export function Field(props: {
  id: string;
  name: string;
  label: string;
  value?: string | number | null;
  error?: string;
  hint?: string;
  type?: string;
  required?: boolean;
  inputmode?: string;
  pattern?: string;
  placeholder?: string;
  autocomplete?: string;
}): JSX.Element {
  return (
    <div class="field">
      <LabelAndHint {...props} />
      <input
        id={props.id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value === null || props.value === undefined ? '' : String(props.value)}
        required={props.required}
        inputmode={props.inputmode}
        pattern={props.pattern}
        placeholder={props.placeholder}
        autocomplete={props.autocomplete ?? 'off'}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(props)}
      />
      <FieldError id={props.id} error={props.error} />
    </div>
  );
}

/** A labelled textarea with its error. */
export function TextAreaField(props: { id: string; name: string; label: string; value?: string | null; error?: string; hint?: string; rows?: number }): JSX.Element {
  return (
    <div class="field">
      <LabelAndHint {...props} />
      <textarea id={props.id} name={props.name} rows={String(props.rows ?? 3)} aria-invalid={props.error ? 'true' : undefined} aria-describedby={describedBy(props)} safe>
        {props.value ?? ''}
      </textarea>
      <FieldError id={props.id} error={props.error} />
    </div>
  );
}

/** A checkbox with its label after it. */
export function CheckboxField(props: { id: string; name: string; label: string; checked: boolean; value?: string; error?: string }): JSX.Element {
  return (
    <div class="field check">
      <input id={props.id} name={props.name} type="checkbox" value={props.value ?? 'on'} checked={props.checked} aria-describedby={props.error ? errorIdOf(props.id) : undefined} />
      <label for={props.id}>{props.label}</label>
      <FieldError id={props.id} error={props.error} />
    </div>
  );
}

/** A group of checkboxes (several of a list), with one error for the group. */
export function CheckboxGroup(props: { id: string; name: string; legend: string; options: Array<{ value: string; label: string }>; checked: readonly string[]; error?: string }): JSX.Element {
  return (
    <fieldset class="field checks" aria-describedby={props.error ? errorIdOf(props.id) : undefined}>
      <legend>{props.legend}</legend>
      {props.options.length === 0 ? <span class="muted">—</span> : ''}
      {props.options.map((option, index) => (
        <span class="check">
          <input id={`${props.id}-${index}`} name={props.name} type="checkbox" value={option.value} checked={props.checked.includes(option.value)} />
          <label for={`${props.id}-${index}`} safe>
            {option.label}
          </label>
        </span>
      ))}
      <FieldError id={props.id} error={props.error} />
    </fieldset>
  );
}

/** The hidden CSRF field every form carries. */
export function Csrf(props: { user: ConsoleUser }): JSX.Element {
  return <input type="hidden" name="_csrf" value={props.user.csrfToken} />;
}
