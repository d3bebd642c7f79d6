import { validateOutboundMessage } from './validate-outbound-message';

const x = (n: number): string => 'x'.repeat(n);
const envelope = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '+34600111222' };

function buttons(overrides: { buttons?: unknown[]; body?: string; header?: string; footer?: string } = {}): unknown {
  return {
    ...envelope,
    type: 'interactive',
    interactive: {
      type: 'button',
      ...(overrides.header !== undefined && { header: { type: 'text', text: overrides.header } }),
      body: { text: overrides.body ?? 'Confirm?' },
      ...(overrides.footer !== undefined && { footer: { text: overrides.footer } }),
      action: { buttons: overrides.buttons ?? [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }] },
    },
  };
}

function list(action: Record<string, unknown>): unknown {
  const base = { button: 'Times', sections: [{ title: 'Morning', rows: [{ id: 'r1', title: '09:00' }] }] };
  return { ...envelope, type: 'interactive', interactive: { type: 'list', body: { text: 'Pick' }, action: { ...base, ...action } } };
}

function flow(parameters: Record<string, unknown>): unknown {
  const base = { flow_message_version: '3', flow_id: '1', flow_cta: 'Book' };
  return { ...envelope, type: 'interactive', interactive: { type: 'flow', body: { text: 'b' }, action: { name: 'flow', parameters: { ...base, ...parameters } } } };
}

const reply = (id: string, title: string): unknown => ({ type: 'reply', reply: { id, title } });
const rows = (n: number, prefix = 'r'): unknown[] => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, title: `t${i}` }));

