/**
 * What the simulator reads from the database: the business it plays a customer of (name and
 * WhatsApp number) and the messages the server "sent" to the simulated customer (outbox rows,
 * read receipts included: they turn the customer's ticks blue). Every query is scoped to the business.
 */
import type { PrismaClient } from '../../platform/database';

/** The business a simulated customer writes to. */
export interface SimulatedBusiness {
  id: string;
  name: string;
  phoneNumberId: string;
  displayPhone: string;
}

/** One message the server queued for the simulated customer. */
export interface SimulatorOutboxRow {
  sequence: bigint;
  kind: string;
  status: string;
  providerMessageId: string | null;
  payload: unknown;
  createdAt: Date;
}

/** The business with this id (or the oldest one, sandbox mode's demo business) and its first WhatsApp number; null if it has none. */
export async function findSimulatedBusiness(prisma: PrismaClient, businessId?: string): Promise<SimulatedBusiness | null> {
  const business = await prisma.business.findFirst({
    where: businessId ? { id: businessId } : {},
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true, name: true },
  });
  if (!business) return null;
  const number = await prisma.whatsAppNumber.findFirst({ where: { businessId: business.id }, orderBy: { createdAt: 'asc' }, select: { phoneNumberId: true, displayPhone: true } });
  if (!number) return null;
  return { id: business.id, name: business.name, phoneNumberId: number.phoneNumberId, displayPhone: number.displayPhone ?? number.phoneNumberId };
}

/** The business's outbound messages to one recipient, oldest first (at most the newest 200). */
export async function listMessagesTo(prisma: PrismaClient, params: { businessId: string; recipient: string }): Promise<SimulatorOutboxRow[]> {
  const rows = await prisma.outboxMessage.findMany({
    where: { businessId: params.businessId, recipient: params.recipient },
    orderBy: { sequence: 'desc' },
    take: 200,
    select: { sequence: true, kind: true, status: true, providerMessageId: true, payload: true, createdAt: true },
  });
  return rows.reverse();
}
