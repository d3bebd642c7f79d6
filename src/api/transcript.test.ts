import { buildTranscript, describeInbound, describeOutbound } from './transcript';

describe('transcript', () => {
  it('orders both directions by time, inbound first at equal times', () => {
    const at = (iso: string) => new Date(iso);
    const transcript = buildTranscript({
      inbound: [
        { id: 'i2', type: 'button_reply', message: { type: 'button_reply', id: 'book', title: 'Book now' }, sentAt: at('2026-03-30T06:02:00Z') },
        { id: 'i1', type: 'text', message: { type: 'text', text: 'hola' }, sentAt: at('2026-03-30T06:00:00Z') },
      ],
      outbound: [
        { id: 'o1', kind: 'reply', payload: { type: 'interactive', interactive: { body: { text: 'Welcome!' } } }, status: 'sent', createdAt: at('2026-03-30T06:00:00Z') },
        { id: 'o2', kind: 'reply', payload: { type: 'text', text: { body: 'Here you go' } }, status: 'queued', createdAt: at('2026-03-30T06:03:00Z') },
      ],
    });
    expect(transcript.map((e) => [e.id, e.direction, e.text])).toEqual([
      ['i1', 'inbound', 'hola'],
      ['o1', 'outbound', 'Welcome!'],
      ['i2', 'inbound', 'Book now'],
      ['o2', 'outbound', 'Here you go'],
    ]);
  });

  it.each([
    [{ type: 'media', mediaType: 'image', caption: 'my rash' }, '[image] my rash'],
    [{ type: 'location', latitude: 1, longitude: 2, name: 'Home' }, '[location: Home]'],
    [{ type: 'unsupported', originalType: 'poll' }, null],
  ])('describes inbound %j', (message, text) => {
    expect(describeInbound(message)).toBe(text);
  });

  it('describes a template', () => {
    expect(describeOutbound({ type: 'template', template: { name: 'reminder_24h' } })).toBe('[template reminder_24h]');
  });
});
