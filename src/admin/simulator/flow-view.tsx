/**
 * Draws the open Flow's screen model (from the shared Flow renderer) as WhatsApp's Flow sheet:
 * header with Back and Close, the components, the Footer button, the snackbar, and the checker's
 * `payload-schema-error` in red when the endpoint's answer would be refused.
 */
import { flowRenderer } from '../../flows';
import type { OpenFlow } from './simulated-phone';
import type { PhoneTexts } from './phone-texts';

type RenderedComponent = flowRenderer.RenderedComponent;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Form field name of a Flow input in the sheet's form (kept apart from the simulator's own fields). */
export const FIELD_PREFIX = 'field.';

// Choices re-render the screen at once (If, Switch and `visible` may depend on them); typed text
// applies at the Footer, so the sheet is never redrawn under the customer's fingers.
const LIVE = { 'hx-post': '/simulator/flow/act', 'hx-trigger': 'change', 'hx-target': '#sheet' };

// Flow JSON 6.0 lets a text be an array of lines (Meta's math example).
function text(value: unknown): string {
  return Array.isArray(value) ? value.map((line) => flowRenderer.toText(line)).join('\n') : flowRenderer.toText(value);
}

function Label(props: { component: RenderedComponent; id: string }): JSX.Element {
  const label = text(props.component.props.label);
  return (
    <label for={props.id} safe>
      {props.component.props.required === true ? `${label} *` : label}
    </label>
  );
}

function HelperAndError(props: { component: RenderedComponent; error?: string }): JSX.Element {
  const helper = text(props.component.props['helper-text']);
  return (
    <>
      {helper ? <p class="helper" safe>{helper}</p> : ''}
      {props.error ? <p class="field-error" role="alert" safe>{props.error}</p> : ''}
    </>
  );
}

function describeDay(day: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  return `${WEEKDAYS[date.getUTCDay()]}, ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

// A month grid per month between min and max, as WhatsApp's CalendarPicker: days outside the
// range, on excluded weekdays or unavailable are greyed out and cannot be picked.
function CalendarGrid(props: { component: RenderedComponent; name: string; value: unknown; id: string }): JSX.Element {
  const { component } = props;
  const min = flowRenderer.toIsoDate(component.props['min-date']) ?? new Date().toISOString().slice(0, 10);
  const max = flowRenderer.toIsoDate(component.props['max-date']) ?? min;
  const months: JSX.Element[] = [];
  let cursor = new Date(`${min.slice(0, 7)}-01T12:00:00Z`);
  const last = new Date(`${max.slice(0, 7)}-01T12:00:00Z`);
  for (let guard = 0; cursor <= last && guard < 24; guard += 1) {
    const year = cursor.getUTCFullYear();
    const month = cursor.getUTCMonth();
    const daysInMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    // Weeks start on Monday, as WhatsApp shows them in Europe.
    const leading = (cursor.getUTCDay() + 6) % 7;
    const cells: JSX.Element[] = Array.from({ length: leading }, () => <span class="day empty" />);
    for (let day = 1; day <= daysInMonth; day += 1) {
      const iso = `${year}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      const isSelectable = flowRenderer.isSelectableDate(component.props, iso);
      cells.push(
        <label class={isSelectable ? 'day' : 'day unavailable'}>
          <input {...LIVE} type="radio" name={props.name} value={iso} checked={props.value === iso} disabled={!isSelectable} aria-label={describeDay(iso)} />
          <span>{String(day)}</span>
        </label>,
      );
    }
    months.push(
      <div class="month">
        <p class="month-name">{`${MONTHS[month]} ${year}`}</p>
        <div class="weekdays" aria-hidden="true">
          <span>Mo</span><span>Tu</span><span>We</span><span>Th</span><span>Fr</span><span>Sa</span><span>Su</span>
        </div>
        <div class="days">{cells as 'safe'[]}</div>
      </div>,
    );
    cursor = new Date(Date.UTC(year, month + 1, 1, 12));
  }
  return <>{months as 'safe'[]}</>;
}

