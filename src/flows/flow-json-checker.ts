/**
 * Offline checker for WhatsApp Flow JSON: catches what Meta would reject on upload (or what would
 * break on the phone) before the file leaves the repository. It enforces only rules and numbers
 * documented by Meta (sources in flow-json-limits.ts); an empty result means "no known problem",
 * not "Meta will accept it".
 */
import { checkComponents } from './flow-json-components';
import {
  ACTION_NAMES,
  ALLOWED_SELECT_ACTIONS,
  DATA_API_VERSIONS,
  MAX_SCREENS,
  PUBLISHABLE_FLOW_JSON_VERSIONS,
  SENDABLE_FLOW_JSON_VERSIONS,
} from './flow-json-limits';
import { checkRouting, type NavigateEdge } from './flow-json-routing';
import type { FlowJsonReport as Report, FlowJsonRule, FlowJsonViolation } from './flow-json-violation';
import { collectActions, collectBindings, countAlongOnePath, isJsonObject, walkComponents, type JsonObject } from './flow-json-walk';

/** Options of checkFlowJson. */
export type CheckFlowJsonOptions = {
  /** Require a version Meta still publishes (5.1, 6.x, 7.x); default accepts every still-sendable version. */
  isPublishing?: boolean;
};

const TOP_LEVEL_KEYS = new Set(['version', 'data_api_version', 'routing_model', 'screens', 'data_channel_uri']);
const SCREEN_KEYS = new Set(['id', 'title', 'terminal', 'success', 'refresh_on_back', 'sensitive', 'data', 'layout']);
const DATA_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array']);
// Meta's screen id patterns: before 7.0 `^[a-zA-Z,_]+$`, from 7.0 `^(?!_+$)[a-zA-Z_]+$` (WAFlowJSONConstants).
const SCREEN_ID_PATTERN = /^[a-zA-Z,_]+$/;
const SCREEN_ID_PATTERN_FROM_7_0 = /^(?!_+$)[a-zA-Z_]+$/;

type ScreenInfo = { id: string; index: number; screen: JsonObject; dataKeys: Set<string>; componentNames: Set<string> };

/**
 * Checks a Flow JSON document and returns every violation found (empty = OK).
 * @example checkFlowJson(JSON.parse(fs.readFileSync('flows/booking.flow.json', 'utf8')), { isPublishing: true })
 */
export function checkFlowJson(json: unknown, options: CheckFlowJsonOptions = {}): FlowJsonViolation[] {
  const violations: FlowJsonViolation[] = [];
  const report = (rule: FlowJsonRule, path: string, message: string): void => {
    violations.push({ rule, path, message });
  };
  if (!isJsonObject(json)) {
    report('json-shape', '', 'Flow JSON must be an object with "version" and "screens".');
    return violations;
  }

  const version = checkVersion(json, options, report);
  const hasDataApi = json.data_api_version !== undefined;
  checkTopLevel(json, version, report);

  if (!Array.isArray(json.screens) || json.screens.length === 0) {
    report('json-shape', 'screens', '"screens" must be a non-empty array.');
    return violations;
  }
  if (json.screens.length > MAX_SCREENS) {
    report('screen-count', 'screens', `A Flow may have at most ${MAX_SCREENS} screens; found ${json.screens.length}.`);
  }

  const screens = collectScreens(json.screens, version, report);
  const byId = new Map(screens.map((info) => [info.id, info]));
  const navigateEdges: NavigateEdge[] = [];
  let usesDataExchange = false;

  for (const info of screens) {
    checkScreenShape(info, hasDataApi, report);
    checkDataModel(info, report);
    checkComponents(info, version, report);
    const result = checkActions(info, byId, report);
    navigateEdges.push(...result.navigateEdges);
    usesDataExchange ||= result.usesDataExchange;
    checkBindings(info, byId, report);
  }

  if (usesDataExchange && !hasDataApi) {
    report('data-exchange-endpoint', 'data_api_version', 'The Flow uses data_exchange, which needs "data_api_version" (an endpoint).');
  }
  checkTerminals(screens, report);
  violations.push(
    ...checkRouting({ routingModel: json.routing_model, screenIds: screens.map((info) => info.id), navigateEdges }),
  );
  return violations;
}

