/**
 * Posts a Flows request whose decrypted JSON is given as text, encrypted and signed like WhatsApp
 * (flow-kit's postFlow stringifies a value, which a value nested thousands deep would overflow).
 */
import crypto from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { decryptResponseLikeWhatsApp } from '../../src/flows';
import { signBody } from '../../src/whatsapp';
import { FLOW_TEST_SECRET, PUBLIC_PEM, type FlowAnswer } from './flow-kit';

/** Encrypts `json` (the request's plaintext) for the fixture key, posts it signed, and decrypts the answer. */
export async function postRawFlow(app: Express, json: string, options: { timeoutMs?: number } = {}): Promise<FlowAnswer> {
  const aesKey = crypto.randomBytes(16);
  const iv = crypto.randomBytes(16);
  const encryptedAesKey = crypto.publicEncrypt({ key: PUBLIC_PEM, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, aesKey);
  const cipher = crypto.createCipheriv('aes-128-gcm', aesKey, iv, { authTagLength: 16 });
  const flowData = Buffer.concat([cipher.update(json, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const raw = JSON.stringify({ encrypted_aes_key: encryptedAesKey.toString('base64'), encrypted_flow_data: flowData.toString('base64'), initial_vector: iv.toString('base64') });
  const res = await request(app)
    .post('/flows/endpoint')
    .set('content-type', 'application/json')
    .set('x-hub-signature-256', signBody(FLOW_TEST_SECRET, raw))
    .timeout(options.timeoutMs ?? 15_000)
    .send(raw);
  if ((res.status === 200 || res.status === 427) && res.type === 'text/plain') {
    return { status: res.status, body: decryptResponseLikeWhatsApp({ responseBody: res.text, aesKey, iv }) };
  }
  return { status: res.status, body: res.body };
}