function Component(props: { component: RenderedComponent; index: number; form: Record<string, unknown>; errors: Record<string, string>; t: PhoneTexts }): JSX.Element {
  const { component, t } = props;
  const p = component.props;
  const name = component.name ?? '';
  const field = `${FIELD_PREFIX}${name}`;
  const id = `flow-${name || props.index}`;
  const value = props.form[name];
  const error = props.errors[name];
  switch (component.type) {
    case 'TextHeading':
      return <h2 class="flow-heading" safe>{text(p.text)}</h2>;
    case 'TextSubheading':
      return <h3 class="flow-subheading" safe>{text(p.text)}</h3>;
    case 'TextBody':
      return <p class={p['font-weight'] === 'bold' ? 'flow-body bold' : 'flow-body'} safe>{text(p.text)}</p>;
    case 'TextCaption':
      return <p class="flow-caption" safe>{text(p.text)}</p>;
    case 'RichText': {
      const lines = Array.isArray(p.text) ? p.text.map(text) : text(p.text).split('\n');
      return <div class="flow-rich">{lines.map((line) => <p safe>{line}</p>) as 'safe'[]}</div>;
    }
    case 'TextInput': {
      const inputType = ({ email: 'email', phone: 'tel', number: 'text', passcode: 'password', password: 'password' } as Record<string, string>)[text(p['input-type'])] ?? 'text';
      return (
        <div class="flow-field">
          <Label component={component} id={id} />
          <input id={id} name={field} type={inputType} value={text(value)} aria-invalid={error ? 'true' : undefined} />
          <HelperAndError component={component} error={error} />
        </div>
      );
    }
    case 'TextArea':
      return (
        <div class="flow-field">
          <Label component={component} id={id} />
          <textarea id={id} name={field} rows="3" aria-invalid={error ? 'true' : undefined} safe>{text(value)}</textarea>
          <HelperAndError component={component} error={error} />
        </div>
      );
    case 'Dropdown':
      return (
        <div class="flow-field">
          <Label component={component} id={id} />
          <select {...LIVE} id={id} name={field} aria-invalid={error ? 'true' : undefined}>
            <option value="">—</option>
            {flowRenderer.readOptions(component).map((option) => (
              <option value={option.id} selected={option.id === value} disabled={option.enabled === false} safe>
                {option.description ? `${option.title} · ${option.description}` : option.title}
              </option>
            )) as 'safe'[]}
          </select>
          <HelperAndError component={component} error={error} />
        </div>
      );
    case 'RadioButtonsGroup':
    case 'CheckboxGroup':
    case 'ChipsSelector': {
      const isMulti = component.type !== 'RadioButtonsGroup';
      const chosen = Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];
      return (
        <fieldset class="flow-field options" aria-invalid={error ? 'true' : undefined}>
          <legend safe>{p.required === true ? `${text(p.label)} *` : text(p.label)}</legend>
          {flowRenderer.readOptions(component).map((option) => (
            <label class="option">
              <input {...LIVE} type={isMulti ? 'checkbox' : 'radio'} name={field} value={option.id} checked={chosen.includes(option.id)} disabled={option.enabled === false} />
              <span class="option-text">
                <span class="option-title" safe>{option.title}</span>
                {option.description ? <span class="option-description" safe>{option.description}</span> : ''}
              </span>
            </label>
          )) as 'safe'[]}
          <HelperAndError component={component} error={error} />
        </fieldset>
      );
    }
    case 'DatePicker':
      return (
        <div class="flow-field">
          <Label component={component} id={id} />
          <input {...LIVE} id={id} name={field} type="date" value={text(flowRenderer.toIsoDate(value) ?? '')} min={flowRenderer.toIsoDate(p['min-date'])} max={flowRenderer.toIsoDate(p['max-date'])} aria-invalid={error ? 'true' : undefined} />
          <HelperAndError component={component} error={error} />
        </div>
      );
    case 'CalendarPicker':
      return (
        <fieldset class="flow-field flow-calendar" aria-invalid={error ? 'true' : undefined}>
          <legend safe>{p.required === true ? `${text(p.label)} *` : text(p.label)}</legend>
          {text(p.title) ? <p class="helper" safe>{text(p.title)}</p> : ''}
          <CalendarGrid component={component} name={field} value={value} id={id} />
          <HelperAndError component={component} error={error} />
        </fieldset>
      );
    case 'OptIn':
      return (
        <div class="flow-field optin">
          <input {...LIVE} id={id} name={field} type="checkbox" value="true" checked={value === true} />
          <label for={id} safe>{p.required === true ? `${text(p.label)} *` : text(p.label)}</label>
          <HelperAndError component={component} error={error} />
        </div>
      );
    case 'EmbeddedLink':
      return (
        <button type="submit" class="embedded-link" name="act" value={`link:${props.index}`} safe>
          {text(p.text)}
        </button>
      );
    case 'Image':
      return typeof p.src === 'string' ? <img class="flow-image" src={`data:image/png;base64,${p.src}`} alt={text(p['alt-text'])} /> : '';
    default:
      return <p class="not-drawn" safe>{`${t.notDrawn}: ${component.type}`}</p>;
  }
}

