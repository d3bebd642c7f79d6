/**
 * Turns one screen of a Flow JSON into what the WhatsApp client shows: visible components in
 * order (Form flattened, If/Switch decided, `visible` applied) with every property resolved
 * against the screen's data and the form's current values. Front ends only draw this model.
 */
import { isJsonObject, type JsonObject } from '../flow-json-walk';
import { evaluateCondition, resolveValue, type BindingScope } from './expression';

/** A Flow JSON document as the renderer reads it. */
export interface FlowDocument {
  version: string;
  data_api_version?: string;
  routing_model?: Record<string, string[]>;
  screens: FlowScreenJson[];
}

/** One screen of a Flow JSON document. */
export interface FlowScreenJson {
  id: string;
  title?: string;
  terminal?: boolean;
  refresh_on_back?: boolean;
  data?: Record<string, JsonObject>;
  layout: { type: string; children: unknown[] };
}

/** An action as written on a Footer, EmbeddedLink or picker (`on-click-action`, `on-select-action`). */
export interface FlowAction {
  name: string;
  next?: { type?: string; name: string };
  payload?: Record<string, unknown>;
  url?: string;
}

/** One component as shown: its type, its input name if any, its resolved properties and the raw bindings they came from. */
export interface RenderedComponent {
  type: string;
  name?: string;
  props: Record<string, unknown>;
  /** Property name → the `${data.…}` path it was bound to, so a checker can name the field. */
  boundTo: Record<string, string>;
  /** The raw (unresolved) action, resolved only when triggered with the form values of that moment. */
  action?: FlowAction;
}

/** A screen ready to draw. */
export interface ScreenModel {
  id: string;
  title: string;
  isTerminal: boolean;
  components: RenderedComponent[];
  footer?: RenderedComponent;
}

/** Components whose value goes into the form (`${form.<name>}`). */
export const INPUT_TYPES: ReadonlySet<string> = new Set([
  'TextInput', 'TextArea', 'Dropdown', 'RadioButtonsGroup', 'CheckboxGroup', 'ChipsSelector', 'DatePicker', 'CalendarPicker', 'OptIn',
]);

const STRUCTURAL_KEYS = new Set(['type', 'children', 'then', 'else', 'cases', 'condition', 'visible', 'on-click-action', 'on-select-action', 'on-unselect-action']);

/** Parses Flow JSON text; throws a readable Error when it is not a Flow document. */
export function parseFlowDocument(text: string): FlowDocument {
  const value: unknown = JSON.parse(text);
  if (!isJsonObject(value) || !Array.isArray(value.screens)) throw new Error('Not a Flow JSON document: it has no "screens" array.');
  return value as unknown as FlowDocument;
}

/** The screen with this id; throws when the Flow JSON has none (the client's `invalid-screen-transition`). */
export function findScreen(flow: FlowDocument, screenId: string): FlowScreenJson {
  const screen = flow.screens.find((candidate) => candidate.id === screenId);
  if (!screen) throw new Error(`The Flow JSON has no screen "${screenId}".`);
  return screen;
}

/** Renders one screen for the given scope (data of this screen, form values, earlier screens). */
export function renderScreen(flow: FlowDocument, screenId: string, scope: BindingScope): ScreenModel {
  const screen = findScreen(flow, screenId);
  const components: RenderedComponent[] = [];
  let footer: RenderedComponent | undefined;
  const visit = (children: unknown) => {
    if (!Array.isArray(children)) return;
    for (const child of children) {
      if (!isJsonObject(child) || typeof child.type !== 'string') continue;
      if ('visible' in child && !evaluateCondition(child.visible, scope)) continue;
      if (child.type === 'Form') {
        visit(child.children);
        continue;
      }
      if (child.type === 'If') {
        visit(evaluateCondition(child.condition, scope) ? child.then : child.else);
        continue;
      }
      if (child.type === 'Switch') {
        const cases = isJsonObject(child.cases) ? child.cases : {};
        const key = String(resolveValue(child.value, scope) ?? '');
        visit(key in cases ? cases[key] : cases.default);
        continue;
      }
      const rendered = renderComponent(child, scope);
      if (rendered.type === 'Footer') footer = rendered;
      else components.push(rendered);
    }
  };
  visit(screen.layout?.children);
  const title = resolveValue(screen.title ?? '', scope);
  return { id: screen.id, title: typeof title === 'string' ? title : '', isTerminal: screen.terminal === true, components, ...(footer ? { footer } : {}) };
}

function renderComponent(component: JsonObject, scope: BindingScope): RenderedComponent {
  const props: Record<string, unknown> = {};
  const boundTo: Record<string, string> = {};
  for (const [key, raw] of Object.entries(component)) {
    if (STRUCTURAL_KEYS.has(key)) continue;
    props[key] = resolveValue(raw, scope);
    const binding = typeof raw === 'string' ? /^\$\{(data\.[^}]*)\}$/.exec(raw) : null;
    if (binding) boundTo[key] = binding[1]!;
  }
  const rawAction = component['on-click-action'] ?? component['on-select-action'];
  return {
    type: component.type as string,
    ...(typeof component.name === 'string' ? { name: component.name } : {}),
    props,
    boundTo,
    ...(isJsonObject(rawAction) && typeof rawAction.name === 'string' ? { action: rawAction as unknown as FlowAction } : {}),
  };
}

/**
 * The form's starting values on a screen: each input's `init-value` (or the Form's `init-values`),
 * resolved against the screen's data. Inputs without one start empty.
 */
export function initialFormValues(flow: FlowDocument, screenId: string, data: Record<string, unknown>): Record<string, unknown> {
  const screen = findScreen(flow, screenId);
  const values: Record<string, unknown> = {};
  const scope: BindingScope = { data, form: {} };
  const visit = (children: unknown) => {
    if (!Array.isArray(children)) return;
    for (const child of children) {
      if (!isJsonObject(child)) continue;
      if (child.type === 'Form') {
        const initValues = resolveValue(child['init-values'], scope);
        if (isJsonObject(initValues)) Object.assign(values, initValues);
        visit(child.children);
      } else if (child.type === 'If') {
        visit(child.then);
        visit(child.else);
      } else if (child.type === 'Switch' && isJsonObject(child.cases)) {
        Object.values(child.cases).forEach(visit);
      } else if (typeof child.name === 'string' && INPUT_TYPES.has(String(child.type)) && child['init-value'] !== undefined && values[child.name] === undefined) {
        values[child.name] = resolveValue(child['init-value'], scope);
      }
    }
  };
  visit(screen.layout?.children);
  return values;
}

/** The options of a selection component (`data-source`), as `{ id, title, description?, enabled? }`. */
export function readOptions(component: RenderedComponent): Array<{ id: string; title: string; description?: string; enabled?: boolean }> {
  const source = component.props['data-source'];
  if (!Array.isArray(source)) return [];
  return source.filter(isJsonObject).map((option) => ({
    id: String(option.id ?? ''),
    title: String(option.title ?? ''),
    ...(typeof option.description === 'string' ? { description: option.description } : {}),
    ...(option.enabled === false ? { enabled: false } : {}),
  }));
}
