/**
 * The checks the WhatsApp client makes on an endpoint answer before it draws the screen: data
 * fields must match the screen's declared data model (no undeclared, none missing, right types),
 * and texts that arrive as data must fit their component's limits. Any failure is what the client
 * reports as `payload-schema-error` (and refuses to show the screen).
 */
import { isJsonObject, type JsonObject } from '../flow-json-walk';
import { OPTION_LIMITS, TEXT_LIMITS } from '../flow-json-limits';
import type { FlowScreenJson, ScreenModel } from './render-screen';

/** One reason the client would refuse an answer; `field` names the data field (or component property). */
export interface PayloadSchemaError {
  field: string;
  message: string;
}

// Sent by the endpoint with any screen, never declared: shown as a snackbar.
const UNDECLARED_ALLOWED = new Set(['error_message']);

/** Compares the answer's `data` with the screen's declared data model. */
export function checkScreenData(screen: FlowScreenJson, data: Record<string, unknown>): PayloadSchemaError[] {
  const declared = screen.data ?? {};
  const errors: PayloadSchemaError[] = [];
  for (const key of Object.keys(data)) {
    if (!(key in declared) && !UNDECLARED_ALLOWED.has(key)) {
      errors.push({ field: key, message: `"${key}" is not declared in the data of screen ${screen.id}` });
    }
  }
  for (const [key, declaration] of Object.entries(declared)) {
    if (!(key in data)) {
      errors.push({ field: key, message: `"${key}" is declared by screen ${screen.id} but missing from the answer` });
      continue;
    }
    errors.push(...checkType(key, declaration, data[key]));
  }
  return errors;
}

function checkType(field: string, declaration: JsonObject, value: unknown): PayloadSchemaError[] {
  const type = declaration.type;
  const actual = describeType(value);
  const fits =
    type === undefined ||
    (type === 'integer' ? Number.isInteger(value) : type === 'number' ? typeof value === 'number' : type === actual);
  if (!fits) return [{ field, message: `"${field}" should be ${String(type)} but is ${actual}` }];
  if (type === 'array' && Array.isArray(value) && isJsonObject(declaration.items)) {
    return value.flatMap((item, index) => checkType(`${field}[${index}]`, declaration.items as JsonObject, item));
  }
  if (type === 'object' && isJsonObject(value) && isJsonObject(declaration.properties)) {
    return Object.entries(declaration.properties)
      .filter(([key]) => key in value)
      .flatMap(([key, inner]) => (isJsonObject(inner) ? checkType(`${field}.${key}`, inner, value[key]) : []));
  }
  return [];
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Texts and option lists of the drawn screen against each component's limits (Meta's Components page). */
export function checkScreenLimits(model: ScreenModel): PayloadSchemaError[] {
  const errors: PayloadSchemaError[] = [];
  const components = model.footer ? [...model.components, model.footer] : model.components;
  for (const component of components) {
    const fieldOf = (property: string) => component.boundTo[property] ?? `${component.type}.${property}`;
    for (const [property, limit] of Object.entries(TEXT_LIMITS[component.type] ?? {})) {
      const text = component.props[property];
      if (typeof text === 'string' && [...text].length > limit) {
        errors.push({ field: fieldOf(property), message: `${component.type} ${property} is ${[...text].length} characters; WhatsApp allows ${limit}` });
      }
    }
    const optionLimits = OPTION_LIMITS[component.type];
    const source = component.props['data-source'];
    if (!optionLimits || !Array.isArray(source)) continue;
    const field = fieldOf('data-source');
    if (source.length < optionLimits.min || source.length > optionLimits.max) {
      errors.push({ field, message: `${component.type} has ${source.length} options; WhatsApp allows ${optionLimits.min}–${optionLimits.max}` });
    }
    source.forEach((option, index) => {
      if (!isJsonObject(option)) return;
      for (const key of ['title', 'description', 'metadata'] as const) {
        const limit = optionLimits[key];
        const text = option[key];
        if (limit !== undefined && typeof text === 'string' && [...text].length > limit) {
          errors.push({ field: `${field}[${index}].${key}`, message: `${component.type} option ${key} is ${[...text].length} characters; WhatsApp allows ${limit}` });
        }
      }
    });
  }
  return errors;
}
