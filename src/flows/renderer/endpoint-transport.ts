/**
 * The WhatsApp client's side of the Flows endpoint protocol over HTTP: each request gets a fresh
 * AES-128 key wrapped with the business's public key (RSA-OAEP-SHA256), the body is signed with
 * X-Hub-Signature-256 when an app secret is given, and the status codes are handled as WhatsApp
 * does: 200 decrypted; 421 retried once (after "re-fetching" the key); 427 closes the Flow with the
 * decrypted `error_msg`; 432 and anything else show the generic error.
 */
import crypto from 'node:crypto';
import { signBody } from '../../whatsapp';
import { decryptResponseLikeWhatsApp, encryptRequestLikeWhatsApp } from '../test-client-crypto';
import { GENERIC_FLOW_ERROR, type FlowEndpointRequest, type FlowTransport, type TransportResult } from './flow-run';

/** Where and how to reach the endpoint. */
export interface EndpointTransportOptions {
  url: string;
  publicKey: crypto.KeyObject | string;
  /** Signs every request when set (Meta always signs; sandbox mode accepts unsigned requests). */
  appSecret?: string;
  /** Called with each status, for front ends that show the traffic. */
  onResponse?: (request: FlowEndpointRequest, status: number) => void;
}

/** A FlowTransport posting to a real endpoint URL. */
export function createEndpointTransport(options: EndpointTransportOptions): FlowTransport {
  const postOnce = async (request: FlowEndpointRequest): Promise<{ status: number; text: string; aesKey: Buffer; iv: Buffer }> => {
    const { body, aesKey, iv } = encryptRequestLikeWhatsApp({ payload: request, publicKey: options.publicKey });
    const raw = JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.appSecret) headers['x-hub-signature-256'] = signBody(options.appSecret, raw);
    const response = await fetch(options.url, { method: 'POST', headers, body: raw });
    const text = await response.text();
    options.onResponse?.(request, response.status);
    return { status: response.status, text, aesKey, iv };
  };
  return async (request): Promise<TransportResult> => {
    let response;
    try {
      response = await postOnce(request);
      if (response.status === 421) response = await postOnce(request);
    } catch {
      return { kind: 'failed', message: GENERIC_FLOW_ERROR };
    }
    if (response.status === 200) {
      try {
        return { kind: 'answer', body: decryptResponseLikeWhatsApp({ responseBody: response.text, aesKey: response.aesKey, iv: response.iv }) };
      } catch {
        return { kind: 'failed', message: `${GENERIC_FLOW_ERROR} (response-decryption-error)` };
      }
    }
    if (response.status === 427) {
      let message = GENERIC_FLOW_ERROR;
      try {
        const body = decryptResponseLikeWhatsApp({ responseBody: response.text, aesKey: response.aesKey, iv: response.iv }) as { error_msg?: unknown };
        if (typeof body.error_msg === 'string' && body.error_msg) message = body.error_msg;
      } catch {
        // An empty or plain 427 body is allowed: the generic text stands.
      }
      return { kind: 'closed', message };
    }
    return { kind: 'failed', message: GENERIC_FLOW_ERROR };
  };
}
