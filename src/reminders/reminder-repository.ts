/** Database access of the reminder component. Every query is scoped to a business or a booking. */
import type { EventBookingFields } from '../events';
import type { Db, PgClient } from '../platform/database';
import { customerSendingNumberSql } from '../whatsapp';
import type { FollowUpAppliesTo, ReminderKind, ReminderRuleFields } from './reminder-rule';

/** A stored rule with its id. */
export interface StoredRule extends ReminderRuleFields {
  id: string;
  serviceId: string;
}

/** A stored reminder/follow-up row. */
export interface StoredReminder {
  id: string;
  businessId: string;
  bookingId: string;
  ruleId: string | null;
  kind: ReminderKind;
  sequence: number;
  status: ReminderStatus;
  dueAt: Date;
  reason: string | null;
}

/** Status of a reminder row. */
export type ReminderStatus = 'pending' | 'sent' | 'skipped' | 'cancelled' | 'failed';

const RULE_SELECT = {
  id: true,
  serviceId: true,
  kind: true,
  sequence: true,
  title: true,
  text: true,
  offsetDays: true,
  offsetHours: true,
  offsetMinutes: true,
  isActive: true,
  appliesTo: true,
  asksForRating: true,
  templateName: true,
  templateLanguage: true,
  templateParameters: true,
} as const;

const REMINDER_SELECT = { id: true, businessId: true, bookingId: true, ruleId: true, kind: true, sequence: true, status: true, dueAt: true, reason: true } as const;

/** Active rules of one kind of a service, by sequence. */
export async function findActiveRules(db: Db, params: { businessId: string; serviceId: string; kind: ReminderKind }): Promise<StoredRule[]> {
  const rows = await db.reminderRule.findMany({
    where: { businessId: params.businessId, serviceId: params.serviceId, kind: params.kind, isActive: true },
    orderBy: { sequence: 'asc' },
    select: RULE_SELECT,
  });
  return rows.map(toStoredRule);
}

/** One rule by id (null when deleted). */
export async function findRule(db: Db, ruleId: string): Promise<StoredRule | null> {
  const row = await db.reminderRule.findUnique({ where: { id: ruleId }, select: RULE_SELECT });
  return row ? toStoredRule(row) : null;
}

/** The reminder rows of a booking (optionally of one kind). */
export async function findRemindersOfBooking(db: Db, params: { bookingId: string; kind?: ReminderKind }): Promise<StoredReminder[]> {
  const rows = await db.reminder.findMany({
    where: { bookingId: params.bookingId, ...(params.kind ? { kind: params.kind } : {}) },
    orderBy: [{ kind: 'asc' }, { sequence: 'asc' }],
    select: REMINDER_SELECT,
  });
  return rows.map((row) => row as StoredReminder);
}

/** Creates or re-plans the row of one rule for one booking; returns its id. */
export async function upsertReminder(
  db: Db,
  params: { businessId: string; bookingId: string; rule: StoredRule; status: 'pending' | 'skipped'; dueAt: Date; reason: string | null },
): Promise<string> {
  const data = { status: params.status, dueAt: params.dueAt, reason: params.reason, sequence: params.rule.sequence };
  const row = await db.reminder.upsert({
    where: { bookingId_ruleId: { bookingId: params.bookingId, ruleId: params.rule.id } },
    create: { ...data, businessId: params.businessId, bookingId: params.bookingId, ruleId: params.rule.id, kind: params.rule.kind },
    update: data,
    select: { id: true },
  });
  return row.id;
}

/** Sets the final status of a row (sent with its outbox id, or skipped/cancelled/failed with a reason). */
export async function settleReminder(
  db: Db,
  params: { reminderId: string; status: Exclude<ReminderStatus, 'pending'>; reason?: string | null; outboxMessageId?: string; channel?: string; sentAt?: Date },
): Promise<void> {
  await db.reminder.update({
    where: { id: params.reminderId },
    data: {
      status: params.status,
      reason: params.reason ?? null,
      ...(params.outboxMessageId ? { outboxMessageId: params.outboxMessageId } : {}),
      ...(params.channel ? { channel: params.channel } : {}),
      ...(params.sentAt ? { sentAt: params.sentAt } : {}),
    },
  });
}

