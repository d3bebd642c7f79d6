/**
 * Template messages to staff on new, rescheduled and cancelled bookings and on hand-off requests:
 * to the booked staff member's WhatsApp number and the business's front-desk number. Staff are not
 * customers and have usually not written to the bot in 24 hours, so only a template can reach them.
 * Template body: {{1}} what happened, {{2}} customer, {{3}} service, {{4}} when (business zone, named), {{5}} staff.
 */
import type { BookingChange } from '../booking';
import type { Db } from '../platform/database';
import { findLabels, formatDateTime, normalizeLocale, type ReminderLabels } from '../texts';
import { buildTemplateMessage, enqueueOutbound, findFirstSendingNumber } from '../whatsapp';

type StaffEvent = 'new' | 'rescheduled' | 'cancelled' | 'handoff';

const HEADLINES: Record<StaffEvent, keyof ReminderLabels> = {
  new: 'staffNew',
  rescheduled: 'staffRescheduled',
  cancelled: 'staffCancelled',
  handoff: 'staffHandoff',
};

/** Queues staff notifications for a booking change (created, rescheduled, cancelled; others are ignored). */
export async function notifyStaffOfBookingChange(db: Db, change: Pick<BookingChange, 'kind' | 'booking'>, now: Date): Promise<number> {
  const event: StaffEvent | undefined = ({ created: 'new', rescheduled: 'rescheduled', cancelled: 'cancelled' } as const)[
    change.kind as 'created' | 'rescheduled' | 'cancelled'
  ];
  if (!event) return 0;
  const booking = await db.booking.findUnique({
    where: { id: change.booking.id },
    select: {
      startsAt: true,
      customer: { select: { name: true, phoneE164: true, waId: true } },
      service: { select: { name: true } },
      staff: { select: { name: true, whatsappNumber: true } },
    },
  });
  if (!booking) return 0;
  return queueStaffTemplate(db, {
    businessId: change.booking.businessId,
    event,
    recipients: [booking.staff.whatsappNumber],
    customer: booking.customer.name ?? booking.customer.phoneE164 ?? booking.customer.waId,
    service: booking.service.name,
    startsAt: booking.startsAt,
    staff: booking.staff.name,
    now,
  });
}

/**
 * Queues the hand-off notification: the front desk, plus the staff member of the customer's next
 * booking; when neither has a number, every active staff member with one (someone must hear it).
 * Call it inside the conversation step's transaction when a hand-off starts.
 */
export async function notifyStaffOfHandoff(db: Db, params: { businessId: string; customerId: string; now: Date }): Promise<number> {
  const customer = await db.customer.findFirst({
    where: { id: params.customerId, businessId: params.businessId },
    select: { name: true, phoneE164: true, waId: true },
  });
  if (!customer) return 0;
  const next = await db.booking.findFirst({
    where: { businessId: params.businessId, customerId: params.customerId, status: { in: ['pending', 'confirmed', 'in_progress'] }, endsAt: { gt: params.now } },
    orderBy: { startsAt: 'asc' },
    select: { startsAt: true, service: { select: { name: true } }, staff: { select: { name: true, whatsappNumber: true } } },
  });
  const business = await db.business.findUnique({ where: { id: params.businessId }, select: { frontDeskWhatsapp: true } });
  let recipients: Array<string | null> = [next?.staff.whatsappNumber ?? null];
  if (!business?.frontDeskWhatsapp && !next?.staff.whatsappNumber) {
    const staff = await db.staff.findMany({ where: { businessId: params.businessId, isActive: true, whatsappNumber: { not: null } }, select: { whatsappNumber: true } });
    recipients = staff.map((member) => member.whatsappNumber);
  }
  return queueStaffTemplate(db, {
    businessId: params.businessId,
    event: 'handoff',
    recipients,
    customer: customer.name ?? customer.phoneE164 ?? customer.waId,
    service: next?.service.name ?? '-',
    startsAt: next?.startsAt ?? null,
    staff: next?.staff.name ?? '-',
    now: params.now,
  });
}

async function queueStaffTemplate(
  db: Db,
  params: { businessId: string; event: StaffEvent; recipients: Array<string | null>; customer: string; service: string; startsAt: Date | null; staff: string; now: Date },
): Promise<number> {
  const business = await db.business.findUnique({
    where: { id: params.businessId },
    select: {
      timeZone: true,
      defaultLocale: true,
      frontDeskWhatsapp: true,
      staffTemplateName: true,
      staffTemplateLanguage: true,
    },
  });
  // Staff alerts always leave from the business's first number, never from the number a customer
  // (or a staff member who is also a customer) last wrote to: they are approved templates, which
  // Meta delivers from any of the business's numbers outside the 24-hour window too, so following a
  // chat buys nothing; a fixed sender keeps every alert in one chat on the staff member's phone
  // instead of scattering them by where they last booked for themselves.
  const phoneNumberId = business ? await findFirstSendingNumber(db, params.businessId) : null;
  if (!business || !phoneNumberId) return 0;
  const locale = normalizeLocale(business.defaultLocale);
  const headline = findLabels(locale)[HEADLINES[params.event]] as string;
  const when = params.startsAt ? formatDateTime(params.startsAt.toISOString(), business.timeZone, locale) : '-';
  const recipients = [...new Set([...params.recipients, business.frontDeskWhatsapp].filter((number): number is string => Boolean(number)))];
  for (const recipient of recipients) {
    await enqueueOutbound(db, {
      businessId: params.businessId,
      customerId: null,
      phoneNumberId,
      recipient,
      kind: 'staff_notification',
      payload: buildTemplateMessage({
        to: recipient,
        name: business.staffTemplateName,
        languageCode: business.staffTemplateLanguage,
        bodyParameters: [headline, params.customer, params.service, when, params.staff],
      }),
      runAt: params.now,
      createdAt: params.now,
    });
  }
  return recipients.length;
}
