/**
 * Turning what a customer sends into conversation events: reply ids of our buttons and list rows
 * (produced and parsed only here, so both ends agree) and free text through the keyword classifier.
 */
import type { InboundMessage } from '../src/whatsapp';
import { classifyText, type ClassifyTextOptions } from './classify-text';
import type { ConversationEvent, CustomerEvent, Locale } from './conversation-types';

/** Customer events that a button, list row or template quick reply can carry. */
export type ReplyEvent = Extract<
  CustomerEvent,
  {
    type:
      | 'MENU_BOOK'
      | 'MENU_APPOINTMENTS'
      | 'MENU_TALK'
      | 'SERVICE_CHOSEN'
      | 'STAFF_CHOSEN'
      | 'DAY_CHOSEN'
      | 'SLOT_CHOSEN'
      | 'MORE_SLOTS'
      | 'MORE_DAYS'
      | 'EARLIER_DAYS'
      | 'CONFIRM'
      | 'CHANGE'
      | 'BOOKING_CHOSEN'
      | 'RESCHEDULE'
      | 'CANCEL'
      | 'BACK'
      | 'CANCEL_YES'
      | 'CANCEL_KEEP'
      | 'HANDOFF_LEAVE'
      | 'HANDOFF_STAY'
      | 'REMINDER_CONFIRM'
      | 'REMINDER_RESCHEDULE'
      | 'REMINDER_CANCEL'
      | 'RATING_GIVEN';
  }
>;

const FIXED_IDS = {
  MENU_BOOK: 'menu:book',
  MENU_APPOINTMENTS: 'menu:appointments',
  MENU_TALK: 'menu:talk',
  MORE_SLOTS: 'slots:more',
  MORE_DAYS: 'days:later',
  EARLIER_DAYS: 'days:earlier',
  CONFIRM: 'summary:confirm',
  CHANGE: 'summary:change',
  RESCHEDULE: 'manage:reschedule',
  CANCEL: 'manage:cancel',
  BACK: 'manage:back',
  CANCEL_YES: 'cancel:yes',
  CANCEL_KEEP: 'cancel:keep',
  HANDOFF_LEAVE: 'handoff:leave',
  HANDOFF_STAY: 'handoff:stay',
} as const;

type FixedIdType = keyof typeof FIXED_IDS;

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The id of the button or row that sends `event` back when tapped.
 * @example toReplyId({ type: 'SLOT_CHOSEN', start: '2026-03-30T07:30:00.000Z', staffId: 'ana' }) // 'slot:2026-03-30T07:30:00.000Z|ana'
 */
export function toReplyId(event: ReplyEvent): string {
  switch (event.type) {
    case 'SERVICE_CHOSEN':
      return `service:${event.serviceId}`;
    case 'STAFF_CHOSEN':
      return `staff:${event.staffId}`;
    case 'DAY_CHOSEN':
      return `day:${event.date}`;
    case 'SLOT_CHOSEN':
      return `slot:${event.start}|${event.staffId}`;
    case 'BOOKING_CHOSEN':
      return `booking:${event.bookingId}`;
    case 'REMINDER_CONFIRM':
      return `reminder:confirm:${event.bookingId}`;
    case 'REMINDER_RESCHEDULE':
      return `reminder:reschedule:${event.bookingId}`;
    case 'REMINDER_CANCEL':
      return `reminder:cancel:${event.bookingId}`;
    case 'RATING_GIVEN':
      return `rating:${event.rating}:${event.bookingUid}`;
    default:
      return FIXED_IDS[event.type];
  }
}

/** The event a reply id stands for, or undefined for an id we never produced (or an older format). */
export function parseReplyId(id: string): ReplyEvent | undefined {
  const fixed = (Object.keys(FIXED_IDS) as FixedIdType[]).find((type) => FIXED_IDS[type] === id);
  if (fixed) return { type: fixed };
  const separator = id.indexOf(':');
  if (separator <= 0) return undefined;
  const prefix = id.slice(0, separator);
  const rest = id.slice(separator + 1);
  if (rest === '') return undefined;
  switch (prefix) {
    case 'service':
      return { type: 'SERVICE_CHOSEN', serviceId: rest };
    case 'staff':
      return { type: 'STAFF_CHOSEN', staffId: rest };
    case 'day':
      return DATE_PATTERN.test(rest) ? { type: 'DAY_CHOSEN', date: rest } : undefined;
    case 'slot':
      return parseSlotId(rest);
    case 'booking':
      return { type: 'BOOKING_CHOSEN', bookingId: rest };
    case 'reminder':
      return parseReminderId(rest);
    case 'rating':
      return parseRatingId(rest);
    default:
      return undefined;
  }
}

