/** What routes that store secrets or call out to URLs are given, and their shared refusals. */
import { checkOutboundUrl, type HostResolver } from '../platform/safe-fetch';
import { ApiError } from './api-error';

/** DATA_ENCRYPTION_KEY and the URL policy, handed to the routes that need them. */
export interface SecretSettings {
  encryptionKey: Buffer | undefined;
  allowsLoopbackUrls: boolean;
  resolveHost: HostResolver | undefined;
}

/** The key, or a 409 telling the operator to set DATA_ENCRYPTION_KEY (a secret is never stored in clear). */
export function requireEncryptionKey(settings: Pick<SecretSettings, 'encryptionKey'>, what: string): Buffer {
  if (settings.encryptionKey) return settings.encryptionKey;
  throw new ApiError(
    409,
    'encryption_key_missing',
    `The server cannot store ${what} because DATA_ENCRYPTION_KEY is not set (secrets are never stored in clear). ` +
      `The operator must set DATA_ENCRYPTION_KEY to 32 random bytes in base64 or hex (node -e "console.log(require('crypto').randomBytes(32).toString('base64'))") and restart.`,
  );
}

/** The URL if the server may call it, or a 422 naming the field and why (https, public address, a name that resolves). */
export async function requirePublicUrl(settings: SecretSettings, raw: string, field: string): Promise<URL> {
  const check = await checkOutboundUrl(raw, { allowsLoopback: settings.allowsLoopbackUrls, ...(settings.resolveHost ? { resolveHost: settings.resolveHost } : {}) });
  if (check.ok) return check.url;
  throw new ApiError(422, 'unsafe_url', `${field} ${check.reason}. The server only calls public https:// addresses.`, [{ in: 'body', field, message: check.reason }]);
}
