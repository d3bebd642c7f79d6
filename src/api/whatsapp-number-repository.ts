/** Database access of /v1/whatsapp-numbers, and the per-number access token for the sender. */
import type { Db, Prisma } from '../platform/database';
import { openSecret } from '../platform/secret-box';
import { SendConfigurationError } from '../whatsapp';

const NUMBER_SELECT = {
  id: true,
  phoneNumberId: true,
  displayPhone: true,
  accessTokenEncrypted: true,
  sendRatePerSecond: true,
  lastSuccessfulSendAt: true,
  lastErrorCode: true,
  lastErrorMessage: true,
  lastErrorAt: true,
  lastErrorCount: true,
  createdAt: true,
} satisfies Prisma.WhatsAppNumberSelect;

/** A number row (the sealed token only tells whether there is one). */
export type WhatsAppNumberRow = Prisma.WhatsAppNumberGetPayload<{ select: typeof NUMBER_SELECT }>;

/** The business's numbers, oldest first (the first one sends API replies). */
export async function listWhatsAppNumbers(db: Db, businessId: string): Promise<WhatsAppNumberRow[]> {
  return db.whatsAppNumber.findMany({ where: { businessId }, select: NUMBER_SELECT, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

/** Finds a number of the business by id. */
export async function findWhatsAppNumber(db: Db, businessId: string, id: string): Promise<WhatsAppNumberRow | null> {
  return db.whatsAppNumber.findFirst({ where: { id, businessId }, select: NUMBER_SELECT });
}

/** Whether any business already has this phone_number_id (webhooks are routed by it, so it is global). */
export async function isPhoneNumberIdTaken(db: Db, phoneNumberId: string): Promise<boolean> {
  return (await db.whatsAppNumber.count({ where: { phoneNumberId } })) > 0;
}

/** Inserts a number. */
export async function insertWhatsAppNumber(db: Db, data: Prisma.WhatsAppNumberUncheckedCreateInput): Promise<WhatsAppNumberRow> {
  return db.whatsAppNumber.create({ data, select: NUMBER_SELECT });
}

/** Updates a number. */
export async function updateWhatsAppNumber(db: Db, id: string, data: Prisma.WhatsAppNumberUncheckedUpdateInput): Promise<WhatsAppNumberRow> {
  return db.whatsAppNumber.update({ where: { id }, data, select: NUMBER_SELECT });
}

/** Deletes a number of the business; false when absent. */
export async function deleteWhatsAppNumber(db: Db, businessId: string, id: string): Promise<boolean> {
  const { count } = await db.whatsAppNumber.deleteMany({ where: { id, businessId } });
  return count > 0;
}

/**
 * The number's own Graph API token, decrypted; undefined when the number has none (use
 * WHATSAPP_ACCESS_TOKEN). Throws when a token is stored but cannot be read (no or wrong
 * DATA_ENCRYPTION_KEY): silently falling back to the global token would send as another account.
 */
export async function findAccessTokenForNumber(db: Db, phoneNumberId: string, key: Buffer | undefined): Promise<string | undefined> {
  const row = await db.whatsAppNumber.findUnique({ where: { phoneNumberId }, select: { accessTokenEncrypted: true } });
  if (!row?.accessTokenEncrypted) return undefined;
  if (!key) {
    throw new SendConfigurationError(
      'access_token_unreadable',
      `WhatsApp number ${phoneNumberId} has its own access token, but DATA_ENCRYPTION_KEY is not set: set it to the key the token was saved with.`,
    );
  }
  try {
    return openSecret(key, row.accessTokenEncrypted);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SendConfigurationError(
      'access_token_unreadable',
      `WhatsApp number ${phoneNumberId} has its own access token, but it cannot be read (${reason}): set DATA_ENCRYPTION_KEY to the key it was saved with, or save the token again.`,
    );
  }
}
