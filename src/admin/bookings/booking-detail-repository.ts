/** Database reads and writes of the console's booking panel. Every query is scoped to the user's business. */
import type { Db } from '../../platform/database';

/** A booking with everything its panel shows. */
export async function findBookingDetail(db: Db, params: { businessId: string; uid: string }) {
  return db.booking.findFirst({
    where: { businessId: params.businessId, uid: params.uid },
    select: {
      id: true,
      uid: true,
      status: true,
      source: true,
      startsAt: true,
      endsAt: true,
      price: true,
      currency: true,
      notes: true,
      rating: true,
      cancellationReason: true,
      serviceId: true,
      staffId: true,
      customer: { select: { id: true, name: true, phoneE164: true, waId: true, username: true, lastInboundAt: true } },
      service: { select: { name: true } },
      addOns: { select: { durationMinutes: true, price: true, service: { select: { name: true } } }, orderBy: { position: 'asc' } },
      staff: { select: { name: true } },
      reminders: { select: { kind: true, sequence: true, status: true, dueAt: true, sentAt: true }, orderBy: { dueAt: 'asc' } },
      logs: { select: { actor: true, action: true, createdAt: true }, orderBy: { createdAt: 'asc' } },
    },
  });
}

/** The panel's booking. */
export type BookingDetail = NonNullable<Awaited<ReturnType<typeof findBookingDetail>>>;

/** Active services and staff of the business (the new-booking form). */
export async function findBookingChoices(db: Db, businessId: string) {
  const [services, staff] = await Promise.all([
    db.service.findMany({ where: { businessId, isActive: true }, select: { id: true, name: true, durationMinutes: true }, orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }] }),
    db.staff.findMany({ where: { businessId, isActive: true }, select: { id: true, name: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
  ]);
  return { services, staff };
}

/** Finds the business's customer with this WhatsApp id, or creates them. */
export async function findOrCreateCustomer(db: Db, params: { businessId: string; waId: string; phoneE164: string; name: string | null }): Promise<{ id: string }> {
  return db.customer.upsert({
    where: { businessId_waId: { businessId: params.businessId, waId: params.waId } },
    create: { businessId: params.businessId, waId: params.waId, phoneE164: params.phoneE164, name: params.name },
    update: {},
    select: { id: true },
  });
}

/** The booking's uid from its id (after a confirm). */
export async function findBookingUid(db: Db, params: { businessId: string; bookingId: string }): Promise<string | null> {
  const row = await db.booking.findFirst({ where: { businessId: params.businessId, id: params.bookingId }, select: { uid: true } });
  return row?.uid ?? null;
}
