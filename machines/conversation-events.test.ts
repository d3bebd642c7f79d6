import type { InboundMessage } from '../src/whatsapp';
import { parseReplyId, toConversationEvent, toReplyId, type ReplyEvent } from './conversation-events';

const REPLY_EVENTS: Array<[ReplyEvent, string]> = [
  [{ type: 'MENU_BOOK' }, 'menu:book'],
  [{ type: 'MENU_APPOINTMENTS' }, 'menu:appointments'],
  [{ type: 'MENU_TALK' }, 'menu:talk'],
  [{ type: 'SERVICE_CHOSEN', serviceId: 'cm9x1' }, 'service:cm9x1'],
  [{ type: 'STAFF_CHOSEN', staffId: 'any' }, 'staff:any'],
  [{ type: 'STAFF_CHOSEN', staffId: 'stf-ana' }, 'staff:stf-ana'],
  [{ type: 'DAY_CHOSEN', date: '2026-03-30' }, 'day:2026-03-30'],
  [{ type: 'SLOT_CHOSEN', start: '2026-03-30T07:30:00.000Z', staffId: 'stf-ana' }, 'slot:2026-03-30T07:30:00.000Z|stf-ana'],
  [{ type: 'MORE_SLOTS' }, 'slots:more'],
  [{ type: 'CONFIRM' }, 'summary:confirm'],
  [{ type: 'CHANGE' }, 'summary:change'],
  [{ type: 'BOOKING_CHOSEN', bookingId: 'bk:1' }, 'booking:bk:1'],
  [{ type: 'RESCHEDULE' }, 'manage:reschedule'],
  [{ type: 'CANCEL' }, 'manage:cancel'],
  [{ type: 'BACK' }, 'manage:back'],
  [{ type: 'CANCEL_YES' }, 'cancel:yes'],
  [{ type: 'CANCEL_KEEP' }, 'cancel:keep'],
  [{ type: 'HANDOFF_LEAVE' }, 'handoff:leave'],
  [{ type: 'HANDOFF_STAY' }, 'handoff:stay'],
  [{ type: 'REMINDER_CONFIRM', bookingId: 'bk-1' }, 'reminder:confirm:bk-1'],
  [{ type: 'REMINDER_RESCHEDULE', bookingId: 'bk-1' }, 'reminder:reschedule:bk-1'],
  [{ type: 'REMINDER_CANCEL', bookingId: 'bk-1' }, 'reminder:cancel:bk-1'],
];

describe('reply ids', () => {
  it.each(REPLY_EVENTS)('%j ⇄ %s', (event, id) => {
    expect(toReplyId(event)).toBe(id);
    expect(parseReplyId(id)).toEqual(event);
  });

  it.each(['', 'menu', 'menu:', 'service:', 'day:tomorrow', 'slot:nope|ana', 'slot:2026-03-30T07:30:00Z|', 'reminder:snooze:bk-1', 'reminder:confirm:', 'other:1'])(
    'an id we never produce (%j) parses to nothing',
    (id) => {
      expect(parseReplyId(id)).toBeUndefined();
    },
  );

  it('slot ids of uuid staff stay within the 200-character row id limit', () => {
    const id = toReplyId({ type: 'SLOT_CHOSEN', start: '2026-03-30T07:30:00.000Z', staffId: '3f0c1f7e-8d0a-4c5e-9b6a-2f1d9e8c7b6a' });
    expect(id.length).toBeLessThanOrEqual(200);
  });
});

describe('toConversationEvent', () => {
  const CASES: Array<[InboundMessage, unknown]> = [
    [{ type: 'button_reply', id: 'menu:book', title: 'Book appointment' }, { type: 'MENU_BOOK' }],
    [{ type: 'list_reply', id: 'slot:2026-03-30T07:30:00.000Z|stf-ana', title: '09:30' }, { type: 'SLOT_CHOSEN', start: '2026-03-30T07:30:00.000Z', staffId: 'stf-ana' }],
    [{ type: 'template_button', payload: 'reminder:confirm:bk-1', text: 'Confirm' }, { type: 'REMINDER_CONFIRM', bookingId: 'bk-1' }],
    [{ type: 'template_button', payload: 'legacy-payload', text: 'Talk to us' }, { type: 'INTENT_HANDOFF' }],
    [{ type: 'button_reply', id: 'old-format-7', title: 'Whatever' }, { type: 'TEXT_UNRECOGNIZED' }],
    [{ type: 'text', text: 'Hola' }, { type: 'GREETING', locale: 'es' }],
    [{ type: 'text', text: 'STOP' }, { type: 'INTENT_OPT_OUT' }],
    [{ type: 'text', text: 'start' }, { type: 'INTENT_OPT_IN' }],
    [{ type: 'text', text: 'Español' }, { type: 'INTENT_LANGUAGE', locale: 'es' }],
    [{ type: 'text', text: 'atendente' }, { type: 'INTENT_HANDOFF' }],
    [{ type: 'text', text: 'dor no peito' }, { type: 'INTENT_EMERGENCY', locale: 'pt' }],
    [{ type: 'text', text: 'Tengo dolor en el pecho' }, { type: 'INTENT_EMERGENCY', locale: 'es' }],
    [{ type: 'text', text: 'what about parking' }, { type: 'TEXT_UNRECOGNIZED' }],
    [{ type: 'text', text: 'Hola, quiero una cita' }, { type: 'MENU_BOOK', locale: 'es' }],
    [{ type: 'text', text: 'cuánto cuesta la consulta' }, { type: 'TEXT_UNRECOGNIZED', detectedLocale: 'es' }],
    [{ type: 'text', text: 'menu' }, { type: 'GREETING', isMenuKeyword: true }],
    [{ type: 'button_reply', id: 'handoff:leave', title: 'Yes, assistant' }, { type: 'HANDOFF_LEAVE' }],
    [{ type: 'media', mediaType: 'image', mediaId: 'm1' }, { type: 'UNSUPPORTED_MESSAGE' }],
    [{ type: 'media', mediaType: 'image', mediaId: 'm1', caption: 'chest pain since this morning' }, { type: 'INTENT_EMERGENCY', locale: 'en' }],
    [{ type: 'media', mediaType: 'voice', mediaId: 'm2' }, { type: 'UNSUPPORTED_MESSAGE' }],
    [{ type: 'location', latitude: 40.4, longitude: -3.7 }, { type: 'UNSUPPORTED_MESSAGE' }],
    [{ type: 'contacts', count: 1 }, { type: 'UNSUPPORTED_MESSAGE' }],
    [{ type: 'contacts', count: 1, sharedPhone: '34611000001' }, { type: 'CONTACT_SHARED' }],
    [{ type: 'unsupported', originalType: 'order' }, { type: 'UNSUPPORTED_MESSAGE' }],
    [{ type: 'reaction', emoji: '👍', reactedMessageId: 'wamid.1' }, { type: 'REACTION_RECEIVED' }],
    [{ type: 'flow_reply', flowToken: 'ft-1', response: { date: '2026-03-30' } }, { type: 'FLOW_COMPLETED', flowToken: 'ft-1', response: { date: '2026-03-30' } }],
  ];

  it.each(CASES)('%j → %j', (message, expected) => {
    expect(toConversationEvent(message)).toEqual(expected);
  });

  it("uses the business's emergency keywords", () => {
    expect(toConversationEvent({ type: 'text', text: 'allergic reaction!' }, { emergencyKeywords: ['allergic reaction'] })).toEqual({ type: 'INTENT_EMERGENCY' });
  });
});
