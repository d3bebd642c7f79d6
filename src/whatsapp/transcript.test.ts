import { buildTranscript, describeInboundMessage, describeOutboundPayload, type TranscriptRows } from './transcript';

const at = (iso: string) => new Date(iso);
const ROWS: TranscriptRows = {
  inbound: [
    { id: 'i2', type: 'button_reply', message: { type: 'button_reply', id: 'book', title: 'Book now' }, sentAt: at('2026-03-30T06:02:00Z') },
    { id: 'i1', type: 'text', message: { type: 'text', text: 'hola' }, sentAt: at('2026-03-30T06:00:00Z') },
  ],
  outbound: [
    {
      id: 'o1',
      kind: 'reply',
      payload: { type: 'interactive', interactive: { type: 'button', body: { text: 'Welcome!' }, action: { buttons: [{ reply: { id: 'menu:book', title: 'Book' } }, { reply: { id: 'menu:talk', title: 'Talk to us' } }] } } },
      status: 'sent',
      createdAt: at('2026-03-30T06:00:00Z'),
    },
    { id: 'o2', kind: 'reply', payload: { type: 'text', text: { body: 'Here you go' } }, status: 'failed', lastError: '131047 re-engagement', createdAt: at('2026-03-30T06:03:00Z') },
  ],
};

describe('transcript', () => {
  it('plain: orders both directions by time, inbound first at equal times, text only', () => {
    expect(buildTranscript(ROWS, 'plain').map((e) => [e.id, e.direction, e.type, e.text, e.status])).toEqual([
      ['i1', 'inbound', 'text', 'hola', null],
      ['o1', 'outbound', 'interactive', 'Welcome!', 'sent'],
      ['i2', 'inbound', 'button_reply', 'Book now', null],
      ['o2', 'outbound', 'text', 'Here you go', 'failed'],
    ]);
  });

  it('rich: buttons shown, taps marked, failures with their reason', () => {
    expect(buildTranscript(ROWS, 'rich').map((e) => [e.id, e.text, e.status])).toEqual([
      ['i1', 'hola', null],
      ['o1', 'Welcome!\n[Book] [Talk to us]', 'sent'],
      ['i2', '▸ Book now', null],
      ['o2', 'Here you go', 'failed: 131047 re-engagement'],
    ]);
  });

  it('names who wrote each line: the customer, the bot, or staff (a staff reply or template)', () => {
    const rows: TranscriptRows = {
      inbound: ROWS.inbound,
      outbound: [...ROWS.outbound, { id: 'o3', kind: 'staff_reply', payload: { type: 'text', text: { body: 'Ana here, we can see you at 5' } }, status: 'sent', createdAt: at('2026-03-30T06:04:00Z') }],
    };
    expect(buildTranscript(rows, 'plain').map((e) => [e.id, e.author])).toEqual([
      ['i1', 'customer'],
      ['o1', 'bot'],
      ['i2', 'customer'],
      ['o2', 'bot'],
      ['o3', 'staff'],
    ]);
  });

  it('orders inbound messages by their arrival on our clock, not WhatsApp\'s timestamp, which may run ahead', () => {
    const rows: TranscriptRows = {
      inbound: [{ id: 'i1', type: 'text', message: { type: 'text', text: 'agent' }, sentAt: at('2026-03-30T06:00:30Z'), receivedAt: at('2026-03-30T06:00:00Z') }],
      outbound: [{ id: 'o1', kind: 'reply', payload: { type: 'text', text: { body: 'A person will answer' } }, status: 'sent', createdAt: at('2026-03-30T06:00:01Z') }],
    };
    expect(buildTranscript(rows, 'plain').map((e) => [e.id, e.at.toISOString()])).toEqual([
      ['i1', '2026-03-30T06:00:30.000Z'],
      ['o1', '2026-03-30T06:00:01.000Z'],
    ]);
    // Two messages stored by one webhook arrive together: WhatsApp's timestamps keep their order.
    const together: TranscriptRows = {
      inbound: [
        { id: 'late', type: 'text', message: { type: 'text', text: 'b' }, sentAt: at('2026-03-30T06:00:02Z'), receivedAt: at('2026-03-30T06:00:05Z') },
        { id: 'early', type: 'text', message: { type: 'text', text: 'a' }, sentAt: at('2026-03-30T06:00:01Z'), receivedAt: at('2026-03-30T06:00:05Z') },
      ],
      outbound: [],
    };
    expect(buildTranscript(together, 'plain').map((e) => e.id)).toEqual(['early', 'late']);
  });

  it('keeps our messages of one moment in their send order, whatever order the rows come in', () => {
    const moment = at('2026-03-30T06:00:00Z');
    const reply = (id: string, sequence: number, body: string) => ({ id, kind: 'reply', payload: { type: 'text', text: { body } }, status: 'sent', createdAt: moment, sequence: BigInt(sequence) });
    const rows: TranscriptRows = {
      inbound: [{ id: 'i1', type: 'text', message: { type: 'text', text: 'agent' }, sentAt: moment, receivedAt: moment }],
      // Newest first, as the repositories read them.
      outbound: [reply('o2', 8, 'A person will answer'), reply('o1', 7, 'Thanks!')],
    };
    expect(buildTranscript(rows, 'plain').map((e) => e.text)).toEqual(['agent', 'Thanks!', 'A person will answer']);
  });

  it('rich: list rows and the Flow button are shown', () => {
    const list = { type: 'interactive', interactive: { type: 'list', body: { text: 'Pick a service' }, action: { sections: [{ rows: [{ id: 'a', title: 'Haircut' }, { id: 'b', title: 'Colour' }] }] } } };
    expect(describeOutboundPayload(list, 'rich')).toBe('Pick a service\n• Haircut\n• Colour');
    const flow = { type: 'interactive', interactive: { type: 'flow', body: { text: 'Book here' }, action: { parameters: { flow_cta: 'Book now' } } } };
    expect(describeOutboundPayload(flow, 'rich')).toBe('Book here\n[Book now]');
  });

  it.each([
    [{ type: 'media', mediaType: 'image', caption: 'my rash' }, '[image] my rash', '[image] my rash'],
    [{ type: 'location', latitude: 1, longitude: 2, name: 'Home' }, '[location: Home]', '[location: Home]'],
    [{ type: 'unsupported', originalType: 'poll' }, null, '[unsupported]'],
  ])('describes inbound %j', (message, plain, rich) => {
    expect(describeInboundMessage(message, 'plain')).toBe(plain);
    expect(describeInboundMessage(message, 'rich')).toBe(rich);
  });

  it('describes a template: its name, and in the rich form its parameters', () => {
    const template = { type: 'template', template: { name: 'appointment_reminder', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'Haircut' }] }] } };
    expect(describeOutboundPayload(template, 'plain')).toBe('[template appointment_reminder]');
    expect(describeOutboundPayload(template, 'rich')).toBe('[template appointment_reminder: Ana · Haircut]');
  });
});
