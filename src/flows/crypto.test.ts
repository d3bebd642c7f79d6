import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  decryptRequest,
  encryptResponse,
  FlowDecryptError,
  generateFlowsKeyPair,
  loadPrivateKey,
  type EncryptedFlowRequestBody,
} from './crypto';
import { createKeyUnwrapThreads, type KeyUnwrapThreads } from './key-unwrap-threads';
import { decryptResponseLikeWhatsApp, encryptRequestLikeWhatsApp } from './test-client-crypto';

const fixturesDir = path.join(__dirname, '../../test/fixtures/flows');

type MetaCase = {
  name: string;
  aes_key_hex: string;
  iv_hex: string;
  request_plaintext: string;
  request_body: EncryptedFlowRequestBody;
  expected_response_json: string | null;
  expected_response_base64: string | null;
};
type MetaVectors = { private_key_pem: string; passphrase: string; cases: MetaCase[] };
type PywaVector = {
  private_key_pem: string;
  passphrase: string;
  request_body: EncryptedFlowRequestBody;
  expected_decrypted_request: unknown;
  aes_key_hex: string;
  iv_hex: string;
  expected_response_plaintext: string;
  expected_response_base64: string;
  meta_encryptResponse_of_compact_json: string;
};

const readJson = <T>(name: string): T => JSON.parse(fs.readFileSync(path.join(fixturesDir, name), 'utf8')) as T;
const metaVectors = readJson<MetaVectors>('meta-vectors.json');
const pywaVector = readJson<PywaVector>('pywa-vector.json');
const metaKey = loadPrivateKey({
  pem: fs.readFileSync(path.join(fixturesDir, 'test-private.pem'), 'utf8'),
  passphrase: 'oracle-test',
});

// One throw-away 2048-bit key (as Meta requires) shared by the tests that do not need the fixtures.
const throwAway = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
/** Decrypts as the endpoint does (RSA unwrap on worker threads; one set per key, ended after the file). */
const unwrappers = new Map<crypto.KeyObject, KeyUnwrapThreads>();
const decrypt = (body: unknown, privateKey: crypto.KeyObject) => {
  let threads = unwrappers.get(privateKey);
  if (!threads) unwrappers.set(privateKey, (threads = createKeyUnwrapThreads(privateKey)));
  return decryptRequest({ body, unwrapKey: threads.unwrap });
};
afterAll(async () => {
  await Promise.all([...unwrappers.values()].map((threads) => threads.close()));
});

describe('decryptRequest with Meta example vectors', () => {
  it.each(metaVectors.cases.map((c) => [c.name, c] as const))('%s decrypts to the exact request', async (_name, vector) => {
    const { payload, aesKey, iv } = await decrypt(vector.request_body, metaKey);

    expect(payload).toStrictEqual(JSON.parse(vector.request_plaintext));
    expect(aesKey.toString('hex')).toBe(vector.aes_key_hex);
    expect(iv.toString('hex')).toBe(vector.iv_hex);
  });
});

describe('encryptResponse matches Meta example byte for byte', () => {
  const withResponse = metaVectors.cases.filter((c) => c.expected_response_json !== null);

  it('covers every vector that has a response', () => {
    expect(withResponse.map((c) => c.name)).toStrictEqual([
      'ping',
      'init',
      'appointment_department_selected',
      'details_to_summary',
      'summary_to_success',
      'client_error_notification',
    ]);
  });

  it.each(withResponse.map((c) => [c.name, c] as const))('%s', async (_name, vector) => {
    const { aesKey, iv } = await decrypt(vector.request_body, metaKey);

    const body = encryptResponse({ response: JSON.parse(vector.expected_response_json as string), aesKey, iv });

    expect(body).toBe(vector.expected_response_base64);
  });
});

describe('pywa vector (PKCS#8 encrypted key, passphrase "pywa")', () => {
  const pywaKey = loadPrivateKey({ pem: pywaVector.private_key_pem, passphrase: pywaVector.passphrase });

  it('decrypts the real client request', async () => {
    const { payload, aesKey, iv } = await decrypt(pywaVector.request_body, pywaKey);

    expect(payload).toStrictEqual(pywaVector.expected_decrypted_request);
    expect(aesKey.toString('hex')).toBe(pywaVector.aes_key_hex);
    expect(iv.toString('hex')).toBe(pywaVector.iv_hex);
  });

  it('encrypts the compact JSON of the response to what Meta code produces', async () => {
    const { aesKey, iv } = await decrypt(pywaVector.request_body, pywaKey);
    const response = JSON.parse(pywaVector.expected_response_plaintext) as unknown;

    expect(encryptResponse({ response, aesKey, iv })).toBe(pywaVector.meta_encryptResponse_of_compact_json);
  });

  it("reads pywa's own (spaced JSON) response back to the same object", async () => {
    const { aesKey, iv } = await decrypt(pywaVector.request_body, pywaKey);

    expect(decryptResponseLikeWhatsApp({ responseBody: pywaVector.expected_response_base64, aesKey, iv })).toStrictEqual(
      JSON.parse(pywaVector.expected_response_plaintext),
    );
  });
});