function parseSlotId(rest: string): ReplyEvent | undefined {
  const bar = rest.lastIndexOf('|');
  const start = rest.slice(0, bar);
  const staffId = rest.slice(bar + 1);
  if (bar <= 0 || staffId === '' || Number.isNaN(Date.parse(start))) return undefined;
  return { type: 'SLOT_CHOSEN', start, staffId };
}

function parseReminderId(rest: string): ReplyEvent | undefined {
  const separator = rest.indexOf(':');
  const action = rest.slice(0, separator);
  const bookingId = rest.slice(separator + 1);
  if (separator <= 0 || bookingId === '') return undefined;
  if (action === 'confirm') return { type: 'REMINDER_CONFIRM', bookingId };
  if (action === 'reschedule') return { type: 'REMINDER_RESCHEDULE', bookingId };
  if (action === 'cancel') return { type: 'REMINDER_CANCEL', bookingId };
  return undefined;
}

// A follow-up's rating rows and quick replies: `rating:<1-5>:<booking uid>` (uids are at most 64 characters).
function parseRatingId(rest: string): ReplyEvent | undefined {
  const match = /^([1-5]):(.{1,64})$/.exec(rest);
  return match ? { type: 'RATING_GIVEN', rating: Number(match[1]), bookingUid: match[2]! } : undefined;
}

/**
 * Converts one inbound WhatsApp message into the event for the conversation machine.
 * Taps are matched by id (an unknown id is treated like unrecognized text); text goes through
 * classifyText; media captions are checked for emergencies, since a photo can carry "chest pain".
 */
export function toConversationEvent(message: InboundMessage, options: ClassifyTextOptions = {}): ConversationEvent {
  switch (message.type) {
    case 'text':
      return toTextEvent(message.text, options);
    case 'button_reply':
    case 'list_reply':
      return parseReplyId(message.id) ?? toUnknownTapEvent(message.title, options);
    case 'template_button':
      return parseReplyId(message.payload) ?? toUnknownTapEvent(message.text, options);
    case 'flow_reply':
      return message.flowToken === undefined ? { type: 'FLOW_COMPLETED', response: message.response } : { type: 'FLOW_COMPLETED', flowToken: message.flowToken, response: message.response };
    case 'media':
      return toMediaEvent(message.caption, options);
    case 'reaction':
      return { type: 'REACTION_RECEIVED' };
    case 'contacts':
      return message.sharedPhone === undefined ? { type: 'UNSUPPORTED_MESSAGE' } : { type: 'CONTACT_SHARED' };
    case 'location':
    case 'unsupported':
      return { type: 'UNSUPPORTED_MESSAGE' };
  }
}

// Media are not read, but a caption can carry an emergency ("chest pain" under a photo).
function toMediaEvent(caption: string | undefined, options: ClassifyTextOptions): ConversationEvent {
  const result = caption ? classifyText(caption, options) : undefined;
  return result?.intent === 'emergency' ? withLocale({ type: 'INTENT_EMERGENCY' }, result.locale) : { type: 'UNSUPPORTED_MESSAGE' };
}

// A tap on a button we no longer know (older id format, another template) still says something in its title.
function toUnknownTapEvent(title: string, options: ClassifyTextOptions): ConversationEvent {
  const event = toTextEvent(title, options);
  return event.type === 'TEXT_UNRECOGNIZED' ? { type: 'TEXT_UNRECOGNIZED' } : event;
}

function withLocale<T extends ConversationEvent>(event: T, locale: Locale | undefined): T {
  return locale ? { ...event, locale } : event;
}

function toTextEvent(text: string, options: ClassifyTextOptions): ConversationEvent {
  const result = classifyText(text, options);
  switch (result.intent) {
    case 'greeting':
      return { type: 'GREETING', ...(result.locale ? { locale: result.locale } : {}), ...(result.isMenuKeyword ? { isMenuKeyword: true as const } : {}) };
    case 'book':
      return withLocale({ type: 'MENU_BOOK' }, result.locale);
    case 'appointments':
      return withLocale({ type: 'MENU_APPOINTMENTS' }, result.locale);
    case 'handoff':
      return withLocale({ type: 'INTENT_HANDOFF' }, result.locale);
    case 'emergency':
      return withLocale({ type: 'INTENT_EMERGENCY' }, result.locale);
    case 'opt_out':
      return { type: 'INTENT_OPT_OUT' };
    case 'opt_in':
      return { type: 'INTENT_OPT_IN' };
    case 'language':
      return { type: 'INTENT_LANGUAGE', locale: result.locale };
    case 'unrecognized':
      return result.detectedLocale ? { type: 'TEXT_UNRECOGNIZED', detectedLocale: result.detectedLocale } : { type: 'TEXT_UNRECOGNIZED' };
  }
}
