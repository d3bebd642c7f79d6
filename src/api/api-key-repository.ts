/** Database access for API keys and the businesses the CLI creates. */
import type { Db, PrismaClient } from '../platform/database';
import { generateApiKey, hashApiKey, toKeyPrefix, type ApiKeyRole } from './api-key';

/** The key row the authentication step needs. */
export interface StoredApiKey {
  id: string;
  businessId: string;
  role: string;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** Creates a key for a business; returns the raw key (shown once) and its row id. */
export async function createApiKey(
  db: Db,
  params: { businessId: string; role: ApiKeyRole; name?: string; rawKey?: string },
): Promise<{ id: string; key: string; keyPrefix: string }> {
  const key = params.rawKey ?? generateApiKey();
  const row = await db.apiKey.create({
    data: {
      businessId: params.businessId,
      role: params.role,
      name: params.name ?? `${params.role} key`,
      keyHash: hashApiKey(key),
      keyPrefix: toKeyPrefix(key),
    },
    select: { id: true, keyPrefix: true },
  });
  return { id: row.id, key, keyPrefix: row.keyPrefix };
}

/** The business's keys, oldest first (never the key itself: only its hash is stored). */
export async function listApiKeys(db: Db, businessId: string) {
  return db.apiKey.findMany({
    where: { businessId },
    select: { id: true, name: true, role: true, keyPrefix: true, lastUsedAt: true, revokedAt: true, createdAt: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
}

/** Finds a key by the hash of the presented raw key (revoked keys included, so the caller can say so). */
export async function findApiKeyByHash(db: Db, keyHash: string): Promise<StoredApiKey | null> {
  return db.apiKey.findUnique({
    where: { keyHash },
    select: { id: true, businessId: true, role: true, revokedAt: true, lastUsedAt: true },
  });
}

/** Records when a key was last used. */
export async function touchApiKey(db: Db, keyId: string, at: Date): Promise<void> {
  await db.apiKey.update({ where: { id: keyId }, data: { lastUsedAt: at } });
}

/** Marks a key revoked; it then answers 401. */
export async function revokeApiKey(db: Db, params: { businessId: string; keyId: string; at: Date }): Promise<boolean> {
  const { count } = await db.apiKey.updateMany({
    where: { id: params.keyId, businessId: params.businessId, revokedAt: null },
    data: { revokedAt: params.at },
  });
  return count > 0;
}

/**
 * Stores ADMIN_API_KEY (hashed) as an admin key of the given business unless that key is already
 * known. Returns true when it was added. The raw key is never stored or logged.
 */
export async function ensureBootstrapAdminKey(prisma: PrismaClient, params: { businessId: string; rawKey: string }): Promise<boolean> {
  const keyHash = hashApiKey(params.rawKey);
  const { count } = await prisma.apiKey.createMany({
    data: [
      {
        businessId: params.businessId,
        role: 'admin',
        name: 'ADMIN_API_KEY (bootstrap)',
        keyHash,
        keyPrefix: toKeyPrefix(params.rawKey),
      },
    ],
    skipDuplicates: true,
  });
  return count > 0;
}

/** Creates a business with its time zone; the booking settings take their defaults. */
export async function createBusiness(db: Db, params: { name: string; timeZone: string; currency?: string; defaultLocale?: string }): Promise<{ id: string }> {
  return db.business.create({
    data: {
      name: params.name,
      timeZone: params.timeZone,
      ...(params.currency ? { currency: params.currency } : {}),
      ...(params.defaultLocale ? { defaultLocale: params.defaultLocale } : {}),
    },
    select: { id: true },
  });
}

/** The default business: the first one created (the demo business on a fresh install). */
export async function findDefaultBusinessId(db: Db): Promise<string | null> {
  const business = await db.business.findFirst({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true } });
  return business?.id ?? null;
}

/** Whether a business exists. */
export async function businessExists(db: Db, businessId: string): Promise<boolean> {
  return (await db.business.count({ where: { id: businessId } })) > 0;
}
