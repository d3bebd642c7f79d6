/**
 * Secrets at rest (src/platform/secret-box.ts): AES-256-GCM in the `v1:<iv>:<tag>:<ciphertext>`
 * form, tamper and wrong-key detection, and DATA_ENCRYPTION_KEY validation in the config.
 * (Kept under test/api: the API is what stores these secrets.)
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/platform';
import { isSealedSecret, openSecret, parseEncryptionKey, sealSecret } from '../../src/platform/secret-box';

const KEY = Buffer.alloc(32, 7);

describe('sealSecret / openSecret', () => {
  it('round-trips and never contains the secret in clear', () => {
    const secret = 'EAAG-secret-token-ÄÖÜ-0123456789';
    const sealed = sealSecret(KEY, secret);
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/=]{16}:[A-Za-z0-9+/=]{24}:[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain('secret-token');
    expect(isSealedSecret(sealed)).toBe(true);
    expect(openSecret(KEY, sealed)).toBe(secret);
  });

  it('uses a fresh IV each time', () => {
    expect(sealSecret(KEY, 'same')).not.toBe(sealSecret(KEY, 'same'));
  });

  it.each([
    ['a flipped ciphertext byte', (sealed: string) => sealed.replace(/:([A-Za-z0-9+/])([^:]*)$/, (_m, first: string, rest: string) => `:${first === 'A' ? 'B' : 'A'}${rest}`)],
    ['another tag', (sealed: string) => sealed.split(':').map((part, i) => (i === 2 ? Buffer.alloc(16).toString('base64') : part)).join(':')],
  ])('refuses %s', (_name, tamper) => {
    expect(() => openSecret(KEY, tamper(sealSecret(KEY, 'token-value')))).toThrow(/altered|DATA_ENCRYPTION_KEY/);
  });

  it('refuses another key with a message naming DATA_ENCRYPTION_KEY', () => {
    expect(() => openSecret(Buffer.alloc(32, 8), sealSecret(KEY, 'x'))).toThrow(/DATA_ENCRYPTION_KEY/);
  });

  it.each(['plain-token', 'v2:a:b:c', 'v1:only:three'])('refuses %s as not sealed', (value) => {
    expect(isSealedSecret(value)).toBe(false);
    expect(() => openSecret(KEY, value)).toThrow();
  });
});

describe('parseEncryptionKey', () => {
  const raw = randomBytes(32);
  it.each([
    ['hex', raw.toString('hex'), true],
    ['base64', raw.toString('base64'), true],
    ['base64url', raw.toString('base64url'), true],
    ['16 bytes', randomBytes(16).toString('base64'), false],
    ['a passphrase', 'correct horse battery staple', false],
    ['63 hex characters', raw.toString('hex').slice(1), false],
  ])('%s → %s', (_name, text, isValid) => {
    const parsed = parseEncryptionKey(text);
    expect(parsed.ok).toBe(isValid);
    if (parsed.ok) expect(parsed.key.equals(raw)).toBe(true);
  });
});

describe('DATA_ENCRYPTION_KEY in the config', () => {
  it('is optional', () => {
    expect(loadConfig({}).dataEncryptionKey).toBeUndefined();
  });

  it('is read as 32 bytes', () => {
    expect(loadConfig({ DATA_ENCRYPTION_KEY: KEY.toString('hex') }).dataEncryptionKey?.equals(KEY)).toBe(true);
  });

  it('refuses a bad key with a message saying how to make one', () => {
    expect(() => loadConfig({ DATA_ENCRYPTION_KEY: 'too-short' })).toThrow(/DATA_ENCRYPTION_KEY: must be 32 random bytes.*randomBytes\(32\)/s);
  });
});
