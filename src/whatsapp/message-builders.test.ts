import { WHATSAPP_LIMITS } from './limits';
import {
  buildFlowMessage,
  buildListMessage,
  buildMarkReadMessage,
  buildReplyButtonsMessage,
  buildTextMessage,
} from './message-builders';
import type { InteractiveButtons, InteractiveFlow, InteractiveList, InteractiveMessageBody } from './outbound-message';
import { buildTemplateMessage } from './template-builder';
import { validateOutboundMessage } from './validate-outbound-message';

const TO = '+34600111222';
const long = (n: number, char = 'x'): string => char.repeat(n);

function buttonsOf(message: InteractiveMessageBody): InteractiveButtons {
  return message.interactive as InteractiveButtons;
}
function listOf(message: InteractiveMessageBody): InteractiveList {
  return message.interactive as InteractiveList;
}
function flowOf(message: InteractiveMessageBody): InteractiveFlow {
  return message.interactive as InteractiveFlow;
}

describe('buildTextMessage', () => {
  it('builds the Graph API text body, quoting the customer message when asked', () => {
    expect(buildTextMessage({ to: TO, text: 'Your booking is confirmed', replyToMessageId: 'wamid.IN' })).toStrictEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: TO,
      context: { message_id: 'wamid.IN' },
      type: 'text',
      text: { body: 'Your booking is confirmed', preview_url: false },
    });
  });

  it('shortens text over 4096 characters to exactly 4096 ending in …', () => {
    const message = buildTextMessage({ to: TO, text: long(5000) });
    expect(message.text.body).toHaveLength(WHATSAPP_LIMITS.textBody);
    expect(message.text.body.endsWith('…')).toBe(true);
    expect(validateOutboundMessage(message)).toStrictEqual([]);
  });

  it('keeps text of exactly 4096 characters unchanged', () => {
    expect(buildTextMessage({ to: TO, text: long(4096) }).text.body).toBe(long(4096));
  });

  it.each([
    ['empty text', { to: TO, text: '  ' }],
    ['empty recipient', { to: '', text: 'hi' }],
  ])('throws on %s', (_name, input) => {
    expect(() => buildTextMessage(input)).toThrow(RangeError);
  });
});

describe('buildReplyButtonsMessage', () => {
  const base = { to: TO, body: 'Confirm 10:30 on Tue 1 Jul?' };

  it('builds header, body, footer and reply buttons', () => {
    const message = buildReplyButtonsMessage({
      ...base,
      header: 'Booking',
      footer: 'Salon Ana',
      buttons: [
        { id: 'confirm', title: 'Confirm' },
        { id: 'change', title: 'Change' },
      ],
    });
    expect(message.interactive).toStrictEqual({
      type: 'button',
      header: { type: 'text', text: 'Booking' },
      body: { text: 'Confirm 10:30 on Tue 1 Jul?' },
      footer: { text: 'Salon Ana' },
      action: {
        buttons: [
          { type: 'reply', reply: { id: 'confirm', title: 'Confirm' } },
          { type: 'reply', reply: { id: 'change', title: 'Change' } },
        ],
      },
    });
    expect(validateOutboundMessage(message)).toStrictEqual([]);
  });

  it('shortens titles to 20, body to 1024, header and footer to 60', () => {
    const message = buildReplyButtonsMessage({
      to: TO,
      body: long(2000),
      header: long(100),
      footer: long(100),
      buttons: [{ id: 'a', title: 'Reschedule my appointment please' }],
    });
    const interactive = buttonsOf(message);
    expect(interactive.action.buttons[0]?.reply.title).toBe('Reschedule my appoi…');
    expect(interactive.body.text).toHaveLength(1024);
    expect(interactive.header?.text).toHaveLength(60);
    expect(interactive.footer?.text).toHaveLength(60);
    expect(validateOutboundMessage(message)).toStrictEqual([]);
  });

  it('shortens an emoji title without splitting the emoji', () => {
    const message = buildReplyButtonsMessage({ ...base, buttons: [{ id: 'a', title: '✅ Confirmar la cita 💇‍♀️' }] });
    expect(buttonsOf(message).action.buttons[0]?.reply.title).toBe('✅ Confirmar la cita…');
    expect(validateOutboundMessage(message)).toStrictEqual([]);
  });

  it('omits empty header and footer', () => {
    const interactive = buttonsOf(buildReplyButtonsMessage({ ...base, header: '', footer: ' ', buttons: [{ id: 'a', title: 'A' }] }));
    expect('header' in interactive || 'footer' in interactive).toBe(false);
  });

  it('accepts a 256-character id', () => {
    expect(() => buildReplyButtonsMessage({ ...base, buttons: [{ id: long(256), title: 'A' }] })).not.toThrow();
  });

  it.each([
    ['no buttons', []],
    ['four buttons', ['a', 'b', 'c', 'd'].map((id) => ({ id, title: id }))],
    ['duplicate ids', [{ id: 'a', title: 'A' }, { id: 'a', title: 'B' }]],
    ['an id over 256', [{ id: long(257), title: 'A' }]],
    ['an empty id', [{ id: '', title: 'A' }]],
    ['an empty title', [{ id: 'a', title: ' ' }]],
  ])('throws a programmer error for %s', (_name, buttons) => {
    expect(() => buildReplyButtonsMessage({ ...base, buttons })).toThrow(RangeError);
  });

  it('throws for an empty body', () => {
    expect(() => buildReplyButtonsMessage({ to: TO, body: '', buttons: [{ id: 'a', title: 'A' }] })).toThrow(RangeError);
  });
});

