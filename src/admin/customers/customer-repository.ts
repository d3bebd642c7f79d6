/** Database reads of the console's customer pages. Scoped by business. */
import type { Db } from '../../platform/database';

const LIST_LIMIT = 50;

/** Customers matching a name, phone or WhatsApp username fragment (all when empty), most recently active first. */
export async function searchCustomers(db: Db, params: { businessId: string; search?: string }) {
  const search = params.search?.trim();
  const digits = search?.replace(/[^\d]/g, '');
  return db.customer.findMany({
    where: {
      businessId: params.businessId,
      ...(search
        ? {
            OR: [
              { name: { contains: search, mode: 'insensitive' as const } },
              ...(search.replace(/^@/, '') ? [{ username: { contains: search.replace(/^@/, ''), mode: 'insensitive' as const } }] : []),
              ...(digits ? [{ phoneE164: { contains: digits } }, { waId: { contains: digits } }] : []),
            ],
          }
        : {}),
    },
    select: { id: true, name: true, phoneE164: true, waId: true, username: true, locale: true, isOptedOut: true, lastInboundAt: true },
    orderBy: [{ updatedAt: 'desc' }, { id: 'asc' }],
    take: LIST_LIMIT,
  });
}

/** One customer with their bookings (newest first) and conversation. */
export async function findCustomerDetail(db: Db, params: { businessId: string; customerId: string }) {
  return db.customer.findFirst({
    where: { id: params.customerId, businessId: params.businessId },
    select: {
      id: true,
      name: true,
      phoneE164: true,
      waId: true,
      username: true,
      locale: true,
      isOptedOut: true,
      optedOutAt: true,
      lastInboundAt: true,
      createdAt: true,
      conversation: { select: { id: true, isHandoff: true } },
      bookings: {
        select: { uid: true, status: true, startsAt: true, service: { select: { name: true } }, staff: { select: { name: true } } },
        orderBy: { startsAt: 'desc' },
        take: 50,
      },
    },
  });
}

/** A customer of the detail page. */
export type CustomerDetail = NonNullable<Awaited<ReturnType<typeof findCustomerDetail>>>;
/** A row of the customer list. */
export type CustomerListRow = Awaited<ReturnType<typeof searchCustomers>>[number];
