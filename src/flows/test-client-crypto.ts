/**
 * The client side of the Flows encryption, as the WhatsApp app does it. Used by end-to-end tests,
 * the benchmark and the sandbox simulator to talk to our endpoint exactly like Meta.
 */
import crypto from 'node:crypto';
import { invertBits, type EncryptedFlowRequestBody } from './crypto';

/**
 * Encrypts a Flows request payload for the given public key, the way WhatsApp does.
 * Pass aesKey/iv to make the request deterministic; by default both are random.
 */
export function encryptRequestLikeWhatsApp({
  payload,
  publicKey,
  aesKey = crypto.randomBytes(16),
  iv = crypto.randomBytes(16),
}: {
  payload: unknown;
  publicKey: crypto.KeyObject | string;
  aesKey?: Buffer;
  iv?: Buffer;
}): { body: EncryptedFlowRequestBody; aesKey: Buffer; iv: Buffer } {
  const encryptedAesKey = crypto.publicEncrypt(
    { key: publicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    aesKey,
  );
  const cipher = crypto.createCipheriv('aes-128-gcm', aesKey, iv, { authTagLength: 16 });
  const flowData = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    body: {
      encrypted_aes_key: encryptedAesKey.toString('base64'),
      encrypted_flow_data: flowData.toString('base64'),
      initial_vector: iv.toString('base64'),
    },
    aesKey,
    iv,
  };
}

/** Decrypts the endpoint's base64 answer with the request's key and inverted IV, then parses the JSON. */
export function decryptResponseLikeWhatsApp({
  responseBody,
  aesKey,
  iv,
}: {
  responseBody: string;
  aesKey: Buffer;
  iv: Buffer;
}): unknown {
  const data = Buffer.from(responseBody, 'base64');
  const decipher = crypto.createDecipheriv('aes-128-gcm', aesKey, invertBits(iv), { authTagLength: 16 });
  decipher.setAuthTag(data.subarray(data.length - 16));
  const plaintext = Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
  return JSON.parse(plaintext.toString('utf8'));
}
