/**
 * WhatsApp messages to the customer when staff change their booking (created, moved, cancelled),
 * whether in the console or through the REST API, if the business's
 * `notifyCustomerOnStaffChanges` setting is on: queued in the booking's own transaction, like
 * every outbound message. Free text is only allowed within 24 hours of the customer's last
 * message; outside that window nothing is queued and the console tells staff so.
 */
import type { BookingChangeListener } from '../booking';
import type { Clock } from '../platform/clock';
import type { Db } from '../platform/database';
import { formatDateTime, LOCALES, type Locale } from '../texts';
import { buildTextMessage, enqueueOutbound, findCustomerSendingNumber, isInsideServiceWindow } from '../whatsapp';

/** Actor prefix of console users in audit rows ("console:ana@clinic.example"). */
export const CONSOLE_ACTOR_PREFIX = 'console:';

/** Actor prefix of REST API keys in audit rows ("api:<key id>"). */
export const API_ACTOR_PREFIX = 'api:';

/** True when the actor is staff (a console user or an API key), not the customer or the server. */
export function isStaffActor(actor: string): boolean {
  return actor.startsWith(CONSOLE_ACTOR_PREFIX) || actor.startsWith(API_ACTOR_PREFIX);
}

const TEXTS: Record<Locale, Record<'created' | 'rescheduled' | 'cancelled', string>> = {
  en: {
    created: 'Hello{name}! {business} booked your *{service}* with {staff} on {when}. Write "menu" to see, move or cancel it.',
    rescheduled: 'Hello{name}! {business} moved your *{service}* with {staff} to {when}. Write "menu" to see, move or cancel it.',
    cancelled: 'Hello{name}. {business} cancelled your *{service}* on {when}.{reason} Write "menu" to book again.',
  },
  es: {
    created: '¡Hola{name}! {business} te ha reservado *{service}* con {staff} el {when}. Escribe "menú" para verla, cambiarla o cancelarla.',
    rescheduled: '¡Hola{name}! {business} ha movido tu *{service}* con {staff} al {when}. Escribe "menú" para verla, cambiarla o cancelarla.',
    cancelled: 'Hola{name}. {business} ha cancelado tu *{service}* del {when}.{reason} Escribe "menú" para reservar de nuevo.',
  },
  pt: {
    created: 'Olá{name}! {business} marcou a sua *{service}* com {staff} em {when}. Escreva "menu" para ver, mudar ou cancelar.',
    rescheduled: 'Olá{name}! {business} mudou a sua *{service}* com {staff} para {when}. Escreva "menu" para ver, mudar ou cancelar.',
    cancelled: 'Olá{name}. {business} cancelou a sua *{service}* de {when}.{reason} Escreva "menu" para marcar de novo.',
  },
};

const REASON_LABEL: Record<Locale, string> = { en: ' Reason: ', es: ' Motivo: ', pt: ' Motivo: ' };

/** Whether a staff change messages the customer now, and if not, why. */
export type StaffChangeNotice = 'told' | 'outside_window' | 'setting_off';

/** What a staff change to this customer's booking does now: message them, or not (setting off, or outside the 24-hour window). */
export async function findStaffChangeNotice(db: Db, params: { businessId: string; customerId: string; now: Date }): Promise<StaffChangeNotice> {
  const customer = await db.customer.findFirst({
    where: { id: params.customerId, businessId: params.businessId },
    select: { lastInboundAt: true, business: { select: { notifyCustomerOnStaffChanges: true } } },
  });
  if (!customer?.business.notifyCustomerOnStaffChanges) return 'setting_off';
  return isInsideServiceWindow({ lastInboundAt: customer.lastInboundAt, sendAt: params.now }) ? 'told' : 'outside_window';
}

/** Staff changes (console or API) message the customer when the business's setting says so. */
export function createCustomerNoticeListener(deps: { clock: Clock }): BookingChangeListener {
  return async (tx, change) => {
    if (!isStaffActor(change.actor)) return;
    if (change.kind !== 'created' && change.kind !== 'rescheduled' && change.kind !== 'cancelled') return;
    await queueCustomerNotice(tx, { kind: change.kind, bookingId: change.booking.id, businessId: change.booking.businessId, now: deps.clock.now() });
  };
}

async function queueCustomerNotice(db: Db, params: { kind: 'created' | 'rescheduled' | 'cancelled'; bookingId: string; businessId: string; now: Date }): Promise<void> {
  const booking = await db.booking.findFirst({
    where: { id: params.bookingId, businessId: params.businessId },
    select: {
      startsAt: true,
      timeZone: true,
      cancellationReason: true,
      customer: { select: { id: true, waId: true, name: true, locale: true, lastInboundAt: true, isOptedOut: true } },
      service: { select: { name: true } },
      staff: { select: { name: true } },
      business: { select: { name: true, defaultLocale: true, notifyCustomerOnStaffChanges: true } },
    },
  });
  if (!booking || !booking.business.notifyCustomerOnStaffChanges || !isInsideServiceWindow({ lastInboundAt: booking.customer.lastInboundAt, sendAt: params.now })) return;
  // Free text inside the window reaches the customer in the chat they wrote in: the number they last wrote to.
  const phoneNumberId = await findCustomerSendingNumber(db, { businessId: params.businessId, customerId: booking.customer.id });
  if (!phoneNumberId) return;
  const locale = LOCALES.find((l) => l === (booking.customer.locale ?? booking.business.defaultLocale)) ?? 'en';
  const firstName = booking.customer.name?.split(' ')[0];
  const values: Record<string, string> = {
    name: firstName ? ` ${firstName}` : '',
    business: booking.business.name,
    service: booking.service.name,
    staff: booking.staff.name,
    when: formatDateTime(booking.startsAt.toISOString(), booking.timeZone, locale),
    reason: params.kind === 'cancelled' && booking.cancellationReason ? `${REASON_LABEL[locale]}${booking.cancellationReason}.` : '',
  };
  const text = TEXTS[locale][params.kind].replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? '');
  await enqueueOutbound(db, {
    businessId: params.businessId,
    customerId: booking.customer.id,
    phoneNumberId,
    recipient: booking.customer.waId,
    kind: 'reply',
    payload: buildTextMessage({ to: booking.customer.waId, text }),
    createdAt: params.now,
  });
}
