/**
 * API keys: random, shown once, stored only as their SHA-256. A hash lookup needs no
 * constant-time compare: the attacker never gets to compare against a stored secret.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Roles a key can have, from most to least powerful. */
export const API_KEY_ROLES = ['admin', 'front_desk', 'read_only'] as const;

/** A key's role: admin (everything), front_desk (appointments, clients, conversations), read_only (GET only). */
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

const KEY_PREFIX_LENGTH = 12;

/** A new raw key: `tbk_` + 32 random bytes in base64url (256 bits). */
export function generateApiKey(): string {
  return `tbk_${randomBytes(32).toString('base64url')}`;
}

/** The SHA-256 hex digest stored for a raw key. */
export function hashApiKey(rawKey: string): string {
  return createHash('sha256').update(rawKey, 'utf8').digest('hex');
}

/** The first characters of a key, to recognise it in lists without being able to use it. */
export function toKeyPrefix(rawKey: string): string {
  return rawKey.slice(0, KEY_PREFIX_LENGTH);
}

/** True when the value is one of the known roles. */
export function isApiKeyRole(value: string): value is ApiKeyRole {
  return (API_KEY_ROLES as readonly string[]).includes(value);
}