/**
 * Splits a file into the flows it holds: a Flow JSON itself, or an object of named Flow JSONs
 * (as pywa's example files are). Anything else is returned whole so the checker reports it.
 */
export function listFlowsInDocument(json: unknown): Array<{ name: string; flow: unknown }> {
  if (isJsonObject(json) && !('screens' in json)) {
    const entries = Object.entries(json);
    if (entries.length > 0 && entries.every(([, value]) => isJsonObject(value) && 'screens' in value)) {
      return entries.map(([name, flow]) => ({ name, flow }));
    }
  }
  return [{ name: '', flow: json }];
}

/** Turns "7.3" into 703 so versions compare as numbers. */
function toVersionNumber(version: string | undefined): number {
  const match = /^(\d+)\.(\d+)$/.exec(version ?? '');
  return match ? Number(match[1]) * 100 + Number(match[2]) : 0;
}

function checkVersion(json: JsonObject, options: CheckFlowJsonOptions, report: Report): number {
  const version = json.version;
  if (typeof version !== 'string') {
    report('version', 'version', '"version" is required and must be a string such as "7.3".');
    return 0;
  }
  const allowed = options.isPublishing ? PUBLISHABLE_FLOW_JSON_VERSIONS : SENDABLE_FLOW_JSON_VERSIONS;
  if (!allowed.includes(version)) {
    report('version', 'version', `Flow JSON version "${version}" is not ${options.isPublishing ? 'publishable' : 'supported'}; use one of ${allowed.join(', ')} ("7.3" recommended).`);
  }
  return toVersionNumber(version);
}

function checkTopLevel(json: JsonObject, version: number, report: Report): void {
  for (const key of Object.keys(json)) {
    if (!TOP_LEVEL_KEYS.has(key)) report('top-level-keys', key, `Unknown top-level property "${key}" (Meta rejects unknown properties).`);
  }
  if (json.data_channel_uri !== undefined && version >= 300) {
    report('top-level-keys', 'data_channel_uri', 'data_channel_uri exists only before Flow JSON 3.0; set the endpoint with the Flows API endpoint_uri.');
  }
  if (json.data_api_version !== undefined) {
    if (typeof json.data_api_version !== 'string' || !DATA_API_VERSIONS.includes(json.data_api_version)) {
      report('data-api-version', 'data_api_version', `data_api_version must be one of ${DATA_API_VERSIONS.join(', ')}.`);
    }
    if (json.routing_model === undefined) {
      report('data-api-version', 'routing_model', 'routing_model is required when data_api_version is set (endpoint Flow).');
    }
  }
}

function collectScreens(rawScreens: unknown[], version: number, report: Report): ScreenInfo[] {
  const seen = new Set<string>();
  const screens: ScreenInfo[] = [];
  rawScreens.forEach((screen, index) => {
    const path = `screens[${index}]`;
    if (!isJsonObject(screen) || typeof screen.id !== 'string' || screen.id === '') {
      report('screen-id', `${path}.id`, 'Every screen needs a non-empty string "id".');
      return;
    }
    const id = screen.id;
    const pattern = version >= 700 ? SCREEN_ID_PATTERN_FROM_7_0 : SCREEN_ID_PATTERN;
    if (!pattern.test(id)) {
      report('screen-id', `${path}.id`, `Screen id "${id}" may only contain letters and underscores (no digits).`);
    }
    if (id.toLowerCase() === 'success') {
      report('screen-id', `${path}.id`, 'Screen id "SUCCESS" is reserved: the endpoint answers screen SUCCESS to finish the Flow.');
    }
    if (seen.has(id)) report('screen-id', `${path}.id`, `Duplicate screen id "${id}".`);
    seen.add(id);
    const dataKeys = new Set(isJsonObject(screen.data) ? Object.keys(screen.data) : []);
    const componentNames = new Set<string>();
    walkComponents(isJsonObject(screen.layout) ? screen.layout.children : undefined, `${path}.layout.children`, ({ component }) => {
      if (component.type !== 'Form' && typeof component.name === 'string') componentNames.add(component.name);
    });
    screens.push({ id, index, screen, dataKeys, componentNames });
  });
  return screens;
}