describe('self-made AES vector (WHATSAPP.md §4.11)', () => {
  it('encrypts the response to the documented bytes', () => {
    const aesKey = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const iv = Buffer.from('a0a1a2a3a4a5a6a7a8a9aaabacadaeaf', 'hex');

    const body = encryptResponse({ response: { screen: 'DETAILS', data: { slot: '10:30' } }, aesKey, iv });

    expect(body).toBe('FusTzhF3+lTn+8KbsPKaFVAgY/9SEEqsx/wxu4UP2SXjKQr52ijYkOuAY4eSJ0kHcD6tiw5fP8TtHQMG');
  });
});

describe('round trip with the WhatsApp-like test client', () => {
  it('decrypts what the client encrypted and the client reads the answer', async () => {
    const payload = { version: '3.0', action: 'data_exchange', screen: 'SERVICE', data: { service: 'cut' }, flow_token: 'ft_1' };
    const request = encryptRequestLikeWhatsApp({ payload, publicKey: throwAway.publicKey });

    const decrypted = await decrypt(request.body, throwAway.privateKey);
    const answer = encryptResponse({ response: { screen: 'STAFF', data: { ñ: 'ü 🦷' } }, aesKey: decrypted.aesKey, iv: decrypted.iv });

    expect(decrypted.payload).toStrictEqual(payload);
    expect(decryptResponseLikeWhatsApp({ responseBody: answer, aesKey: request.aesKey, iv: request.iv })).toStrictEqual({
      screen: 'STAFF',
      data: { ñ: 'ü 🦷' },
    });
  });
});

