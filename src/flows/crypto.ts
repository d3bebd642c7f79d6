/**
 * WhatsApp Flows endpoint encryption (Data API 3.0): RSA-OAEP-SHA256 unwraps a per-request
 * AES-128 key, AES-128-GCM carries the payload both ways. See WHATSAPP.md §4.4–4.5.
 */
import crypto from 'node:crypto';

/** The encrypted envelope WhatsApp POSTs to the Flows endpoint (all fields base64). */
export type EncryptedFlowRequestBody = {
  encrypted_aes_key: string;
  encrypted_flow_data: string;
  initial_vector: string;
};

/** A decrypted Flows request plus the key material needed to encrypt the answer. */
export type DecryptedFlowRequest = { payload: unknown; aesKey: Buffer; iv: Buffer };

/** Why a request could not be decrypted; all of them are answered with HTTP 421. */
export type FlowDecryptFailure =
  | 'invalid_body'
  | 'invalid_base64'
  | 'key_unwrap_failed'
  | 'invalid_aes_key_length'
  | 'invalid_iv_length'
  | 'ciphertext_too_short'
  | 'authentication_failed'
  | 'invalid_json';

/**
 * A Flows request that cannot be decrypted. The endpoint answers 421 so the WhatsApp client
 * re-fetches the public key and retries (WHATSAPP.md §4.8).
 */
export class FlowDecryptError extends Error {
  override readonly name = 'FlowDecryptError';
  /** HTTP status the endpoint must answer with. */
  readonly statusCode = 421;
  constructor(
    readonly reason: FlowDecryptFailure,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

const AES_KEY_BYTES = 16;
const IV_BYTES = 16;
const GCM_TAG_BYTES = 16;
const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;
// Stateless for whole-buffer decoding, so one decoder serves every request.
const UTF8_DECODER = new TextDecoder('utf-8', { fatal: true });

/**
 * Loads the Flows private key (PKCS#8 or PKCS#1 PEM, plain or passphrase-protected) at startup.
 * Throws an Error that says what is wrong and how to fix it.
 * @example loadPrivateKey({ pem: config.flows.privateKeyPem, passphrase: config.flows.passphrase })
 */
export function loadPrivateKey({ pem, passphrase }: { pem: string; passphrase?: string }): crypto.KeyObject {
  // Keys pasted into a .env file often arrive with literal "\n" instead of line breaks.
  const normalizedPem = pem.includes('\\n') && !pem.includes('\n') ? pem.replace(/\\n/g, '\n') : pem;
  const trimmed = normalizedPem.trim();
  if (!trimmed.startsWith('-----BEGIN')) {
    throw new Error(
      'Flows private key is not a PEM: expected text starting with "-----BEGIN PRIVATE KEY-----", ' +
        '"-----BEGIN RSA PRIVATE KEY-----" or "-----BEGIN ENCRYPTED PRIVATE KEY-----". Check the private key setting.',
    );
  }
  if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(trimmed)) {
    throw new Error(
      'Flows private key setting holds a PUBLIC key. Put the private key here; the public key is what you upload to Meta.',
    );
  }
  const isEncrypted = /BEGIN ENCRYPTED PRIVATE KEY|Proc-Type:\s*4,ENCRYPTED/.test(trimmed);
  if (isEncrypted && !passphrase) {
    throw new Error(
      'Flows private key is encrypted but no passphrase was given. Set the Flows key passphrase setting.',
    );
  }
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(
      isEncrypted ? { key: trimmed, format: 'pem', passphrase } : { key: trimmed, format: 'pem' },
    );
  } catch (error) {
    throw new Error(describeKeyLoadFailure(error, isEncrypted), { cause: error });
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(
      `Flows private key is a ${key.asymmetricKeyType ?? 'non-RSA'} key; WhatsApp Flows need an RSA key ` +
        '(2048-bit). Generate one with generateFlowsKeyPair() and upload its public key to Meta.',
    );
  }
  return key;
}

function describeKeyLoadFailure(error: unknown, isEncrypted: boolean): string {
  const detail = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  // A wrong passphrase usually fails the padding check ("bad decrypt"), but now and then it yields
  // garbage that only fails later as a parse error, so any failure of an encrypted key means the same.
  if (isEncrypted) {
    return (
      'Flows private key could not be decrypted: the passphrase is wrong (or the key text is damaged). ' +
      `Check the Flows key passphrase setting. (${detail})`
    );
  }
  if (code === 'ERR_MISSING_PASSPHRASE') {
    return 'Flows private key is encrypted but no passphrase was given. Set the Flows key passphrase setting.';
  }
  return `Flows private key could not be read (${detail}). Paste the whole PEM, including its BEGIN/END lines.`;
}