describe('buildListMessage', () => {
  const rows = (n: number, prefix = 'slot'): Array<{ id: string; title: string }> =>
    Array.from({ length: n }, (_, i) => ({ id: `${prefix}_${i}`, title: `10:${String(i).padStart(2, '0')}` }));

  it('builds the list body with sections and rows', () => {
    const message = buildListMessage({
      to: TO,
      body: 'Pick a time',
      buttonLabel: 'See times',
      sections: [{ title: 'Morning', rows: [{ id: 'slot_0930', title: '09:30', description: 'with Ana' }] }],
    });
    expect(message.interactive).toStrictEqual({
      type: 'list',
      body: { text: 'Pick a time' },
      action: {
        button: 'See times',
        sections: [{ title: 'Morning', rows: [{ id: 'slot_0930', title: '09:30', description: 'with Ana' }] }],
      },
    });
    expect(validateOutboundMessage(message)).toStrictEqual([]);
  });

  it('accepts 10 rows spread over sections', () => {
    const message = buildListMessage({
      to: TO,
      body: 'Pick',
      buttonLabel: 'Times',
      sections: [
        { title: 'Morning', rows: rows(6, 'am') },
        { title: 'Afternoon', rows: rows(4, 'pm') },
      ],
    });
    expect(validateOutboundMessage(message)).toStrictEqual([]);
  });

  it('shortens button label to 20, section title and row title to 24, description to 72', () => {
    const message = buildListMessage({
      to: TO,
      body: 'Pick a service',
      buttonLabel: 'Choose your service now',
      sections: [{ title: long(30, 's'), rows: [{ id: 'svc', title: long(30, 't'), description: long(100, 'd') }] }],
    });
    const { action } = listOf(message);
    expect(action.button).toBe('Choose your service…');
    expect(action.sections[0]?.title).toHaveLength(24);
    expect(action.sections[0]?.rows[0]?.title).toHaveLength(24);
    expect(action.sections[0]?.rows[0]?.description).toHaveLength(72);
    expect(validateOutboundMessage(message)).toStrictEqual([]);
  });

  it('drops an empty section title of a single-section list', () => {
    const message = buildListMessage({ to: TO, body: 'b', buttonLabel: 'l', sections: [{ title: ' ', rows: rows(2) }] });
    expect(listOf(message).action.sections[0]).toStrictEqual({ rows: rows(2) });
    expect(validateOutboundMessage(message)).toStrictEqual([]);
  });

  it('keeps a 200-character row id', () => {
    const message = buildListMessage({ to: TO, body: 'b', buttonLabel: 'l', sections: [{ rows: [{ id: long(200), title: 't' }] }] });
    expect(listOf(message).action.sections[0]?.rows[0]?.id).toHaveLength(200);
  });

  it.each([
    ['no sections', []],
    ['a section without rows', [{ title: 'A', rows: [] }]],
    ['11 rows in total', [{ title: 'A', rows: rows(6, 'a') }, { title: 'B', rows: rows(5, 'b') }]],
    ['11 sections', Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: rows(1, `s${i}`) }))],
    ['duplicate row ids across sections', [{ title: 'A', rows: rows(1) }, { title: 'B', rows: rows(1) }]],
    ['a row id over 200', [{ rows: [{ id: long(201), title: 't' }] }]],
    ['several sections without titles', [{ rows: rows(1, 'a') }, { rows: rows(1, 'b') }]],
  ])('throws a programmer error for %s', (_name, sections) => {
    expect(() => buildListMessage({ to: TO, body: 'b', buttonLabel: 'l', sections })).toThrow(RangeError);
  });
});

