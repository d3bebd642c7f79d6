/**
 * Authentication by `x-api-key` and authorisation by role. A key belongs to one business; every
 * route scopes its queries to `auth.businessId`, so another business's ids simply do not exist.
 */
import type { Request } from 'express';
import type { Db } from '../platform/database';
import { hashApiKey, isApiKeyRole, type ApiKeyRole } from './api-key';
import { findApiKeyByHash, touchApiKey } from './api-key-repository';
import { ApiError } from './api-error';

/** Who is calling: the key, its business and its role. */
export interface ApiAuth {
  keyId: string;
  businessId: string;
  role: ApiKeyRole;
}

/** The groups of routes roles are granted on. */
export type RouteFamily = 'appointments' | 'clients' | 'conversations' | 'services' | 'staff' | 'locations' | 'settings' | 'api_keys' | 'docs' | 'calendar' | 'reports';

// Reports only read: the front desk sees how the desk is doing, as in the console.
const FRONT_DESK_FAMILIES: ReadonlySet<RouteFamily> = new Set(['appointments', 'clients', 'conversations', 'reports']);
const MAX_KEY_LENGTH = 200;
// Writing last_used_at on every request would turn each read into a write.
const TOUCH_INTERVAL_MS = 60_000;

/** Resolves the caller from the `x-api-key` header; throws 401 for a missing, unknown or revoked key. */
export async function authenticateRequest(db: Db, req: Request, now: Date): Promise<ApiAuth> {
  const rawKey = req.get('x-api-key');
  if (!rawKey) throw new ApiError(401, 'missing_api_key', 'Send your API key in the x-api-key header. Create one with `npm run cli -- api-key create`.');
  if (rawKey.length > MAX_KEY_LENGTH) throw new ApiError(401, 'invalid_api_key', 'The API key is not valid. Check the x-api-key header.');
  const key = await findApiKeyByHash(db, hashApiKey(rawKey));
  if (!key || !isApiKeyRole(key.role)) throw new ApiError(401, 'invalid_api_key', 'The API key is not valid. Check the x-api-key header.');
  if (key.revokedAt) throw new ApiError(401, 'revoked_api_key', 'This API key was revoked. Ask an admin of the business for a new key.');
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) await touchApiKey(db, key.id, now);
  return { keyId: key.id, businessId: key.businessId, role: key.role };
}

/** True when the role may call a route of the family with the method. */
export function canRoleAccess(params: { role: ApiKeyRole; family: RouteFamily; method: string; isAdminOnly?: boolean }): boolean {
  if (params.role === 'admin') return true;
  if (params.isAdminOnly) return false;
  if (params.role === 'read_only') return params.method.toUpperCase() === 'GET';
  return FRONT_DESK_FAMILIES.has(params.family);
}

/** Throws 403 unless the caller's role may call the route. */
export function ensureRoleAccess(auth: ApiAuth, params: { family: RouteFamily; method: string; isAdminOnly?: boolean }): void {
  if (canRoleAccess({ role: auth.role, ...params })) return;
  throw new ApiError(403, 'forbidden', `A ${auth.role} key may not ${params.method.toUpperCase()} ${params.family.replace('_', ' ')}. Use a key with a role that may.`, {
    role: auth.role,
  });
}
