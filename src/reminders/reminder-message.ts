/**
 * Builds the WhatsApp message of one reminder or follow-up. Pure.
 *
 * Inside the 24-hour customer-service window: an interactive message (Confirm · Reschedule ·
 * Cancel buttons for reminders, a 1–5 list for rating follow-ups) with the rule's template as
 * fallback for Meta's rare 131047 inside the window. Outside it: only the approved template can be
 * delivered, with quick-reply payloads equal to the interactive ids, so both land on the same path.
 */
import { toReplyId } from '../../machines/conversation-events';
import {
  buildListMessage,
  buildReplyButtonsMessage,
  buildTemplateMessage,
  buildTextMessage,
  type OutboundMessage,
  type TemplateButtonInput,
  type TemplateMessageBody,
} from '../whatsapp';
import { findLabels, formatDateTime, formatDayLabel, formatTimeLabel, type Locale } from '../texts';
import { formatInTimeZone } from 'date-fns-tz';
import type { MessagePlaceholder, ReminderKind, ReminderRuleFields } from './reminder-rule';
import { toRatingReplyId } from './rating-reply-id';

/** Values of the placeholders, already localized. */
export type PlaceholderValues = Record<MessagePlaceholder, string>;

/** The message to queue, or why nothing can be sent. */
export type ReminderMessage =
  | { ok: true; channel: 'interactive' | 'template'; payload: OutboundMessage; fallbackPayload?: OutboundMessage }
  | { ok: false; reason: 'outside_window_no_template' };

/**
 * The placeholder values of one booking, with times in `timeZone` and the zone named.
 * @example buildPlaceholderValues({ ..., startsAt: new Date('2026-03-30T07:30:00Z'), timeZone: 'Europe/Madrid', locale: 'en' }).when // 'Mon 30 Mar, 09:30 (Madrid time, CEST)'
 */
export function buildPlaceholderValues(input: {
  customerName: string | null;
  serviceName: string;
  staffName: string;
  businessName: string;
  locationName: string | null;
  bookingUid: string;
  startsAt: Date;
  timeZone: string;
  locale: Locale;
}): PlaceholderValues {
  const iso = input.startsAt.toISOString();
  const localDate = formatInTimeZone(input.startsAt, input.timeZone, 'yyyy-MM-dd');
  const when = formatDateTime(iso, input.timeZone, input.locale);
  return {
    customer_name: input.customerName?.trim() || '',
    service: input.serviceName,
    staff: input.staffName,
    business: input.businessName,
    when,
    date: formatDayLabel(localDate, input.locale),
    time: formatTimeLabel(iso, input.timeZone, input.locale),
    zone: when.slice(when.lastIndexOf('(') + 1, -1),
    location: input.locationName ?? input.businessName,
    booking_id: input.bookingUid,
  };
}

/**
 * Fills `{placeholder}`s; unknown names stay as written so a typo is visible, not silently blank.
 * @example renderRuleText('Hi {customer_name}', { customer_name: 'Ana', ... }) // 'Hi Ana'
 */
export function renderRuleText(text: string, values: PlaceholderValues): string {
  return text
    .replace(/\{([a-z_]+)\}/g, (whole, name: string) => (name in values ? values[name as MessagePlaceholder] : whole))
    .replace(/ ,/g, ',')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/** Builds the message of one reminder/follow-up for the window situation at send time. */
export function buildReminderMessage(input: {
  kind: ReminderKind;
  rule: Pick<ReminderRuleFields, 'title' | 'text' | 'asksForRating' | 'templateName' | 'templateLanguage' | 'templateParameters'>;
  to: string;
  bookingUid: string;
  values: PlaceholderValues;
  locale: Locale;
  isInsideWindow: boolean;
}): ReminderMessage {
  const template = buildRuleTemplate(input);
  if (!input.isInsideWindow) {
    // The free-form form rides along for a username-only customer whom Meta refuses the template (131062) while they are in the window.
    return template ? { ok: true, channel: 'template', payload: template, fallbackPayload: buildFreeFormReminder(input) } : { ok: false, reason: 'outside_window_no_template' };
  }
  const payload = buildFreeFormReminder(input);
  return template ? { ok: true, channel: 'interactive', payload, fallbackPayload: template } : { ok: true, channel: 'interactive', payload };
}

/** The reminder as a free-form message: reply buttons (confirm, reschedule, cancel), a rating list, or text. */
function buildFreeFormReminder(input: Parameters<typeof buildReminderMessage>[0]): OutboundMessage {
  const labels = findLabels(input.locale);
  let text = renderRuleText(input.rule.text, input.values);
  // A reminder that does not say when is useless; the business may have left the time out of its text.
  if (input.kind === 'reminder' && !/\{(when|date|time)\}/.test(input.rule.text)) text = `${text}\n\n${input.values.when}`;
  let payload: OutboundMessage;
  if (input.kind === 'reminder') {
    payload = buildReplyButtonsMessage({
      to: input.to,
      header: input.rule.title,
      body: text,
      buttons: [
        { id: toReplyId({ type: 'REMINDER_CONFIRM', bookingId: input.bookingUid }), title: labels.confirm },
        { id: toReplyId({ type: 'REMINDER_RESCHEDULE', bookingId: input.bookingUid }), title: labels.reschedule },
        { id: toReplyId({ type: 'REMINDER_CANCEL', bookingId: input.bookingUid }), title: labels.cancel },
      ],
    });
  } else if (input.rule.asksForRating) {
    payload = buildListMessage({
      to: input.to,
      header: input.rule.title,
      body: text,
      buttonLabel: labels.rateButton,
      sections: [{ rows: labels.ratingRows.map((title, index) => ({ id: toRatingReplyId(input.bookingUid, index + 1), title })) }],
    });
  } else {
    payload = buildTextMessage({ to: input.to, text: `*${input.rule.title}*\n\n${text}` });
  }
  return payload;
}

/** The rule's approved template with body parameters from its mapping and the quick-reply payloads. */
function buildRuleTemplate(input: {
  kind: ReminderKind;
  rule: Pick<ReminderRuleFields, 'asksForRating' | 'templateName' | 'templateLanguage' | 'templateParameters'>;
  to: string;
  bookingUid: string;
  values: PlaceholderValues;
}): TemplateMessageBody | undefined {
  const { templateName, templateLanguage } = input.rule;
  if (!templateName || !templateLanguage) return undefined;
  let buttons: TemplateButtonInput[] = [];
  if (input.kind === 'reminder') {
    buttons = (['REMINDER_CONFIRM', 'REMINDER_RESCHEDULE', 'REMINDER_CANCEL'] as const).map((type, index) => ({
      type: 'quick_reply' as const,
      index,
      payload: toReplyId({ type, bookingId: input.bookingUid }),
    }));
  } else if (input.rule.asksForRating) {
    buttons = [1, 2, 3, 4, 5].map((score, index) => ({ type: 'quick_reply' as const, index, payload: toRatingReplyId(input.bookingUid, score) }));
  }
  return buildTemplateMessage({
    to: input.to,
    name: templateName,
    languageCode: templateLanguage,
    bodyParameters: input.rule.templateParameters.map((name) => input.values[name as MessagePlaceholder] ?? '-'),
    buttons,
  });
}