/** settleReminder on a node-postgres client (the send path), as a prepared statement. */
export async function settleReminderWithPg(
  client: PgClient,
  params: { reminderId: string; status: Exclude<ReminderStatus, 'pending'>; reason?: string | null; outboxMessageId?: string; channel?: string; sentAt?: Date },
): Promise<void> {
  await client.query({
    name: 'reminders-settle',
    text: `UPDATE reminders
              SET status = $2, reason = $3, outbox_message_id = COALESCE($4::uuid, outbox_message_id), channel = COALESCE($5, channel),
                  sent_at = COALESCE($6, sent_at), updated_at = now()
            WHERE id = $1::uuid`,
    values: [params.reminderId, params.status, params.reason ?? null, params.outboxMessageId ?? null, params.channel ?? null, params.sentAt ?? null],
  });
}

/** A locked row with everything its send needs: booking, customer, rule, names, the sending number. */
export interface ReminderSendRow {
  reminder: StoredReminder;
  rule: StoredRule | null;
  booking: EventBookingFields;

  customer: { id: string; waId: string; name: string | null; locale: string | null; timeZone: string | null; isOptedOut: boolean; lastInboundAt: Date | null };
  names: { service: string; staff: string; business: string; location: string | null };
  businessLocale: string;
  phoneNumberId: string | null;
  /** The outbox row of a sent reminder: its status and recipient (a retry checks it left). */
  outbox: { status: string; recipient: string } | null;
}

interface RawSendRow {
  r_id: string; r_business_id: string; r_booking_id: string; r_rule_id: string | null; r_kind: string; r_sequence: number; r_status: string; r_due_at: Date; r_reason: string | null;
  b_id: string; b_uid: string; b_status: string; b_service_id: string; b_staff_id: string; b_customer_id: string; b_location_id: string | null;
  b_starts_at: Date; b_ends_at: Date; b_time_zone: string; b_source: string; b_rating: number | null; b_reschedule_count: number; b_cancellation_reason: string | null;
  c_id: string; c_wa_id: string; c_name: string | null; c_locale: string | null; c_time_zone: string | null; c_is_opted_out: boolean; c_last_inbound_at: Date | null;
  service_name: string; staff_name: string; business_name: string; business_locale: string; location_name: string | null; phone_number_id: string | null;
  rule_id: string | null; rule_service_id: string | null; rule_kind: string | null; rule_sequence: number | null; rule_title: string | null; rule_text: string | null;
  rule_offset_days: number | null; rule_offset_hours: number | null; rule_offset_minutes: number | null; rule_is_active: boolean | null; rule_applies_to: string | null;
  rule_asks_for_rating: boolean | null; rule_template_name: string | null; rule_template_language: string | null; rule_template_parameters: string[] | null;
  outbox_status: string | null; outbox_recipient: string | null;
}

// A reminder reaches the customer on the number they last wrote to, like the bot's replies.
const SENDING_NUMBER_SQL = customerSendingNumberSql({ businessId: 'r.business_id', lastPhoneNumberId: 'c.last_phone_number_id' });

/**
 * Locks one reminder row (FOR UPDATE) and reads its send context in one round trip, as a
 * prepared statement on a node-postgres client inside the caller's transaction: at 80 messages/s
 * the CPU per send, not the size of the query, bounds the throughput.
 */
