/**
 * The WhatsApp side of the endpoint protocol against a loopback endpoint that answers each status
 * code: 200 decrypted with the request's key, 421 retried once with a fresh key, 427 closes the Flow
 * with its decrypted error_msg, 432 and 500 are WhatsApp's generic error; the body is signed.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { signBody } from '../../whatsapp';
import { decryptRequest, encryptResponse, loadPrivateKey } from '../crypto';
import { createEndpointTransport, GENERIC_FLOW_ERROR } from '.';

const FIXTURES = path.join(__dirname, '../../../test/fixtures/flows');
const privateKey = loadPrivateKey({ pem: fs.readFileSync(path.join(FIXTURES, 'test-private.pem'), 'utf8'), passphrase: 'oracle-test' });
const publicKey = crypto.createPublicKey(privateKey);
const unwrapKey = async (wrapped: Buffer) => crypto.privateDecrypt({ key: privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, wrapped);

describe('endpoint transport (the WhatsApp client side)', () => {
  let server: http.Server;
  let url: string;
  /** Status codes to answer, in order (then 200). */
  let script: number[] = [];
  const seen: Array<{ signature: string | undefined; body: string; aesKey: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const decrypted = await decryptRequest({ body: JSON.parse(body), unwrapKey });
        seen.push({ signature: req.headers['x-hub-signature-256'] as string | undefined, body, aesKey: decrypted.aesKey.toString('hex') });
        const status = script.shift() ?? 200;
        const answer = status === 427 ? { error_msg: 'This form has expired.' } : { screen: 'A', data: { echo: (decrypted.payload as { action: string }).action } };
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 || status === 427 ? encryptResponse({ response: answer, aesKey: decrypted.aesKey, iv: decrypted.iv }) : '{"error":"x"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/flows/endpoint`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  const transport = () => createEndpointTransport({ url, publicKey, appSecret: 'the-app-secret' });
  const request = { version: '3.0', action: 'INIT' as const, flow_token: 'tok' };

  it('200: the answer decrypted; the body signed with X-Hub-Signature-256', async () => {
    script = [200];
    expect(await transport()(request)).toStrictEqual({ kind: 'answer', body: { screen: 'A', data: { echo: 'INIT' } } });
    expect(seen[0]!.signature).toBe(signBody('the-app-secret', seen[0]!.body));
  });

  it('421: encrypted again with a fresh AES key and resent once', async () => {
    // fetch itself (WHATWG Fetch) resends a 421 once on a new connection with the same body;
    // the transport then encrypts afresh, as WhatsApp does after re-fetching the public key.
    script = [421, 421, 200];
    expect(await transport()(request)).toMatchObject({ kind: 'answer' });
    expect(seen).toHaveLength(3);
    expect(seen[1]!.body).toBe(seen[0]!.body);
    expect(seen[2]!.aesKey).not.toBe(seen[0]!.aesKey);
    script = [421, 421, 421, 421];
    expect(await transport()(request)).toStrictEqual({ kind: 'failed', message: GENERIC_FLOW_ERROR });
  });

  it.each([
    [427, { kind: 'closed', message: 'This form has expired.' }],
    [432, { kind: 'failed', message: GENERIC_FLOW_ERROR }],
    [500, { kind: 'failed', message: GENERIC_FLOW_ERROR }],
  ])('%i', async (status, expected) => {
    script = [status];
    expect(await transport()(request)).toStrictEqual(expected);
    expect(seen).toHaveLength(1);
  });

  it('no app secret: no signature header', async () => {
    script = [200];
    await createEndpointTransport({ url, publicKey })(request);
    expect(seen[0]!.signature).toBeUndefined();
  });
});
