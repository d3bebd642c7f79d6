/**
 * One customer's open Flow, as the WhatsApp client keeps it: the stack of screens shown (for Back),
 * each with its data and form values, the snackbar, and the refusal of a bad endpoint answer.
 * The state is plain JSON; every step is a function of (Flow JSON, state, input, transport), so the
 * simulator page and the terminal chat drive the same logic.
 */
import { isJsonObject } from '../flow-json-walk';
import { checkScreenData, checkScreenLimits, type PayloadSchemaError } from './check-answer';
import { resolveValue, type BindingScope } from './expression';
import { findScreen, initialFormValues, renderScreen, type FlowAction, type FlowDocument, type ScreenModel } from './render-screen';
import { validateForm } from './validate-form';

/** One screen on the stack. */
export interface FlowRunScreen {
  screen: string;
  data: Record<string, unknown>;
  form: Record<string, unknown>;
}

/** Why a Flow closed: completed (the nfm_reply to post), closed by the endpoint (427), an error, or dismissed by the customer. */
export type FlowRunClosed =
  | { kind: 'completed'; response: Record<string, unknown> }
  | { kind: 'refused'; message: string }
  | { kind: 'dismissed' };

/** The open Flow's state (plain JSON). */
export interface FlowRunState {
  flowToken: string;
  /** The Flow JSON `data_api_version` the requests carry. */
  version: string;
  stack: FlowRunScreen[];
  /** WhatsApp's snackbar: the answer's `error_message`, or a generic error. */
  snackbar?: string;
  /** Set when the client refused the last answer (`payload-schema-error`); the screen below stays. */
  schemaErrors?: PayloadSchemaError[];
  /** Input name → message, after a Footer tap with invalid inputs. */
  fieldErrors?: Record<string, string>;
  closed?: FlowRunClosed;
}

/** A decrypted request as WhatsApp sends it to the endpoint. */
export interface FlowEndpointRequest {
  version: string;
  action: 'INIT' | 'BACK' | 'data_exchange' | 'ping';
  screen?: string;
  data?: Record<string, unknown>;
  flow_token: string;
}

/** What the transport got back: a decrypted answer, the Flow closed by the endpoint (427), or a failure to show as a snackbar. */
export type TransportResult = { kind: 'answer'; body: unknown } | { kind: 'closed'; message: string } | { kind: 'failed'; message: string };

/** Sends one request to the business's endpoint (encrypting, signing, handling 421/427/432). */
export type FlowTransport = (request: FlowEndpointRequest) => Promise<TransportResult>;

/** WhatsApp's generic error text when the endpoint fails or refuses a request. */
export const GENERIC_FLOW_ERROR = 'Something went wrong. Please try again later.';

/** The scope bindings of the top screen see: its data and form, and every screen below by id. */
export function scopeOf(state: FlowRunState): BindingScope {
  const top = state.stack[state.stack.length - 1];
  const screens: NonNullable<BindingScope['screens']> = {};
  for (const entry of state.stack) screens[entry.screen] = { data: entry.data, form: entry.form };
  return { data: top?.data ?? {}, form: top?.form ?? {}, screens };
}

/** The top screen drawn with its current form values; undefined before the first screen. */
export function currentScreen(flow: FlowDocument, state: FlowRunState): ScreenModel | undefined {
  const top = state.stack[state.stack.length - 1];
  return top ? renderScreen(flow, top.screen, scopeOf(state)) : undefined;
}

/**
 * Opens a Flow from its message: `data_exchange` asks the endpoint (INIT) for the first screen;
 * `navigate` shows `screen` with the message's `data` at once.
 */
export async function openFlowRun(params: {
  flow: FlowDocument;
  flowToken: string;
  flowAction: 'navigate' | 'data_exchange';
  screen?: string;
  data?: Record<string, unknown>;
  transport: FlowTransport;
}): Promise<FlowRunState> {
  const state: FlowRunState = { flowToken: params.flowToken, version: params.flow.data_api_version ?? '3.0', stack: [] };
  if (params.flowAction === 'navigate') {
    const screen = params.screen ?? params.flow.screens[0]?.id ?? '';
    return acceptAnswer(params.flow, state, { screen, data: params.data ?? {} }, params.transport);
  }
  return exchange(params.flow, state, { action: 'INIT' }, params.transport);
}

/** Updates the top screen's form values (a field changed); re-rendering shows If/Switch/visible changes. */
export function setFormValues(state: FlowRunState, values: Record<string, unknown>): FlowRunState {
  const top = state.stack[state.stack.length - 1];
  if (!top) return state;
  return { ...state, stack: [...state.stack.slice(0, -1), { ...top, form: { ...top.form, ...values } }], fieldErrors: undefined, snackbar: undefined };
}

/** The customer taps the Footer: validate the inputs, then run its action (navigate, data_exchange or complete). */
export async function tapFooter(flow: FlowDocument, state: FlowRunState, transport: FlowTransport): Promise<FlowRunState> {
  const model = currentScreen(flow, state);
  const action = model?.footer?.action;
  if (!model || !action) return state;
  const fieldErrors = validateForm(model, state.stack[state.stack.length - 1]!.form);
  if (Object.keys(fieldErrors).length > 0) return { ...state, fieldErrors, snackbar: undefined };
  return runAction(flow, { ...state, fieldErrors: undefined, snackbar: undefined, schemaErrors: undefined }, action, transport);
}

