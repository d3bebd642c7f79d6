/** Database access of /v1/clients (the business's customers). */
import type { Db, Prisma } from '../platform/database';

const CLIENT_SELECT = {
  id: true,
  name: true,
  phoneE164: true,
  waId: true,
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
    ...(params.search
      ? { OR: [{ name: { contains: params.search, mode: 'insensitive' } }, ...(digits.length >= 3 ? [{ waId: { contains: digits } }] : [])] }
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
  return db.customer.findFirst({ where: { id: clientId, businessId }, select: CLIENT_SELECT });
}

/** Finds a client by WhatsApp id. */
export async function findClientByWaId(db: Db, businessId: string, waId: string): Promise<ClientRow | null> {
  return db.customer.findUnique({ where: { businessId_waId: { businessId, waId } }, select: CLIENT_SELECT });
}

/** Inserts a client. */
export async function insertClient(db: Db, data: Prisma.CustomerUncheckedCreateInput): Promise<ClientRow> {
  return db.customer.create({ data, select: CLIENT_SELECT });
}

/** Updates a client. */
export async function updateClient(db: Db, clientId: string, data: Prisma.CustomerUncheckedUpdateInput): Promise<ClientRow> {
  return db.customer.update({ where: { id: clientId }, data, select: CLIENT_SELECT });
}
