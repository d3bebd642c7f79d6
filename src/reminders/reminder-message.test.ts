import { buildPlaceholderValues, buildReminderMessage, renderRuleText } from './reminder-message';
import { parseRatingReplyId, toRatingReplyId } from './rating-reply-id';

const values = buildPlaceholderValues({
  customerName: 'Ana',
  serviceName: 'Consultation',
  staffName: 'Dr. Ben',
  businessName: 'Demo Clinic',
  locationName: null,
  bookingUid: 'bk_1',
  startsAt: new Date('2026-03-30T07:30:00.000Z'),
  timeZone: 'Europe/Madrid',
  locale: 'en',
});
const rule = {
  title: 'Tomorrow',
  text: 'Hi {customer_name}, your {service} is on {when}.',
  asksForRating: false,
  templateName: 'appointment_reminder',
  templateLanguage: 'en_US',
  templateParameters: ['customer_name', 'when'],
};

describe('placeholders', () => {
  it('names the zone with the time and fills every placeholder', () => {
    expect(values).toMatchObject({ when: 'Mon 30 Mar, 09:30 (Madrid time, CEST)', date: 'Mon 30 Mar', time: '09:30', zone: 'Madrid time, CEST', location: 'Demo Clinic' });
    expect(renderRuleText('Hi {customer_name}, {service} at {time} ({zone}). {unknown}', values)).toBe('Hi Ana, Consultation at 09:30 (Madrid time, CEST). {unknown}');
  });
  it('reads well without a customer name', () => {
    expect(renderRuleText('Hi {customer_name}, see you', { ...values, customer_name: '' })).toBe('Hi, see you');
  });
});

describe('buildReminderMessage', () => {
  it('inside the window: Confirm · Reschedule · Cancel buttons with the machine’s reply ids, template as fallback', () => {
    const message = buildReminderMessage({ kind: 'reminder', rule, to: '34600000001', bookingUid: 'bk_1', values, locale: 'es', isInsideWindow: true });
    if (!message.ok) throw new Error('expected a message');
    expect(message.channel).toBe('interactive');
    expect(message.payload).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'button',
        header: { type: 'text', text: 'Tomorrow' },
        body: { text: 'Hi Ana, your Consultation is on Mon 30 Mar, 09:30 (Madrid time, CEST).' },
        action: { buttons: [
          { reply: { id: 'reminder:confirm:bk_1', title: 'Confirmar' } },
          { reply: { id: 'reminder:reschedule:bk_1', title: 'Cambiar hora' } },
          { reply: { id: 'reminder:cancel:bk_1', title: 'Cancelar' } },
        ] },
      },
    });
    expect(message.ok && message.fallbackPayload?.type === 'template' && message.fallbackPayload.template.name).toBe('appointment_reminder');
  });

  it('outside the window: the template, parameters from the mapping, quick replies with the same ids', () => {
    const message = buildReminderMessage({ kind: 'reminder', rule, to: '34600000001', bookingUid: 'bk_1', values, locale: 'en', isInsideWindow: false });
    const inside = buildReminderMessage({ kind: 'reminder', rule, to: '34600000001', bookingUid: 'bk_1', values, locale: 'en', isInsideWindow: true });
    expect(message).toStrictEqual({
      ok: true,
      channel: 'template',
      payload: {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '34600000001',
        type: 'template',
        template: {
          name: 'appointment_reminder',
          language: { code: 'en_US' },
          components: [
            { type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'Mon 30 Mar, 09:30 (Madrid time, CEST)' }] },
            { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'reminder:confirm:bk_1' }] },
            { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'reminder:reschedule:bk_1' }] },
            { type: 'button', sub_type: 'quick_reply', index: '2', parameters: [{ type: 'payload', payload: 'reminder:cancel:bk_1' }] },
          ],
        },
      },
      // The same reminder as reply buttons, for a username-only customer whom Meta refuses the template (131062) inside the window.
      fallbackPayload: inside.ok ? inside.payload : undefined,
    });
    expect(message.ok && message.fallbackPayload?.type).toBe('interactive');
  });

  it('outside the window without a template there is nothing Meta would deliver', () => {
    const noTemplate = { ...rule, templateName: null, templateLanguage: null };
    expect(buildReminderMessage({ kind: 'reminder', rule: noTemplate, to: '1', bookingUid: 'bk_1', values, locale: 'en', isInsideWindow: false })).toStrictEqual({
      ok: false,
      reason: 'outside_window_no_template',
    });
  });

  it('adds the time to a reminder text that forgot it', () => {
    const message = buildReminderMessage({ kind: 'reminder', rule: { ...rule, text: 'See you soon!' }, to: '1', bookingUid: 'bk_1', values, locale: 'en', isInsideWindow: true });
    expect(message.ok && (message.payload as { interactive: { body: { text: string } } }).interactive.body.text).toBe('See you soon!\n\nMon 30 Mar, 09:30 (Madrid time, CEST)');
  });

  it('a rating follow-up offers 1–5 as list rows inside the window and as five quick replies outside it', () => {
    const ratingRule = { ...rule, asksForRating: true, templateName: 'visit_rating' };
    const inside = buildReminderMessage({ kind: 'followup', rule: ratingRule, to: '1', bookingUid: 'bk_1', values, locale: 'en', isInsideWindow: true });
    const outside = buildReminderMessage({ kind: 'followup', rule: ratingRule, to: '1', bookingUid: 'bk_1', values, locale: 'en', isInsideWindow: false });
    const rowIds = inside.ok && (inside.payload as { interactive: { action: { sections: Array<{ rows: Array<{ id: string }> }> } } }).interactive.action.sections[0]!.rows.map((r) => r.id);
    const payloads = outside.ok && (outside.payload as { template: { components: Array<{ sub_type?: string; parameters: Array<{ payload?: string }> }> } }).template.components
      .filter((c) => c.sub_type === 'quick_reply').map((c) => c.parameters[0]!.payload);
    const expected = ['rating:1:bk_1', 'rating:2:bk_1', 'rating:3:bk_1', 'rating:4:bk_1', 'rating:5:bk_1'];
    expect([rowIds, payloads]).toStrictEqual([expected, expected]);
  });

  it('a plain follow-up inside the window is a text with the title', () => {
    const message = buildReminderMessage({ kind: 'followup', rule: { ...rule, text: 'Thanks, {customer_name}!' }, to: '1', bookingUid: 'bk_1', values, locale: 'en', isInsideWindow: true });
    expect(message.ok && message.payload).toMatchObject({ type: 'text', text: { body: '*Tomorrow*\n\nThanks, Ana!' } });
  });
});

describe('rating reply ids', () => {
  it.each([
    ['rating:5:bk_abc', { rating: 5, bookingUid: 'bk_abc' }],
    ['rating:1:bk_abc', { rating: 1, bookingUid: 'bk_abc' }],
    ['rating:0:bk_abc', undefined],
    ['rating:6:bk_abc', undefined],
    ['rating:5:', undefined],
    ['reminder:confirm:bk_abc', undefined],
  ])('%s → %j', (id, expected) => {
    expect(parseRatingReplyId(id)).toStrictEqual(expected);
  });
  it('round-trips and refuses scores outside 1–5', () => {
    expect(parseRatingReplyId(toRatingReplyId('bk_x', 3))).toStrictEqual({ rating: 3, bookingUid: 'bk_x' });
    expect(() => toRatingReplyId('bk_x', 0)).toThrow('1–5');
  });
});