/** Runs an action with the form values of this moment. */
export async function runAction(flow: FlowDocument, state: FlowRunState, action: FlowAction, transport: FlowTransport): Promise<FlowRunState> {
  const payload = resolveValue(action.payload ?? {}, scopeOf(state));
  const data = isJsonObject(payload) ? payload : {};
  switch (action.name) {
    case 'navigate':
      return acceptAnswer(flow, state, { screen: action.next?.name, data }, transport);
    case 'data_exchange':
      return exchange(flow, state, { action: 'data_exchange', data }, transport);
    case 'complete':
      return { ...state, closed: { kind: 'completed', response: data } };
    default:
      // update_data and open_url change nothing the endpoint or the chat can see.
      return state;
  }
}

/**
 * The customer taps Back: the screen below comes back with its form as it was left. Back on the
 * first screen closes the Flow. A screen with `refresh_on_back` asks the endpoint (BACK) first.
 */
export async function goBack(flow: FlowDocument, state: FlowRunState, transport: FlowTransport): Promise<FlowRunState> {
  const cleared = { ...state, snackbar: undefined, fieldErrors: undefined, schemaErrors: undefined };
  if (state.schemaErrors) return cleared;
  if (state.stack.length <= 1) return { ...cleared, closed: { kind: 'dismissed' } };
  const popped = { ...cleared, stack: state.stack.slice(0, -1) };
  const below = popped.stack[popped.stack.length - 1]!;
  if (findScreen(flow, below.screen).refresh_on_back !== true) return popped;
  const result = await transport({ version: state.version, action: 'BACK', screen: state.stack[state.stack.length - 1]!.screen, flow_token: state.flowToken });
  return applyTransportResult(flow, popped, result, transport);
}

async function exchange(flow: FlowDocument, state: FlowRunState, request: { action: 'INIT' | 'data_exchange'; data?: Record<string, unknown> }, transport: FlowTransport): Promise<FlowRunState> {
  const top = state.stack[state.stack.length - 1];
  const result = await transport({
    version: state.version,
    action: request.action,
    ...(top ? { screen: top.screen } : {}),
    ...(request.data ? { data: request.data } : {}),
    flow_token: state.flowToken,
  });
  return applyTransportResult(flow, state, result, transport);
}

async function applyTransportResult(flow: FlowDocument, state: FlowRunState, result: TransportResult, transport: FlowTransport): Promise<FlowRunState> {
  if (result.kind === 'closed') return { ...state, closed: { kind: 'refused', message: result.message } };
  if (result.kind === 'failed') return state.stack.length === 0 ? { ...state, closed: { kind: 'refused', message: result.message } } : { ...state, snackbar: result.message };
  return acceptAnswer(flow, state, result.body, transport);
}

/**
 * Checks an answer as the client does and shows it: the screen must exist and be reachable by the
 * routing model, its data must match the declared model and fit the limits; otherwise the answer is
 * refused (`schemaErrors`) and reported to the endpoint as WhatsApp does. An answer naming the
 * screen already shown updates it in place (keeping what the customer typed).
 */
export async function acceptAnswer(flow: FlowDocument, state: FlowRunState, answer: unknown, transport: FlowTransport): Promise<FlowRunState> {
  const refuse = async (errors: PayloadSchemaError[], kind = 'payload-schema-error'): Promise<FlowRunState> => {
    // WhatsApp reports a refused answer to the endpoint (an error notification it acknowledges).
    await transport({ version: state.version, action: 'data_exchange', ...(state.stack.length ? { screen: state.stack[state.stack.length - 1]!.screen } : {}), data: { error: kind, error_message: errors.map((e) => e.message).join('; ') }, flow_token: state.flowToken }).catch(() => undefined);
    return { ...state, schemaErrors: errors.map((error) => ({ ...error, message: `${kind}: ${error.message}` })) };
  };
  if (!isJsonObject(answer)) return refuse([{ field: '(answer)', message: 'the answer is not a JSON object' }]);
  const data = isJsonObject(answer.data) ? answer.data : {};
  if (answer.screen === 'SUCCESS' && isJsonObject(data.extension_message_response)) {
    const params = (data.extension_message_response as Record<string, unknown>).params;
    return { ...state, closed: { kind: 'completed', response: isJsonObject(params) ? params : {} } };
  }
  if (typeof answer.screen !== 'string') return refuse([{ field: 'screen', message: 'the answer names no screen' }]);
  const screenId = answer.screen;
  const target = flow.screens.find((screen) => screen.id === screenId);
  if (!target) return refuse([{ field: 'screen', message: `the Flow JSON has no screen "${screenId}"` }], 'invalid-screen-transition');
  const top = state.stack[state.stack.length - 1];
  const isSameScreen = top?.screen === screenId;
  const routes = flow.routing_model;
  if (top && !isSameScreen && routes && !(routes[top.screen] ?? []).includes(screenId) && !state.stack.some((entry) => entry.screen === screenId)) {
    return refuse([{ field: 'screen', message: `routing_model has no route ${top.screen} → ${screenId}` }], 'invalid-screen-transition');
  }
  const { error_message: errorMessage, ...screenData } = data;
  const schemaErrors = checkScreenData(target, data);
  if (schemaErrors.length > 0) return refuse(schemaErrors);
  const initial = initialFormValues(flow, screenId, screenData);
  const form = isSameScreen ? { ...initial, ...top!.form } : initial;
  const entry: FlowRunScreen = { screen: screenId, data: screenData, form };
  const stack = isSameScreen ? [...state.stack.slice(0, -1), entry] : [...state.stack, entry];
  const next: FlowRunState = { ...state, stack, schemaErrors: undefined, ...(typeof errorMessage === 'string' && errorMessage ? { snackbar: errorMessage } : { snackbar: undefined }) };
  const limitErrors = checkScreenLimits(currentScreen(flow, next)!);
  if (limitErrors.length > 0) return refuse(limitErrors);
  return next;
}
