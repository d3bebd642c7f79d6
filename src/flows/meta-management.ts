/**
 * Meta's management Graph API for Flows (WHATSAPP.md §4.1, §6): upload the endpoint's public key
 * for a phone number, and create/update + publish the booking Flow from flows/booking.flow.json.
 * Uses the global fetch, so tests intercept it with nock.
 */
import { NetworkError, WhatsAppApiError } from '../platform/errors';

/** Where and as whom to call the Graph API. */
export interface MetaManagementOptions {
  /** e.g. https://graph.facebook.com/v25.0 (no trailing slash). */
  graphUrl: string;
  accessToken: string;
}

/** One entry of Meta's `validation_errors`. */
export interface FlowValidationError {
  error?: string;
  error_type?: string;
  message?: string;
  line_start?: number;
  line_end?: number;
  column_start?: number;
  column_end?: number;
  pointers?: Array<{ path?: string; line_start?: number; column_start?: number }>;
}

/** What publishFlow did. */
export interface PublishFlowResult {
  flowId: string;
  isCreated: boolean;
  isPublished: boolean;
  validationErrors: FlowValidationError[];
}

type Json = Record<string, unknown>;

async function callGraph(options: MetaManagementOptions, method: 'GET' | 'POST', path: string, body?: FormData | Json): Promise<Json> {
  const url = `${options.graphUrl.replace(/\/+$/, '')}/${path}`;
  const isForm = body instanceof FormData;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${options.accessToken}`, ...(body && !isForm ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: isForm ? body : JSON.stringify(body) } : {}),
    });
  } catch (error) {
    throw new NetworkError(`Could not reach the Graph API at ${url}: ${(error as Error).message}`, error);
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = {};
  }
  if (!response.ok) {
    const error = (json as { error?: { message?: string; code?: number; error_subcode?: number; error_user_msg?: string } }).error ?? {};
    const detail = [error.message, error.error_user_msg].filter(Boolean).join(' — ') || `HTTP ${response.status}`;
    throw new WhatsAppApiError(`${method} /${path} failed (HTTP ${response.status}${error.code ? `, code ${error.code}` : ''}): ${detail}`, response.status, error.code, `${method} /${path}`, isForm ? '(form data)' : body, undefined, error.error_subcode);
  }
  return (json ?? {}) as Json;
}

/**
 * Uploads the Flows public key for one business phone number (Meta signs it; a new upload replaces the old one).
 * @example await uploadBusinessPublicKey(options, { phoneNumberId: '1234', publicKeyPem })
 */
export async function uploadBusinessPublicKey(options: MetaManagementOptions, params: { phoneNumberId: string; publicKeyPem: string }): Promise<void> {
  if (!/BEGIN PUBLIC KEY/.test(params.publicKeyPem)) {
    throw new Error('The file to upload is not a public key ("-----BEGIN PUBLIC KEY-----"). Upload the public half; the private key never leaves the server.');
  }
  const form = new FormData();
  form.set('business_public_key', params.publicKeyPem);
  const json = await callGraph(options, 'POST', `${encodeURIComponent(params.phoneNumberId)}/whatsapp_business_encryption`, form);
  if (json.success !== true) throw new Error(`Meta did not confirm the key upload: ${JSON.stringify(json).slice(0, 300)}`);
}

/**
 * Creates the Flow (or updates the one with `flowId`, else the one named `name`), uploads the Flow
 * JSON as its flow.json asset and publishes it unless Meta reports validation errors.
 */
export async function publishFlow(
  options: MetaManagementOptions,
  params: { businessAccountId: string; name: string; flowJson: string; flowId?: string; endpointUri?: string; isPublishing?: boolean },
): Promise<PublishFlowResult> {
  let flowId = params.flowId ?? (await findFlowIdByName(options, params.businessAccountId, params.name));
  const isCreated = flowId === undefined;
  if (flowId === undefined) {
    const created = await callGraph(options, 'POST', `${encodeURIComponent(params.businessAccountId)}/flows`, {
      name: params.name,
      categories: ['APPOINTMENT_BOOKING'],
      ...(params.endpointUri ? { endpoint_uri: params.endpointUri } : {}),
    });
    if (typeof created.id !== 'string') throw new Error(`Meta did not return the new Flow's id: ${JSON.stringify(created).slice(0, 300)}`);
    flowId = created.id;
  } else if (params.endpointUri) {
    await callGraph(options, 'POST', encodeURIComponent(flowId), { endpoint_uri: params.endpointUri });
  }
  const form = new FormData();
  // Meta requires the part to be named exactly flow.json.
  form.set('file', new Blob([params.flowJson], { type: 'application/json' }), 'flow.json');
  form.set('name', 'flow.json');
  form.set('asset_type', 'FLOW_JSON');
  const uploaded = await callGraph(options, 'POST', `${encodeURIComponent(flowId)}/assets`, form);
  const validationErrors = Array.isArray(uploaded.validation_errors) ? (uploaded.validation_errors as FlowValidationError[]) : [];
  if (validationErrors.length > 0 || params.isPublishing === false) return { flowId, isCreated, isPublished: false, validationErrors };
  const published = await callGraph(options, 'POST', `${encodeURIComponent(flowId)}/publish`);
  return { flowId, isCreated, isPublished: published.success === true, validationErrors };
}

async function findFlowIdByName(options: MetaManagementOptions, businessAccountId: string, name: string): Promise<string | undefined> {
  const listed = await callGraph(options, 'GET', `${encodeURIComponent(businessAccountId)}/flows?fields=id,name,status&limit=100`);
  const flows = Array.isArray(listed.data) ? (listed.data as Array<{ id?: unknown; name?: unknown }>) : [];
  const match = flows.find((flow) => flow.name === name && typeof flow.id === 'string');
  return match?.id as string | undefined;
}

/**
 * Meta's validation errors, one readable line each.
 * @example formatValidationErrors([{ error: 'INVALID_PROPERTY', message: 'x', line_start: 3, column_start: 5 }]) // ['line 3:5 INVALID_PROPERTY: x']
 */
export function formatValidationErrors(errors: readonly FlowValidationError[]): string[] {
  return errors.map((error) => {
    const where = error.line_start !== undefined ? `line ${error.line_start}${error.column_start !== undefined ? `:${error.column_start}` : ''} ` : '';
    const paths = (error.pointers ?? []).map((pointer) => pointer.path).filter(Boolean);
    const kind = error.error ?? error.error_type ?? 'ERROR';
    return `${where}${kind}: ${error.message ?? '(no message)'}${paths.length > 0 ? ` (at ${paths.join(', ')})` : ''}`;
  });
}