export async function lockReminderForSend(client: PgClient, reminderId: string): Promise<ReminderSendRow | null> {
  const { rows: [row] } = await client.query<RawSendRow>({ name: 'reminders-lock-for-send', values: [reminderId], text: `
    SELECT r.id AS r_id, r.business_id AS r_business_id, r.booking_id AS r_booking_id, r.rule_id AS r_rule_id, r.kind AS r_kind,
           r.sequence AS r_sequence, r.status AS r_status, r.due_at AS r_due_at, r.reason AS r_reason,
           b.id AS b_id, b.uid AS b_uid, b.status::text AS b_status, b.service_id AS b_service_id, b.staff_id AS b_staff_id,
           b.customer_id AS b_customer_id, b.location_id AS b_location_id, b.starts_at AS b_starts_at, b.ends_at AS b_ends_at,
           b.time_zone AS b_time_zone, b.source::text AS b_source, b.rating AS b_rating, b.reschedule_count AS b_reschedule_count,
           b.cancellation_reason AS b_cancellation_reason,
           c.id AS c_id, c.wa_id AS c_wa_id, c.name AS c_name, c.locale AS c_locale, c.time_zone AS c_time_zone,
           c.is_opted_out AS c_is_opted_out, c.last_inbound_at AS c_last_inbound_at,
           s.name AS service_name, st.name AS staff_name, bu.name AS business_name, bu.default_locale AS business_locale,
           l.name AS location_name,
           ${SENDING_NUMBER_SQL} AS phone_number_id,
           ru.id AS rule_id, ru.service_id AS rule_service_id, ru.kind AS rule_kind, ru.sequence AS rule_sequence, ru.title AS rule_title,
           ru.text AS rule_text, ru.offset_days AS rule_offset_days, ru.offset_hours AS rule_offset_hours, ru.offset_minutes AS rule_offset_minutes,
           ru.is_active AS rule_is_active, ru.applies_to AS rule_applies_to, ru.asks_for_rating AS rule_asks_for_rating,
           ru.template_name AS rule_template_name, ru.template_language AS rule_template_language, ru.template_parameters AS rule_template_parameters,
           o.status AS outbox_status, o.recipient AS outbox_recipient
      FROM reminders r
      JOIN bookings b ON b.id = r.booking_id
      JOIN customers c ON c.id = b.customer_id
      JOIN services s ON s.id = b.service_id
      JOIN staff st ON st.id = b.staff_id
      JOIN businesses bu ON bu.id = r.business_id
      LEFT JOIN locations l ON l.id = b.location_id
      LEFT JOIN reminder_rules ru ON ru.id = r.rule_id
      LEFT JOIN outbox_messages o ON o.id = r.outbox_message_id
     WHERE r.id = $1::uuid
       FOR UPDATE OF r` });
  if (!row) return null;
  return {
    reminder: {
      id: row.r_id, businessId: row.r_business_id, bookingId: row.r_booking_id, ruleId: row.r_rule_id, kind: row.r_kind as ReminderKind,
      sequence: row.r_sequence, status: row.r_status as ReminderStatus, dueAt: row.r_due_at, reason: row.r_reason,
    },
    rule: row.rule_id
      ? {
          id: row.rule_id, serviceId: row.rule_service_id!, kind: row.rule_kind as ReminderKind, sequence: row.rule_sequence!, title: row.rule_title!,
          text: row.rule_text!, offsetDays: row.rule_offset_days!, offsetHours: row.rule_offset_hours!, offsetMinutes: row.rule_offset_minutes!,
          isActive: row.rule_is_active!, appliesTo: row.rule_applies_to as FollowUpAppliesTo, asksForRating: row.rule_asks_for_rating!,
          templateName: row.rule_template_name, templateLanguage: row.rule_template_language, templateParameters: row.rule_template_parameters ?? [],
        }
      : null,
    booking: {
      id: row.b_id, uid: row.b_uid, status: row.b_status as EventBookingFields['status'], serviceId: row.b_service_id, staffId: row.b_staff_id, customerId: row.b_customer_id,
      locationId: row.b_location_id, startsAt: row.b_starts_at, endsAt: row.b_ends_at, timeZone: row.b_time_zone, source: row.b_source as EventBookingFields['source'],
      rating: row.b_rating, rescheduleCount: row.b_reschedule_count, cancellationReason: row.b_cancellation_reason,
    },
    customer: {
      id: row.c_id, waId: row.c_wa_id, name: row.c_name, locale: row.c_locale, timeZone: row.c_time_zone,
      isOptedOut: row.c_is_opted_out, lastInboundAt: row.c_last_inbound_at,
    },
    names: { service: row.service_name, staff: row.staff_name, business: row.business_name, location: row.location_name },
    businessLocale: row.business_locale,
    phoneNumberId: row.phone_number_id,
    outbox: row.outbox_status ? { status: row.outbox_status, recipient: row.outbox_recipient! } : null,
  };
}

function toStoredRule(row: Omit<StoredRule, 'kind' | 'appliesTo'> & { kind: string; appliesTo: string }): StoredRule {
  return { ...row, kind: row.kind as ReminderKind, appliesTo: row.appliesTo as FollowUpAppliesTo };
}
