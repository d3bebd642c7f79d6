/** Database access of /v1/clients (the business's customers). */
import { Prisma, type Db } from '../platform/database';
import { removeJobInTransaction } from '../jobs';
import { reminderJobKey } from '../reminders';
import { ACTIVE_BOOKING_STATUSES } from '../../machines/booking.machine';

/**
 * WhatsApp id of the one placeholder client per business that the bookings of deleted clients
 * point to. The "~" can never appear in a WhatsApp id, so no sender is ever matched to it.
 */
export const DELETED_CLIENT_WA_ID = '~deleted-client';
/** Name the placeholder shows in appointments. */
export const DELETED_CLIENT_NAME = 'Deleted client';

const CLIENT_SELECT = {
  id: true,
  name: true,
  phoneE164: true,
  waId: true,
  userId: true,
  username: true,
  locale: true,
  timeZone: true,
  isOptedOut: true,
  lastInboundAt: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.CustomerSelect;

/** A client row. */
export type ClientRow = Prisma.CustomerGetPayload<{ select: typeof CLIENT_SELECT }>;

/** One page of clients by name, optionally filtered by a name or phone fragment. */
export async function listClients(db: Db, params: { businessId: string; search?: string; skip: number; take: number }) {
  const digits = params.search?.replace(/\D/g, '') ?? '';
  const where: Prisma.CustomerWhereInput = {
    businessId: params.businessId,
    waId: { not: DELETED_CLIENT_WA_ID },
    ...(params.search
      ? {
          OR: [
            { name: { contains: params.search, mode: 'insensitive' } },
            { username: { contains: params.search, mode: 'insensitive' } },
            { userId: params.search },
            { parentUserId: params.search },
            ...(digits.length >= 3 ? [{ waId: { contains: digits } }] : []),
          ],
        }
      : {}),
  };
  const [rows, total] = await Promise.all([
    db.customer.findMany({ where, select: CLIENT_SELECT, orderBy: [{ name: 'asc' }, { id: 'asc' }], skip: params.skip, take: params.take }),
    db.customer.count({ where }),
  ]);
  return { rows, total };
}

/** Finds a client of the business. */
export async function findClient(db: Db, businessId: string, clientId: string): Promise<ClientRow | null> {
  return db.customer.findFirst({ where: { id: clientId, businessId, waId: { not: DELETED_CLIENT_WA_ID } }, select: CLIENT_SELECT });
}

/** Finds a client by WhatsApp id. */
export async function findClientByWaId(db: Db, businessId: string, waId: string): Promise<ClientRow | null> {
  return db.customer.findUnique({ where: { businessId_waId: { businessId, waId } }, select: CLIENT_SELECT });
}

/** Finds a client by business-scoped user id, whether it is their address or linked to their phone. */
export async function findClientByUserId(db: Db, businessId: string, userId: string): Promise<ClientRow | null> {
  return db.customer.findFirst({ where: { businessId, OR: [{ waId: userId }, { userId }] }, select: CLIENT_SELECT, orderBy: { createdAt: 'asc' } });
}

/** Inserts a client. */
export async function insertClient(db: Db, data: Prisma.CustomerUncheckedCreateInput): Promise<ClientRow> {
  return db.customer.create({ data, select: CLIENT_SELECT });
}

/** Updates a client. */
export async function updateClient(db: Db, clientId: string, data: Prisma.CustomerUncheckedUpdateInput): Promise<ClientRow> {
  return db.customer.update({ where: { id: clientId }, data, select: CLIENT_SELECT });
}

/** Locks the client row until the transaction ends (a booking being created for them waits, then fails). */
export async function lockClient(tx: Prisma.TransactionClient, clientId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM customers WHERE id = ${clientId}::uuid FOR UPDATE`;
}

/** How many active bookings of the client have not ended yet. */
export async function countUpcomingActiveBookings(db: Db, params: { businessId: string; clientId: string; now: Date }): Promise<number> {
  return db.booking.count({ where: { businessId: params.businessId, customerId: params.clientId, status: { in: [...ACTIVE_BOOKING_STATUSES] }, endsAt: { gt: params.now } } });
}

/**
 * Erases a client: their conversation, inbox and outbox messages, holds and Flow sessions go;
 * their past bookings stay for the business's records, moved to the business's "Deleted client"
 * placeholder with free text (notes, metadata, reasons) removed, also from the audit trail;
 * reminders still planned for them are cancelled with their jobs. Returns the bookings kept.
 */
export async function eraseClient(tx: Prisma.TransactionClient, params: { businessId: string; clientId: string; waId: string }): Promise<number> {
  const { businessId, clientId } = params;
  const bookings = await tx.booking.findMany({ where: { businessId, customerId: clientId }, select: { id: true } });
  const bookingIds = bookings.map((booking) => booking.id);
  if (bookingIds.length > 0) {
    const placeholder = await tx.customer.upsert({
      where: { businessId_waId: { businessId, waId: DELETED_CLIENT_WA_ID } },
      create: { businessId, waId: DELETED_CLIENT_WA_ID, name: DELETED_CLIENT_NAME, isOptedOut: true },
      update: {},
      select: { id: true },
    });
    const pending = await tx.reminder.findMany({ where: { businessId, bookingId: { in: bookingIds }, status: 'pending' }, select: { id: true } });
    for (const reminder of pending) await removeJobInTransaction(tx, reminderJobKey(reminder.id));
    await tx.reminder.updateMany({ where: { id: { in: pending.map((reminder) => reminder.id) } }, data: { status: 'cancelled', reason: 'client_deleted' } });
    await tx.booking.updateMany({
      where: { id: { in: bookingIds } },
      data: {
        customerId: placeholder.id,
        notes: null,
        metadata: Prisma.DbNull,
        cancellationReason: null,
        rescheduleReason: null,
        // The idempotency key may embed the sender id, and the calendar link was the client's.
        idempotencyKey: null,
        icsToken: null,
      },
    });
    await tx.$executeRaw`
      UPDATE booking_logs SET
        before = CASE WHEN jsonb_typeof(before) = 'object' THEN before - 'notes' - 'metadata' - 'cancellationReason' - 'rescheduleReason' ELSE before END,
        after = CASE WHEN jsonb_typeof(after) = 'object' THEN after - 'notes' - 'metadata' - 'cancellationReason' - 'rescheduleReason' ELSE after END
      WHERE business_id = ${businessId}::uuid AND booking_id = ANY(${bookingIds}::uuid[])`;
  }
  await tx.outboxMessage.deleteMany({ where: { businessId, OR: [{ customerId: clientId }, { recipient: params.waId }] } });
  await tx.customer.delete({ where: { id: clientId } });
  return bookingIds.length;
}
