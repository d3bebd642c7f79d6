/**
 * The send rate of a business phone number (Meta's default throughput is 80 messages/s; more
 * gets error 130429). The WhatsApp sender's send gate (src/whatsapp/send-gate.ts) enforces it
 * right before every Graph API call, for every worker process on the database.
 */
import type { Db } from '../platform/database';

/** Sets the send rate of a phone number (1–1000 messages per second). */
export async function setSendRate(db: Db, params: { phoneNumberId: string; perSecond: number }): Promise<void> {
  if (!Number.isInteger(params.perSecond) || params.perSecond < 1 || params.perSecond > 1000) {
    throw new RangeError(`send rate must be a whole number of messages per second between 1 and 1000, got ${params.perSecond}`);
  }
  await db.whatsAppNumber.update({ where: { phoneNumberId: params.phoneNumberId }, data: { sendRatePerSecond: params.perSecond } });
}