describe('buildFlowMessage', () => {
  it('builds a navigate Flow message with entry screen and data', () => {
    const message = buildFlowMessage({
      to: TO,
      body: 'Pick a service, date and time.',
      header: 'Book an appointment',
      flowId: '1234567890',
      flowCta: 'Book now',
      flowToken: 'ft_abc',
      screen: 'APPOINTMENT',
      data: { services: [{ id: 'cut', title: 'Haircut' }] },
    });
    expect(message.interactive).toStrictEqual({
      type: 'flow',
      header: { type: 'text', text: 'Book an appointment' },
      body: { text: 'Pick a service, date and time.' },
      action: {
        name: 'flow',
        parameters: {
          flow_message_version: '3',
          flow_id: '1234567890',
          flow_cta: 'Book now',
          flow_token: 'ft_abc',
          flow_action: 'navigate',
          flow_action_payload: { screen: 'APPOINTMENT', data: { services: [{ id: 'cut', title: 'Haircut' }] } },
        },
      },
    });
    expect(validateOutboundMessage(message)).toStrictEqual([]);
  });

  it('builds a data_exchange Flow message without a payload, by flow name, in draft mode', () => {
    const message = buildFlowMessage({ to: TO, body: 'b', flowName: 'booking_v1', flowCta: 'Book', flowToken: 't', flowAction: 'data_exchange', mode: 'draft' });
    expect(flowOf(message).action.parameters).toStrictEqual({
      flow_message_version: '3',
      flow_name: 'booking_v1',
      flow_cta: 'Book',
      flow_token: 't',
      mode: 'draft',
      flow_action: 'data_exchange',
    });
    expect(validateOutboundMessage(message)).toStrictEqual([]);
  });

  it('drops empty screen data (Meta rejects an empty data object)', () => {
    const message = buildFlowMessage({ to: TO, body: 'b', flowId: '1', flowCta: 'Book', screen: 'APPOINTMENT', data: {} });
    expect(flowOf(message).action.parameters.flow_action_payload).toStrictEqual({ screen: 'APPOINTMENT' });
  });

  it('shortens the CTA to 20 characters', () => {
    const message = buildFlowMessage({ to: TO, body: 'b', flowId: '1', flowCta: 'Book your next appointment' });
    expect(flowOf(message).action.parameters.flow_cta).toBe('Book your next appo…');
    expect(validateOutboundMessage(message)).toStrictEqual([]);
  });

  it('throws when data is given with data_exchange', () => {
    expect(() => buildFlowMessage({ to: TO, body: 'b', flowId: '1', flowCta: 'c', flowAction: 'data_exchange', screen: 'X' })).toThrow(RangeError);
  });
});