describe('decryptRequest rejects anything it cannot trust with FlowDecryptError (HTTP 421)', () => {
  const good = metaVectors.cases[1] as MetaCase;
  const flipByte = (b64: string, index: number): string => {
    const bytes = Buffer.from(b64, 'base64');
    bytes[index] = (bytes[index] as number) ^ 0x01;
    return bytes.toString('base64');
  };
  const dataLength = Buffer.from(good.request_body.encrypted_flow_data, 'base64').length;
  const otherClient = encryptRequestLikeWhatsApp({ payload: { a: 1 }, publicKey: throwAway.publicKey });
  const notJson = (() => {
    const aesKey = crypto.randomBytes(16);
    const iv = crypto.randomBytes(16);
    const cipher = crypto.createCipheriv('aes-128-gcm', aesKey, iv);
    const data = Buffer.concat([cipher.update('not json', 'utf8'), cipher.final(), cipher.getAuthTag()]);
    const key = crypto.publicEncrypt(
      { key: throwAway.publicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      aesKey,
    );
    return { encrypted_aes_key: key.toString('base64'), encrypted_flow_data: data.toString('base64'), initial_vector: iv.toString('base64') };
  })();
  const shortKey = (() => {
    const request = encryptRequestLikeWhatsApp({ payload: {}, publicKey: throwAway.publicKey });
    const key = crypto.publicEncrypt(
      { key: throwAway.publicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      crypto.randomBytes(32),
    );
    return { ...request.body, encrypted_aes_key: key.toString('base64') };
  })();

  const cases: Array<[string, unknown, crypto.KeyObject, string]> = [
    ['a missing field', { encrypted_aes_key: 'AA==', initial_vector: 'AA==' }, metaKey, 'invalid_body'],
    ['a non-object body', 'hello', metaKey, 'invalid_body'],
    ['bad base64', { ...good.request_body, encrypted_flow_data: '***not base64***' }, metaKey, 'invalid_base64'],
    ['a request encrypted for another key', otherClient.body, metaKey, 'key_unwrap_failed'],
    ['a tampered AES key', { ...good.request_body, encrypted_aes_key: flipByte(good.request_body.encrypted_aes_key, 5) }, metaKey, 'key_unwrap_failed'],
    ['tampered ciphertext', { ...good.request_body, encrypted_flow_data: flipByte(good.request_body.encrypted_flow_data, 3) }, metaKey, 'authentication_failed'],
    ['a tampered tag', { ...good.request_body, encrypted_flow_data: flipByte(good.request_body.encrypted_flow_data, dataLength - 2) }, metaKey, 'authentication_failed'],
    ['a tampered IV', { ...good.request_body, initial_vector: flipByte(good.request_body.initial_vector, 0) }, metaKey, 'authentication_failed'],
    ['a 12-byte IV', { ...good.request_body, initial_vector: Buffer.alloc(12).toString('base64') }, metaKey, 'invalid_iv_length'],
    ['data shorter than a tag', { ...good.request_body, encrypted_flow_data: Buffer.alloc(16).toString('base64') }, metaKey, 'ciphertext_too_short'],
    ['a 32-byte AES key', shortKey, throwAway.privateKey, 'invalid_aes_key_length'],
    ['a plaintext that is not JSON', notJson, throwAway.privateKey, 'invalid_json'],
  ];

  it.each(cases)('%s', async (_name, body, privateKey, reason) => {
    const caught = await decrypt(body, privateKey).catch((error: unknown) => error);

    expect(caught).toBeInstanceOf(FlowDecryptError);
    expect((caught as FlowDecryptError).reason).toBe(reason);
    expect((caught as FlowDecryptError).statusCode).toBe(421);
  });
});

describe('loadPrivateKey', () => {
  const { privateKey } = throwAway;
  const formats: Array<[string, string]> = [
    ['PKCS#1 plain', privateKey.export({ type: 'pkcs1', format: 'pem' }) as string],
    // Meta's keyGenerator.js writes exactly this: PKCS#1 with Proc-Type/DEK-Info, DES-EDE3-CBC.
    ['PKCS#1 encrypted (DES-EDE3-CBC)', privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'des-ede3-cbc', passphrase: 'secret' }) as string],
    ['PKCS#1 encrypted (AES-256-CBC)', privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }) as string],
    ['PKCS#8 plain', privateKey.export({ type: 'pkcs8', format: 'pem' }) as string],
    ['PKCS#8 encrypted', privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }) as string],
  ];

  it.each(formats)('loads %s and decrypts with it', async (_name, pem) => {
    const key = loadPrivateKey({ pem, passphrase: 'secret' });
    const request = encryptRequestLikeWhatsApp({ payload: { ok: true }, publicKey: throwAway.publicKey });

    expect((await decrypt(request.body, key)).payload).toStrictEqual({ ok: true });
  });

  it('accepts a PEM whose line breaks were written as \\n (a .env file)', () => {
    const pem = (privateKey.export({ type: 'pkcs8', format: 'pem' }) as string).trim().replace(/\n/g, '\\n');

    expect(loadPrivateKey({ pem }).asymmetricKeyType).toBe('rsa');
  });

  const encryptedPkcs1 = (formats[1] as [string, string])[1];
  const encryptedPkcs8 = (formats[4] as [string, string])[1];
  const ecKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const failures: Array<[string, { pem: string; passphrase?: string }, RegExp]> = [
    ['wrong passphrase on PKCS#1', { pem: encryptedPkcs1, passphrase: 'wrong' }, /passphrase is wrong/],
    ['wrong passphrase on PKCS#8', { pem: encryptedPkcs8, passphrase: 'wrong' }, /passphrase is wrong/],
    ['missing passphrase on PKCS#1', { pem: encryptedPkcs1 }, /encrypted but no passphrase/],
    ['missing passphrase on PKCS#8', { pem: encryptedPkcs8 }, /encrypted but no passphrase/],
    ['an EC key', { pem: ecKey }, /ec key; WhatsApp Flows need an RSA key/],
    ['a public key', { pem: throwAway.publicKey.export({ type: 'spki', format: 'pem' }) as string }, /holds a PUBLIC key/],
    ['text that is no PEM', { pem: 'my-secret-key' }, /not a PEM/],
    ['a truncated PEM', { pem: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n' }, /could not be read/],
  ];

  it.each(failures)('explains %s', (_name, input, message) => {
    expect(() => loadPrivateKey(input)).toThrow(message);
  });
});

describe('generateFlowsKeyPair', () => {
  it('makes an encrypted 2048-bit private key and an SPKI public key that work together', async () => {
    const { privateKeyPem, publicKeyPem } = generateFlowsKeyPair('s3cret');
    const privateKey = loadPrivateKey({ pem: privateKeyPem, passphrase: 's3cret' });
    const request = encryptRequestLikeWhatsApp({ payload: { action: 'ping' }, publicKey: publicKeyPem });

    expect(privateKeyPem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect(publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect((await decrypt(request.body, privateKey)).payload).toStrictEqual({ action: 'ping' });
    expect(() => loadPrivateKey({ pem: privateKeyPem, passphrase: 'other' })).toThrow(/passphrase is wrong/);
  });

  it('refuses an empty passphrase', () => {
    expect(() => generateFlowsKeyPair('')).toThrow(/passphrase is required/);
  });
});