function checkScreenShape({ screen, index }: ScreenInfo, hasDataApi: boolean, report: Report): void {
  const path = `screens[${index}]`;
  for (const key of Object.keys(screen)) {
    if (!SCREEN_KEYS.has(key)) report('screen-keys', `${path}.${key}`, `Unknown screen property "${key}".`);
  }
  if (screen.success !== undefined && screen.terminal !== true) {
    report('success-flag', `${path}.success`, 'Property "success" may only be set on a terminal screen.');
  }
  if (screen.refresh_on_back === true && !hasDataApi) {
    report('refresh-on-back', `${path}.refresh_on_back`, 'refresh_on_back: true needs data_api_version (an endpoint Flow).');
  }
  const layout = screen.layout;
  if (!isJsonObject(layout) || layout.type !== 'SingleColumnLayout' || !Array.isArray(layout.children)) {
    report('json-shape', `${path}.layout`, 'layout must be { "type": "SingleColumnLayout", "children": [...] }.');
  }
}

function checkDataModel({ screen, index }: ScreenInfo, report: Report): void {
  if (screen.data === undefined) return;
  const path = `screens[${index}].data`;
  if (!isJsonObject(screen.data)) {
    report('data-model', path, 'Screen "data" must be an object of field declarations.');
    return;
  }
  for (const [key, field] of Object.entries(screen.data)) {
    const fieldPath = `${path}.${key}`;
    if (!isJsonObject(field) || typeof field.type !== 'string' || !DATA_TYPES.has(field.type)) {
      report('data-model', fieldPath, `Data field "${key}" needs a "type" (string, number, integer, boolean, object or array).`);
      continue;
    }
    if (field.type === 'array' && field.items === undefined) {
      report('data-model', fieldPath, `Array field "${key}" needs an "items" schema.`);
    }
    if (!('__example__' in field)) {
      report('data-model', fieldPath, `Data field "${key}" needs an "__example__" (used for preview and type checks).`);
    } else if (!doesExampleMatch(field.type, field.__example__)) {
      report('data-model', `${fieldPath}.__example__`, `__example__ of "${key}" is not of type ${field.type}.`);
    }
    for (const nested of [field.items, field.properties]) {
      if (JSON.stringify(nested ?? null).includes('"__example__"')) {
        report('data-model', fieldPath, `"__example__" is allowed only at the top level of data field "${key}".`);
      }
    }
  }
}

function doesExampleMatch(type: string, example: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof example === 'string';
    case 'number':
    case 'integer':
      return typeof example === 'number';
    case 'boolean':
      return typeof example === 'boolean';
    case 'array':
      return Array.isArray(example);
    default:
      return isJsonObject(example);
  }
}

function checkActions(
  info: ScreenInfo,
  byId: Map<string, ScreenInfo>,
  report: Report,
): { navigateEdges: NavigateEdge[]; usesDataExchange: boolean } {
  const { screen, index, id } = info;
  const navigateEdges: NavigateEdge[] = [];
  let usesDataExchange = false;
  for (const { action, trigger, ownerType, path } of collectActions(screen.layout, `screens[${index}].layout`)) {
    const name = action.name;
    if (typeof name !== 'string' || !ACTION_NAMES.has(name)) {
      report('action', `${path}.name`, `Unknown action "${String(name)}"; use navigate, data_exchange, complete, update_data or open_url.`);
      continue;
    }
    const allowedOnSelect = ALLOWED_SELECT_ACTIONS[ownerType];
    if (trigger === 'on-select-action' && allowedOnSelect && !allowedOnSelect.includes(name)) {
      report('action', `${path}.name`, `${ownerType} on-select-action accepts only ${allowedOnSelect.join(', ')}.`);
    }
    if (trigger === 'on-unselect-action' && name !== 'update_data') {
      report('action', `${path}.name`, 'on-unselect-action accepts only update_data.');
    }
    if (name === 'data_exchange') usesDataExchange = true;
    if (name === 'complete') {
      if (ownerType !== 'Footer') report('complete-action', path, `The complete action is only allowed on a Footer, not on ${ownerType}.`);
      if (screen.terminal !== true) report('complete-action', path, `The complete action is only allowed on a terminal screen; "${id}" is not terminal.`);
    }
    if (name === 'navigate') {
      const edge = checkNavigate(info, action, path, byId, report);
      if (edge) navigateEdges.push(edge);
    }
  }
  return { navigateEdges, usesDataExchange };
}