describe('validateOutboundMessage', () => {
  it.each([
    ['text at 4096', { ...envelope, type: 'text', text: { body: x(4096), preview_url: false } }],
    ['buttons at every limit', buttons({ body: x(1024), header: x(60), footer: x(60), buttons: [reply(x(256), x(20)), reply('b', 'B'), reply('c', 'C')] })],
    ['list at every limit', list({ button: x(20), sections: [{ title: x(24), rows: [{ id: x(200), title: x(24), description: x(72) }, ...rows(9)] }] })],
    ['list with one untitled section', list({ sections: [{ rows: rows(1) }] })],
    ['flow at the CTA limit', flow({ flow_cta: x(20), flow_action: 'navigate', flow_action_payload: { screen: 'A', data: { a: 1 } } })],
    ['mark read', { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.1' }],
  ])('accepts %s', (_name, body) => {
    expect(validateOutboundMessage(body)).toStrictEqual([]);
  });

  it.each([
    ['a non-object', 'hello', 'body is not an object'],
    ['a wrong messaging_product', { ...envelope, messaging_product: 'sms', type: 'text', text: { body: 'a' } }, 'messaging_product must be "whatsapp"'],
    ['a missing recipient', { ...envelope, to: '', type: 'text', text: { body: 'a' } }, 'to is required'],
    ['an unknown type', { ...envelope, type: 'image' }, 'type "image" is not one we send (text, interactive, template)'],
    ['text over 4096', { ...envelope, type: 'text', text: { body: x(4097) } }, 'text.body is 4097 characters, max 4096'],
    ['empty text', { ...envelope, type: 'text', text: { body: '' } }, 'text.body is required'],
    ['interactive body over 1024', buttons({ body: x(1025) }), 'interactive.body.text is 1025 characters, max 1024'],
    ['header over 60', buttons({ header: x(61) }), 'interactive.header.text is 61 characters, max 60'],
    ['footer over 60', buttons({ footer: x(61) }), 'interactive.footer.text is 61 characters, max 60'],
    ['no buttons', buttons({ buttons: [] }), 'interactive.action.buttons: 0 items, allowed 1–3'],
    ['four buttons', buttons({ buttons: [reply('a', 'A'), reply('b', 'B'), reply('c', 'C'), reply('d', 'D')] }), 'interactive.action.buttons: 4 items, allowed 1–3'],
    ['button id over 256', buttons({ buttons: [reply(x(257), 'A')] }), 'buttons[0].reply.id is 257 characters, max 256'],
    ['button title over 20', buttons({ buttons: [reply('a', x(21))] }), 'buttons[0].reply.title is 21 characters, max 20'],
    // An emoji is two UTF-16 units: 19 letters + 1 emoji = 21.
    ['button title over 20 because of an emoji', buttons({ buttons: [reply('a', `${x(19)}💇`)] }), 'buttons[0].reply.title is 21 characters, max 20'],
    ['duplicate button ids', buttons({ buttons: [reply('a', 'A'), reply('a', 'B')] }), 'button ids must be unique: ["a"] repeated'],
    ['duplicate button titles', buttons({ buttons: [reply('a', 'A'), reply('b', 'A')] }), 'button titles must be unique: ["A"] repeated'],
    ['list button label over 20', list({ button: x(21) }), 'interactive.action.button is 21 characters, max 20'],
    ['11 rows in total', list({ sections: [{ title: 'A', rows: rows(6, 'a') }, { title: 'B', rows: rows(5, 'b') }] }), 'list rows (all sections): 11 items, allowed 1–10'],
    ['11 sections', list({ sections: Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: [] })) }), 'interactive.action.sections: 11 items, allowed 1–10'],
    ['section title over 24', list({ sections: [{ title: x(25), rows: rows(1) }] }), 'sections[0].title is 25 characters, max 24'],
    ['untitled section among several', list({ sections: [{ rows: rows(1, 'a') }, { title: 'B', rows: rows(1, 'b') }] }), 'sections[0].title is required'],
    ['row id over 200', list({ sections: [{ title: 'A', rows: [{ id: x(201), title: 't' }] }] }), 'rows[0].id is 201 characters, max 200'],
    ['row title over 24', list({ sections: [{ title: 'A', rows: [{ id: 'r', title: x(25) }] }] }), 'rows[0].title is 25 characters, max 24'],
    ['row description over 72', list({ sections: [{ title: 'A', rows: [{ id: 'r', title: 't', description: x(73) }] }] }), 'rows[0].description is 73 characters, max 72'],
    ['duplicate row ids', list({ sections: [{ title: 'A', rows: [{ id: 'r', title: 'a' }, { id: 'r', title: 'b' }] }] }), 'row ids must be unique: ["r"] repeated'],
    ['flow CTA over 20', flow({ flow_cta: x(21) }), 'flow_cta is 21 characters, max 20'],
    ['wrong flow_message_version', flow({ flow_message_version: '2' }), 'flow_message_version must be "3"'],
    ['both flow_id and flow_name', flow({ flow_name: 'n' }), 'exactly one of flow_id or flow_name is required'],
    ['payload with data_exchange', flow({ flow_action: 'data_exchange', flow_action_payload: { screen: 'A' } }), 'flow_action_payload is only allowed with flow_action "navigate"'],
    ['empty flow data', flow({ flow_action_payload: { screen: 'A', data: {} } }), 'flow_action_payload.data must be a non-empty object'],
    [
      'template parameter with a new line',
      { ...envelope, type: 'template', template: { name: 't', language: { code: 'es' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'a\nb' }] }] } },
      'components[0].parameters[0].text has a new line or tab',
    ],
    [
      'template parameter with 5 spaces',
      { ...envelope, type: 'template', template: { name: 't', language: { code: 'es' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'a     b' }] }] } },
      'components[0].parameters[0].text has more than 4 consecutive spaces',
    ],
    ['template without language', { ...envelope, type: 'template', template: { name: 't' } }, 'template.language.code is required'],
    ['mark read without id', { messaging_product: 'whatsapp', status: 'read' }, 'message_id is required'],
  ])('reports %s', (_name, body, violation) => {
    expect(validateOutboundMessage(body)).toContain(violation);
  });
});