/** Unwraps a request's AES key on the calling thread: RSA-OAEP-SHA256 with the endpoint's private key. */
export function createKeyUnwrapper(privateKey: crypto.KeyObject): (encryptedKey: Buffer) => Promise<Buffer> {
  const options = { key: privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
  return async (encryptedKey) => crypto.privateDecrypt(options, encryptedKey);
}

/**
 * Decrypts a Flows request: RSA-OAEP-SHA256 unwraps the AES key (through `unwrapKey`:
 * createKeyUnwrapper's, or createKeyUnwrapThreads's off the event loop), then AES-128-GCM with the
 * 16-byte IV and appended tag.
 * Throws FlowDecryptError (HTTP 421, or 400 for a body that is not the envelope) with the reason.
 */
export async function decryptRequest({ body, unwrapKey }: { body: unknown; unwrapKey: (encryptedKey: Buffer) => Promise<Buffer> }): Promise<DecryptedFlowRequest> {
  const parts = readEncryptedParts(body);
  let aesKey: Buffer;
  try {
    aesKey = await unwrapKey(parts.encryptedAesKey);
  } catch (error) {
    throw keyUnwrapFailed(error);
  }
  return openFlowData(parts, aesKey);
}

type EncryptedParts = { encryptedAesKey: Buffer; flowData: Buffer; iv: Buffer };

function readEncryptedParts(body: unknown): EncryptedParts {
  const envelope = readEnvelope(body);
  return {
    encryptedAesKey: decodeBase64(envelope.encrypted_aes_key, 'encrypted_aes_key'),
    flowData: decodeBase64(envelope.encrypted_flow_data, 'encrypted_flow_data'),
    iv: decodeBase64(envelope.initial_vector, 'initial_vector'),
  };
}

function keyUnwrapFailed(cause: unknown): FlowDecryptError {
  return new FlowDecryptError('key_unwrap_failed', 'Could not unwrap the AES key: the request was encrypted for another public key.', cause);
}

/** Checks sizes, then AES-GCM-decrypts and parses the flow data with the unwrapped key. */
function openFlowData({ flowData, iv }: EncryptedParts, aesKey: Buffer): DecryptedFlowRequest {
  if (aesKey.length !== AES_KEY_BYTES) {
    throw new FlowDecryptError('invalid_aes_key_length', `AES key is ${aesKey.length} bytes, expected 16.`);
  }
  if (iv.length !== IV_BYTES) {
    throw new FlowDecryptError('invalid_iv_length', `initial_vector is ${iv.length} bytes, expected 16.`);
  }
  if (flowData.length <= GCM_TAG_BYTES) {
    throw new FlowDecryptError('ciphertext_too_short', 'encrypted_flow_data is too short to hold a GCM tag.');
  }

  let plaintext: Buffer;
  try {
    // WhatsApp uses a 16-byte GCM IV (not the usual 12); the tag is the last 16 bytes.
    const decipher = crypto.createDecipheriv('aes-128-gcm', toSecretKey(aesKey), iv, { authTagLength: GCM_TAG_BYTES });
    decipher.setAuthTag(flowData.subarray(flowData.length - GCM_TAG_BYTES));
    plaintext = Buffer.concat([decipher.update(flowData.subarray(0, flowData.length - GCM_TAG_BYTES)), decipher.final()]);
  } catch (error) {
    throw new FlowDecryptError('authentication_failed', 'AES-GCM authentication failed: the data was altered.', error);
  }

  let payload: unknown;
  try {
    payload = JSON.parse(UTF8_DECODER.decode(plaintext));
  } catch (error) {
    throw new FlowDecryptError('invalid_json', 'Decrypted Flows request is not UTF-8 JSON.', error);
  }
  return { payload, aesKey, iv };
}

/**
 * Encrypts the endpoint's answer: JSON, AES-128-GCM with the request IV bit-inverted, tag appended, base64.
 * The result is sent as the plain-text HTTP 200 body.
 */
export function encryptResponse({ response, aesKey, iv }: { response: unknown; aesKey: Buffer; iv: Buffer }): string {
  const json = JSON.stringify(response);
  if (json === undefined) {
    throw new TypeError('Flows response must be a JSON value (got undefined or a function).');
  }
  const cipher = crypto.createCipheriv('aes-128-gcm', toSecretKey(aesKey), invertBits(iv), { authTagLength: GCM_TAG_BYTES });
  return Buffer.concat([cipher.update(json, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
}

// Node 24 checks a Buffer key by letting a KeyObject brand check throw and catching it (~15 µs per
// cipher, measured); a KeyObject made from the bytes skips that check.
function toSecretKey(aesKey: Buffer): crypto.KeyObject {
  return crypto.createSecretKey(aesKey);
}

/** Inverts every bit of the IV: the response IV WhatsApp expects (WHATSAPP.md §4.5). */
export function invertBits(iv: Buffer): Buffer {
  return Buffer.from(iv.map((byte) => byte ^ 0xff));
}

/**
 * Generates a key pair in the format Meta accepts for upload: 2048-bit RSA, public key as
 * SPKI PEM ("BEGIN PUBLIC KEY"), private key as PKCS#8 PEM encrypted with AES-256-CBC.
 */
export function generateFlowsKeyPair(passphrase: string): { privateKeyPem: string; publicKeyPem: string } {
  if (passphrase.length === 0) {
    throw new Error('A passphrase is required to protect the Flows private key.');
  }
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

function readEnvelope(body: unknown): EncryptedFlowRequestBody {
  if (typeof body !== 'object' || body === null) {
    throw new FlowDecryptError('invalid_body', 'Flows request body must be a JSON object.');
  }
  const record = body as Record<string, unknown>;
  for (const field of ['encrypted_aes_key', 'encrypted_flow_data', 'initial_vector'] as const) {
    if (typeof record[field] !== 'string' || record[field] === '') {
      throw new FlowDecryptError('invalid_body', `Flows request body lacks the string field ${field}.`);
    }
  }
  return record as EncryptedFlowRequestBody;
}

function decodeBase64(value: string, field: string): Buffer {
  // Buffer.from() silently skips invalid characters, which would turn garbage into a tag mismatch.
  if (value.length % 4 !== 0 || !BASE64_PATTERN.test(value)) {
    throw new FlowDecryptError('invalid_base64', `${field} is not valid base64.`);
  }
  return Buffer.from(value, 'base64');
}
