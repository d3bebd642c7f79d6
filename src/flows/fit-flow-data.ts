/**
 * Shortens the data of a screen answer to the limits of the components it fills: a service name of
 * 100 characters in a TextSubheading (80), a staff name in a RadioButtonsGroup option title (30)…
 * The bindings come from the Flow JSON itself, so a new screen or component needs no list here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { truncateText } from '../whatsapp';
import { OPTION_LIMITS, TEXT_LIMITS } from './flow-json-limits';
import { isJsonObject, walkComponents, type JsonObject } from './flow-json-walk';

/** The limits of one data field: a text's length, or the text limits of the options it lists. */
export type DataFieldLimit = { kind: 'text'; max: number } | { kind: 'options'; title?: number; description?: number; metadata?: number };

const DATA_BINDING = /^\$\{data\.(\w+)\}$/;

/**
 * For each screen of a Flow JSON, the data fields bound whole to a limited component property
 * (`"text": "${data.service_text}"` in a TextSubheading → 80). A field bound twice keeps the smaller limit.
 */
export function findDataFieldLimits(flowJson: unknown): Map<string, Map<string, DataFieldLimit>> {
  const screens = new Map<string, Map<string, DataFieldLimit>>();
  const list = isJsonObject(flowJson) && Array.isArray(flowJson.screens) ? flowJson.screens : [];
  for (const screen of list) {
    if (!isJsonObject(screen) || typeof screen.id !== 'string' || !isJsonObject(screen.layout)) continue;
    const fields = new Map<string, DataFieldLimit>();
    walkComponents(screen.layout.children, 'layout.children', ({ component }) => addComponentLimits(component, fields));
    screens.set(screen.id, fields);
  }
  return screens;
}

function addComponentLimits(component: JsonObject, fields: Map<string, DataFieldLimit>): void {
  const type = String(component.type);
  for (const [property, max] of Object.entries(TEXT_LIMITS[type] ?? {})) {
    const field = bindingOf(component[property]);
    if (!field) continue;
    const known = fields.get(field);
    if (!known || (known.kind === 'text' && max < known.max)) fields.set(field, { kind: 'text', max });
  }
  const options = OPTION_LIMITS[type];
  const source = bindingOf(component['data-source']);
  if (options && source) fields.set(source, { kind: 'options', title: options.title, description: options.description, metadata: options.metadata });
}

function bindingOf(value: unknown): string | undefined {
  return typeof value === 'string' ? DATA_BINDING.exec(value)?.[1] : undefined;
}

/**
 * A copy of `data` with every bound text within its component's limit (ids and other fields as they are).
 * @example fitScreenData(limits, 'SUMMARY', { service_text: 'x'.repeat(100) }) // { service_text: 'xxx…' (80) }
 */
export function fitScreenData(limits: Map<string, Map<string, DataFieldLimit>>, screen: string, data: Record<string, unknown>): Record<string, unknown> {
  const fields = limits.get(screen);
  if (!fields) return data;
  const fitted: Record<string, unknown> = { ...data };
  for (const [field, limit] of fields) {
    const value = fitted[field];
    if (limit.kind === 'text' && typeof value === 'string') fitted[field] = truncateText(value, limit.max);
    if (limit.kind === 'options' && Array.isArray(value)) fitted[field] = value.map((option) => fitOption(option, limit));
  }
  return fitted;
}

function fitOption(option: unknown, limit: Extract<DataFieldLimit, { kind: 'options' }>): unknown {
  if (!isJsonObject(option)) return option;
  const fitted: JsonObject = { ...option };
  for (const key of ['title', 'description', 'metadata'] as const) {
    const max = limit[key];
    if (max !== undefined && typeof fitted[key] === 'string') fitted[key] = truncateText(fitted[key] as string, max);
  }
  return fitted;
}

/** Path of the booking Flow's JSON, as published (flows/booking.flow.json). */
export const BOOKING_FLOW_JSON_PATH = path.resolve(__dirname, '..', '..', 'flows', 'booking.flow.json');

let bookingFlowLimits: Map<string, Map<string, DataFieldLimit>> | undefined;

/** A screen answer of the booking Flow with its data shortened to fit (the Flow JSON is read once). */
export function fitBookingScreenAnswer<T extends { screen: string; data: Record<string, unknown> }>(answer: T): T {
  bookingFlowLimits ??= findDataFieldLimits(JSON.parse(fs.readFileSync(BOOKING_FLOW_JSON_PATH, 'utf8')));
  return { ...answer, data: fitScreenData(bookingFlowLimits, answer.screen, answer.data) };
}