/** Which screen a posted form belongs to (depth and id): an answer for a screen already left is not applied to the next one. */
export function screenStamp(open: OpenFlow): string {
  const top = open.state.stack[open.state.stack.length - 1];
  return `${open.state.stack.length}:${top?.screen ?? ''}`;
}

/** The Flow sheet for the open Flow (or the refusal that closed it). */
export function renderFlowSheet(props: { open: OpenFlow; t: PhoneTexts }): string {
  const { open, t } = props;
  const { state } = open;
  const model = flowRenderer.currentScreen(open.flow, state);
  const form = state.stack[state.stack.length - 1]?.form ?? {};
  const title = model?.title || open.cta;
  const closed = state.closed;
  return (
    <section class="sheet flow" role="dialog" aria-label={title}>
      <form hx-post="/simulator/flow/act" hx-target="#sheet">
        <input type="hidden" name="at" value={screenStamp(open)} />
        <header class="sheet-head">
          <button type="submit" class="icon" name="act" value="close" aria-label={t.close}>
            ✕
          </button>
          {state.stack.length > 1 && !closed ? (
            <button type="submit" class="icon" name="act" value="back" aria-label={t.back}>
              ←
            </button>
          ) : (
            ''
          )}
          <h2 safe>{title}</h2>
        </header>
        <div class="flow-body-scroll">
          {state.schemaErrors ? (
            <div class="schema-errors" role="alert">
              <p class="schema-title" safe>{t.schemaTitle}</p>
              <ul>
                {state.schemaErrors.map((error) => (
                  <li safe>{`${error.field}: ${error.message}`}</li>
                )) as 'safe'[]}
              </ul>
            </div>
          ) : (
            ''
          )}
          {closed?.kind === 'refused' ? <p class="flow-refused" role="alert" safe>{closed.message}</p> : ''}
          {model && !closed
            ? (model.components.map((component, index) => <Component component={component} index={index} form={form} errors={state.fieldErrors ?? {}} t={t} />) as 'safe'[])
            : ''}
        </div>
        {model?.footer && !closed ? (
          <footer class="flow-footer">
            {text(model.footer.props['left-caption']) ? <span class="caption left" safe>{text(model.footer.props['left-caption'])}</span> : ''}
            {text(model.footer.props['center-caption']) ? <span class="caption center" safe>{text(model.footer.props['center-caption'])}</span> : ''}
            {text(model.footer.props['right-caption']) ? <span class="caption right" safe>{text(model.footer.props['right-caption'])}</span> : ''}
            <button type="submit" class="footer-button" name="act" value="footer" safe>
              {text(model.footer.props.label)}
            </button>
          </footer>
        ) : (
          ''
        )}
        {state.snackbar ? <p class="snackbar" role="alert" safe>{state.snackbar}</p> : ''}
      </form>
    </section>
  ) as string;
}

/**
 * Reads the sheet's posted fields into form values of the screen's inputs: checkbox groups as
 * arrays (none ticked = []), OptIn as a boolean, everything else as text. Inputs not posted (an
 * unpicked radio) are left out, so they stay empty.
 */
export function readPostedForm(open: OpenFlow, body: Record<string, unknown>): Record<string, unknown> {
  const model = flowRenderer.currentScreen(open.flow, open.state);
  const values: Record<string, unknown> = {};
  for (const component of model?.components ?? []) {
    if (!component.name) continue;
    const posted = body[`${FIELD_PREFIX}${component.name}`];
    const list = posted === undefined ? [] : Array.isArray(posted) ? posted.map(String) : [String(posted)];
    if (component.type === 'CheckboxGroup' || component.type === 'ChipsSelector') values[component.name] = list;
    else if (component.type === 'OptIn') values[component.name] = list.includes('true');
    else if (list.length > 0) values[component.name] = list[0];
  }
  return values;
}