function checkNavigate(
  { id }: ScreenInfo,
  action: JsonObject,
  path: string,
  byId: Map<string, ScreenInfo>,
  report: Report,
): NavigateEdge | undefined {
  const next = action.next;
  const target = isJsonObject(next) ? next.name : undefined;
  if (typeof target !== 'string') {
    report('navigate-target', `${path}.next`, 'navigate needs "next": { "type": "screen", "name": "<SCREEN_ID>" }.');
    return undefined;
  }
  if (target === id) {
    report('navigate-target', `${path}.next.name`, `Screen "${id}" navigates to itself; same-screen navigation is not allowed.`);
    return undefined;
  }
  const nextScreen = byId.get(target);
  if (!nextScreen) {
    report('navigate-target', `${path}.next.name`, `navigate targets unknown screen "${target}".`);
    return undefined;
  }
  // navigate never calls the endpoint: the payload is the next screen's whole data (Error codes INVALID_NAVIGATE_ACTION_PAYLOAD).
  const payloadKeys = Object.keys(isJsonObject(action.payload) ? action.payload : {});
  const unknownKeys = payloadKeys.filter((key) => !nextScreen.dataKeys.has(key));
  const missingKeys = [...nextScreen.dataKeys].filter((key) => !payloadKeys.includes(key));
  if (unknownKeys.length > 0) {
    report('navigate-payload', `${path}.payload`, `Fields missing in the data model of "${target}": ${unknownKeys.join(', ')}.`);
  }
  if (missingKeys.length > 0) {
    report('navigate-payload', `${path}.payload`, `Fields of "${target}"'s data model missing in the navigate payload: ${missingKeys.join(', ')}.`);
  }
  return { from: id, to: target, path: `${path}.next.name` };
}

function checkBindings(info: ScreenInfo, byId: Map<string, ScreenInfo>, report: Report): void {
  const { screen, index, id } = info;
  for (const { expression, path } of collectBindings(screen.layout, `screens[${index}].layout`)) {
    const parts = expression.split('.');
    let target = info;
    let kind = parts[0];
    let field = parts[1];
    if (parts[0] === 'screen') {
      const other = byId.get(parts[1] ?? '');
      if (!other) {
        report('data-binding', path, `\${${expression}} refers to unknown screen "${parts[1] ?? ''}".`);
        continue;
      }
      target = other;
      kind = parts[2];
      field = parts[3];
    }
    const where = target.id === id ? `screen "${id}"` : `screen "${target.id}"`;
    if (kind === 'data' && (field === undefined || !target.dataKeys.has(field))) {
      report('data-binding', path, `\${${expression}} is not declared in the data of ${where}; add it with a type and an __example__.`);
    } else if (kind === 'form' && (field === undefined || !target.componentNames.has(field))) {
      report('form-binding', path, `\${${expression}} names no input on ${where}.`);
    } else if (kind !== 'data' && kind !== 'form') {
      report('data-binding', path, `\${${expression}} must start with data., form. or screen.<ID>.`);
    }
  }
}

function checkTerminals(screens: ScreenInfo[], report: Report): void {
  const terminals = screens.filter((info) => info.screen.terminal === true);
  if (screens.length > 0 && terminals.length === 0) {
    report('terminal-screen', 'screens', 'A Flow needs at least one screen with "terminal": true.');
  }
  if (terminals.length > 0 && terminals.every((info) => info.screen.success === false)) {
    report('success-flag', 'screens', 'At least one terminal screen must have "success" true (the default).');
  }
  for (const { screen, index, id } of terminals) {
    const children = isJsonObject(screen.layout) ? screen.layout.children : undefined;
    if (countAlongOnePath(children, (component) => component.type === 'Footer') === 0) {
      report('terminal-footer', `screens[${index}].layout`, `Terminal screen "${id}" needs a Footer to finish the Flow.`);
    }
  }
}
