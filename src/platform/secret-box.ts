/**
 * Secrets at rest (per-number access tokens, secret calendar addresses): AES-256-GCM with the
 * key from DATA_ENCRYPTION_KEY, stored as `v1:<iv b64>:<tag b64>:<ciphertext b64>`. GCM's tag
 * makes a tampered value or a wrong key fail loudly instead of decrypting to garbage.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
// 96-bit IVs are GCM's native size; a fresh random one per value keeps (key, IV) pairs unique.
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A 32-byte key, or why the text is not one. */
export type EncryptionKeyParse = { ok: true; key: Buffer } | { ok: false; message: string };

/**
 * Reads DATA_ENCRYPTION_KEY: 64 hex characters or base64 of exactly 32 bytes.
 * @example parseEncryptionKey(randomBytes(32).toString('base64'))
 */
export function parseEncryptionKey(text: string): EncryptionKeyParse {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return { ok: true, key: Buffer.from(trimmed, 'hex') };
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === KEY_BYTES) return { ok: true, key };
  }
  return {
    ok: false,
    message: `must be ${KEY_BYTES} random bytes as 64 hex characters or base64; generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"`,
  };
}

/** Encrypts a secret into the stored `v1:` form. */
export function sealSecret(key: Buffer, plaintext: string): string {
  ensureKeyLength(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
}

/** Decrypts a value made by sealSecret; throws when it was altered or sealed with another key. */
export function openSecret(key: Buffer, sealed: string): string {
  ensureKeyLength(key);
  const parts = sealed.split(':');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new Error('not a sealed secret (expected v1:<iv>:<tag>:<ciphertext>)');
  const [, ivText, tagText, ciphertextText] = parts as [string, string, string, string];
  const iv = Buffer.from(ivText, 'base64');
  const tag = Buffer.from(tagText, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('sealed secret has a malformed IV or tag');
  const decipher = createDecipheriv(ALGORITHM, key, iv);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('sealed secret cannot be decrypted: it was altered, or DATA_ENCRYPTION_KEY is not the key it was sealed with');
  }
}

/** True when a stored value has the sealed form (it is never a secret in clear). */
export function isSealedSecret(value: string): boolean {
  return /^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*$/.test(value);
}

function ensureKeyLength(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new RangeError(`the encryption key must be ${KEY_BYTES} bytes, got ${key.length}`);
}
