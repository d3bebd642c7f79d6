/**
 * Minimal Graph API client for sending WhatsApp messages. It performs one HTTP call per
 * method and never retries: the outbox sender decides with decideRetry what happens next.
 */
import http from 'node:http';
import https from 'node:https';
import { NetworkError, WhatsAppApiError } from '../platform/errors';
import { withGraphMetrics } from './graph-metrics';
import { buildMarkReadMessage } from './message-builders';
import type { MessagesRequestBody, OutboundMessage } from './outbound-message';
import { describeAccessTokenProblem, SendConfigurationError } from './send-configuration-error';

/** Options of createGraphClient. */
export interface GraphClientOptions {
  /** Base URL including the version, e.g. `https://graph.facebook.com/v25.0`. */
  baseUrl: string;
  accessToken: string;
  /** Per-request timeout (no answer within it); default 10 s. */
  timeoutMs?: number;
}

/** The sending side of the Cloud API. */
export interface GraphClient {
  /**
   * Sends one message; resolves with the wamid Meta assigned (accepted, not yet delivered) and the
   * recipient's business-scoped user id when Meta's answer names one (`contacts[0].user_id`).
   */
  sendMessage(phoneNumberId: string, body: OutboundMessage): Promise<{ messageId: string; userId?: string }>;
  /** Marks an inbound message (and the earlier ones of the thread) as read. */
  markRead(phoneNumberId: string, messageId: string): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const SEND_METHOD = 'POST /{id}/messages';

/** An HTTP answer, as the client reads it. */
interface GraphAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * Creates a Graph API client; throws WhatsAppApiError for Meta errors, NetworkError when Meta cannot
 * be reached, and SendConfigurationError when no request can be built (a token no header can carry).
 * It posts with node:http(s) over kept-alive connections: fetch cost the worker about twice the CPU
 * per message (its streams, abort signals and spec checks), measured in bench:webhook profiles.
 */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const baseUrl = new URL(`${options.baseUrl.replace(/\/+$/, '')}/`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const transport = baseUrl.protocol === 'https:' ? https : http;
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 64 });
  const authorization = `Bearer ${options.accessToken}`;
  // Checked here rather than thrown at creation: the client of WHATSAPP_ACCESS_TOKEN is made at
  // start-up, and each of its sends should fail visibly instead of the server refusing to start.
  const tokenProblem = describeAccessTokenProblem(options.accessToken);

  function post(path: string, payload: string): Promise<GraphAnswer> {
    return new Promise((resolve, reject) => {
      const request = transport.request(
        new URL(path, baseUrl),
        { method: 'POST', agent, headers: { authorization, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const headers = new Headers();
            const retryAfter = response.headers['retry-after'];
            if (typeof retryAfter === 'string') headers.set('retry-after', retryAfter);
            resolve({ status: response.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      request.setTimeout(timeoutMs, () => request.destroy(new GraphTimeoutError(timeoutMs)));
      request.on('error', reject);
      request.end(payload);
    });
  }

  async function postMessages(phoneNumberId: string, body: MessagesRequestBody): Promise<unknown> {
    if (tokenProblem) throw new SendConfigurationError('access_token_invalid', `The WhatsApp access token ${tokenProblem}.`);
    let answer: GraphAnswer;
    try {
      answer = await post(`${encodeURIComponent(phoneNumberId)}/messages`, JSON.stringify(body));
    } catch (cause) {
      // Node refuses to build the request (a header value it cannot send): no retry will change that.
      if (isRequestBuildError(cause)) {
        throw new SendConfigurationError('request_unbuildable', `WhatsApp ${SEND_METHOD} could not be built (${describeCause(cause)}); check the access token and WHATSAPP_GRAPH_URL`);
      }
      // A timed-out send may still have been accepted by Meta: retrying can duplicate the message.
      const reason = cause instanceof GraphTimeoutError ? `timed out after ${timeoutMs} ms` : describeCause(cause);
      throw new NetworkError(`WhatsApp ${SEND_METHOD} could not reach the Graph API (${reason}); check connectivity, the job will retry`, cause);
    }
    const json = parseJson(answer.text);
    if (answer.status < 200 || answer.status >= 300) throw toWhatsAppApiError(answer, json, body);
    return json;
  }

  return withGraphMetrics({
    async sendMessage(phoneNumberId, body) {
      const json = await postMessages(phoneNumberId, body);
      const messageId = readMessageId(json);
      if (!messageId) {
        throw new WhatsAppApiError(`WhatsApp ${SEND_METHOD} answered 2xx without messages[0].id; treat the send as unknown`, 200, undefined, SEND_METHOD, body);
      }
      const userId = readContactUserId(json);
      return userId === undefined ? { messageId } : { messageId, userId };
    },
    async markRead(phoneNumberId, messageId) {
      await postMessages(phoneNumberId, buildMarkReadMessage(messageId));
    },
  });
}

/** Maps Meta's `{error:{message,type,code,error_subcode,error_data,fbtrace_id}}` envelope to WhatsAppApiError. */
export function toWhatsAppApiError(response: Pick<Response, 'status' | 'headers'>, json: unknown, requestBody: unknown): WhatsAppApiError {
  const error = isRecord(json) && isRecord(json.error) ? json.error : {};
  const code = typeof error.code === 'number' ? error.code : undefined;
  const subcode = typeof error.error_subcode === 'number' ? error.error_subcode : undefined;
  const details = isRecord(error.error_data) && typeof error.error_data.details === 'string' ? error.error_data.details : undefined;
  const parts = [
    typeof error.message === 'string' ? error.message : `HTTP ${response.status}`,
    details,
    typeof error.fbtrace_id === 'string' ? `fbtrace_id ${error.fbtrace_id}` : undefined,
  ].filter(Boolean);
  const message = `WhatsApp ${SEND_METHOD} failed (HTTP ${response.status}${code === undefined ? '' : `, code ${code}`}): ${parts.join(' — ')}`;
  return new WhatsAppApiError(message, response.status, code, SEND_METHOD, requestBody, parseRetryAfter(response.headers.get('retry-after')), subcode);
}

/** Retry-After in delta-seconds (the form Graph uses); HTTP-date values are ignored rather than read against a clock. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Math.round(Number(value) * 1000);
}

function readMessageId(json: unknown): string | undefined {
  const first = isRecord(json) && Array.isArray(json.messages) ? json.messages[0] : undefined;
  return isRecord(first) && typeof first.id === 'string' && first.id !== '' ? first.id : undefined;
}

/** The BSUID Meta names in a send answer; anything but a short string is ignored (it is stored). */
function readContactUserId(json: unknown): string | undefined {
  const first = isRecord(json) && Array.isArray(json.contacts) ? json.contacts[0] : undefined;
  const userId = isRecord(first) ? first.user_id : undefined;
  return typeof userId === 'string' && userId !== '' && userId.length <= 128 ? userId : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Whether a failed send may still have reached Meta: it timed out waiting for the answer, so Meta
 * may have accepted it. The sender then treats it like a crash after the post (outbox-recovery.ts).
 */
export function isPossiblyDelivered(error: unknown): boolean {
  return error instanceof NetworkError && error.cause instanceof GraphTimeoutError;
}

/** No answer from the Graph API within the client's timeout. */
class GraphTimeoutError extends Error {
  override readonly name = 'GraphTimeoutError';
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/** Errors node:http throws before anything is sent: invalid header names or values, a bad path. */
const REQUEST_BUILD_ERROR_CODES = new Set(['ERR_INVALID_CHAR', 'ERR_HTTP_INVALID_HEADER_VALUE', 'ERR_INVALID_HTTP_TOKEN', 'ERR_UNESCAPED_CHARACTERS', 'ERR_INVALID_URL']);

function isRequestBuildError(cause: unknown): boolean {
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' && REQUEST_BUILD_ERROR_CODES.has(code);
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
  return `${cause.message}${inner}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
