import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeNonAscii, signBody, verifySignature } from './signature';

interface Vector {
  name: string;
  app_secret: string;
  raw_body_utf8: string;
  x_hub_signature_256: string;
  hmac_over_plain_utf8_bytes?: string;
  expect: string;
}

const { vectors } = JSON.parse(readFileSync(join(__dirname, '../../test/fixtures/webhooks/signature-vectors.json'), 'utf8')) as { vectors: Vector[] };

describe('verifySignature with the stored vectors', () => {
  it.each(vectors.map((v) => [v.name, v] as const))('%s', (_name, vector) => {
    const isValid = verifySignature({ appSecret: vector.app_secret, rawBody: Buffer.from(vector.raw_body_utf8, 'utf8'), header: vector.x_hub_signature_256 });
    // The escaped-unicode vector is valid because we also try Meta's documented escaped form.
    expect(isValid).toBe(vector.expect !== 'invalid');
  });

  it('has the three vectors the test relies on', () => {
    expect(vectors.map((v) => v.expect)).toStrictEqual(['valid', 'invalid', expect.stringContaining('valid only if')]);
  });

  it('accepts the plain UTF-8 HMAC of the unicode body too (raw bytes are what we received)', () => {
    const vector = vectors.find((v) => v.hmac_over_plain_utf8_bytes);
    expect(vector).toBeDefined();
    const rawBody = Buffer.from(vector?.raw_body_utf8 ?? '', 'utf8');
    expect(verifySignature({ appSecret: vector?.app_secret ?? '', rawBody, header: vector?.hmac_over_plain_utf8_bytes })).toBe(true);
    expect(signBody(vector?.app_secret ?? '', rawBody)).toBe(vector?.hmac_over_plain_utf8_bytes);
  });

  it('rejects the unicode vector under another secret', () => {
    const vector = vectors[2];
    expect(verifySignature({ appSecret: 'other', rawBody: Buffer.from(vector?.raw_body_utf8 ?? ''), header: vector?.x_hub_signature_256 })).toBe(false);
  });
});

describe('verifySignature', () => {
  const appSecret = 'test_app_secret';
  const rawBody = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
  const header = 'sha256=dec6a680679a968e7e0319355b23599cbfc54502c0784668e9618baa0c633756';

  it('matches the WHATSAPP.md vector', () => {
    expect(signBody(appSecret, rawBody)).toBe(header);
    expect(verifySignature({ appSecret, rawBody, header })).toBe(true);
  });

  it('accepts either secret while the app secret is being rotated', () => {
    expect(verifySignature({ appSecret: ['new_secret', appSecret], rawBody, header })).toBe(true);
    expect(verifySignature({ appSecret: ['new_secret', 'older'], rawBody, header })).toBe(false);
  });

  it('accepts upper-case hex', () => {
    expect(verifySignature({ appSecret, rawBody, header: `sha256=${header.slice(7).toUpperCase()}` })).toBe(true);
  });

  it.each([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['no sha256= prefix', header.slice(7)],
    ['a sha1 header', `sha1=${header.slice(7)}`],
    ['a short digest', header.slice(0, -2)],
    ['a long digest', `${header}00`],
    ['non-hex characters', `${header.slice(0, -1)}g`],
    ['a one-bit different digest', `${header.slice(0, -1)}7`],
  ])('rejects %s without throwing', (_name, badHeader) => {
    expect(verifySignature({ appSecret, rawBody, header: badHeader })).toBe(false);
  });

  it('rejects a body re-serialised with different whitespace', () => {
    expect(verifySignature({ appSecret, rawBody: Buffer.from('{"object": "whatsapp_business_account", "entry": []}'), header })).toBe(false);
  });

  it('accepts the escaped form of a body whose only non-ASCII byte is DEL (0x7f), as of any other character', () => {
    const body = Buffer.from('{"text":"a\u007fb"}', 'utf8');
    const escapedSignature = signBody(appSecret, Buffer.from('{"text":"a\\u007fb"}', 'utf8'));
    expect(verifySignature({ appSecret, rawBody: body, header: escapedSignature })).toBe(true);
    expect(verifySignature({ appSecret, rawBody, header: escapedSignature })).toBe(false);
  });

  it('rejects everything with an empty secret', () => {
    expect(verifySignature({ appSecret: '', rawBody, header: signBody('', rawBody) })).toBe(false);
  });
});

describe('escapeNonAscii', () => {
  it('escapes as Meta documents (lowercase hex, UTF-16 units)', () => {
    expect(escapeNonAscii('äöå 💇 a/b')).toBe('\\u00e4\\u00f6\\u00e5 \\ud83d\\udc87 a/b');
  });
});