describe('buildTemplateMessage', () => {
  it('builds body parameters, a quick-reply button and a Flow button', () => {
    const message = buildTemplateMessage({
      to: TO,
      name: 'booking_reminder',
      languageCode: 'es',
      bodyParameters: ['Ana', 'martes 1 de julio, 10:30'],
      buttons: [
        { type: 'quick_reply', index: 0, payload: 'CONFIRM:bk_1' },
        { type: 'flow', index: 1, flowToken: 'ft_1', flowActionData: { booking: 'bk_1' } },
      ],
    });
    expect(message).toStrictEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: TO,
      type: 'template',
      template: {
        name: 'booking_reminder',
        language: { code: 'es' },
        components: [
          { type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'martes 1 de julio, 10:30' }] },
          { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'CONFIRM:bk_1' }] },
          { type: 'button', sub_type: 'flow', index: '1', parameters: [{ type: 'action', action: { flow_token: 'ft_1', flow_action_data: { booking: 'bk_1' } } }] },
        ],
      },
    });
    expect(validateOutboundMessage(message)).toStrictEqual([]);
  });

  it('omits components for a template without parameters', () => {
    expect(buildTemplateMessage({ to: TO, name: 'hello_world', languageCode: 'en_US' }).template).toStrictEqual({ name: 'hello_world', language: { code: 'en_US' } });
  });

  it.each([
    ['new lines and tabs become spaces', 'Calle Mayor 1\n2º izq\tMadrid', 'Calle Mayor 1 2º izq Madrid'],
    ['more than 4 spaces are squeezed to 4', 'a        b', 'a    b'],
    ['an empty parameter becomes "-"', ' ', '-'],
  ])('makes parameters acceptable to Meta: %s', (_rule, text, expected) => {
    const message = buildTemplateMessage({ to: TO, name: 't', languageCode: 'es', bodyParameters: [text] });
    expect(message.template.components?.[0]).toStrictEqual({ type: 'body', parameters: [{ type: 'text', text: expected }] });
    expect(validateOutboundMessage(message)).toStrictEqual([]);
  });

  it('throws for a button index outside 0–9', () => {
    expect(() => buildTemplateMessage({ to: TO, name: 't', languageCode: 'es', buttons: [{ type: 'quick_reply', index: 10, payload: 'p' }] })).toThrow(RangeError);
  });
});

describe('buildMarkReadMessage', () => {
  it('builds the read receipt body', () => {
    expect(buildMarkReadMessage('wamid.IN')).toStrictEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.IN' });
    expect(validateOutboundMessage(buildMarkReadMessage('wamid.IN'))).toStrictEqual([]);
  });
});

describe('recipient of every body (customers known only by a business-scoped user id)', () => {
  const BSUID = 'US.13491208655302741918';
  const builders = (to: string) => [
    buildTextMessage({ to, text: 'Hi' }),
    buildReplyButtonsMessage({ to, body: 'Pick', buttons: [{ id: 'a', title: 'A' }] }),
    buildListMessage({ to, body: 'Pick', buttonLabel: 'Open', sections: [{ rows: [{ id: 'r', title: 'R' }] }] }),
    buildFlowMessage({ to, body: 'Book', flowId: '1', flowCta: 'Book' }),
    buildTemplateMessage({ to, name: 'reminder', languageCode: 'es' }),
  ];

  it('puts a BSUID in `recipient` and leaves `to` out, in every kind of message', () => {
    for (const body of builders(BSUID)) {
      expect(body).toMatchObject({ recipient: BSUID });
      expect(body).not.toHaveProperty('to');
      expect(validateOutboundMessage(body)).toStrictEqual([]);
    }
  });

  it('keeps a phone number (or wa_id) in `to` with no `recipient`, as Meta recommends when the phone is known', () => {
    for (const address of [TO, '34600111222']) {
      for (const body of builders(address)) {
        expect(body).toMatchObject({ to: address });
        expect(body).not.toHaveProperty('recipient');
      }
    }
  });

  it('sends a parent BSUID in `recipient` too', () => {
    expect(buildTextMessage({ to: 'US.ENT.11815799212886844830', text: 'Hi' })).toMatchObject({ recipient: 'US.ENT.11815799212886844830' });
  });

  it('flags a body carrying both `to` and `recipient`, since `to` would win', () => {
    expect(validateOutboundMessage({ ...buildTextMessage({ to: TO, text: 'Hi' }), recipient: BSUID })).toStrictEqual(['send either `to` (phone) or `recipient` (BSUID), not both']);
  });
});
