import type { MessageDescriptor } from '../../machines/conversation-types';
import { validateOutboundMessage } from '../whatsapp';
import { formatDuration, formatMoney, renderMessage, renderText } from './render-message';

const TO = '+34600000001';
const ZONE = 'Europe/Madrid';

describe('renderMessage', () => {
  it('renders the menu as reply buttons in the customer language', () => {
    const descriptor: MessageDescriptor = {
      kind: 'buttons',
      key: 'menu.welcome',
      params: { businessName: 'Clínica Sol' },
      buttons: [
        { id: 'menu:book', key: 'menu.book' },
        { id: 'menu:appointments', key: 'menu.appointments' },
        { id: 'menu:talk', key: 'menu.talk' },
      ],
    };
    const body = renderMessage({ descriptor, locale: 'es', to: TO, timeZone: ZONE });
    expect(body).toMatchObject({
      to: TO,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: '¡Hola! Te damos la bienvenida. Estás hablando con Clínica Sol. ¿Qué te gustaría hacer?' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'menu:book', title: 'Reservar cita' } },
            { type: 'reply', reply: { id: 'menu:appointments', title: 'Mis citas' } },
            { type: 'reply', reply: { id: 'menu:talk', title: 'Hablar con nosotros' } },
          ],
        },
      },
    });
    expect(validateOutboundMessage(body)).toEqual([]);
  });

  it('renders time rows from ISO instants in the business zone and names the zone in the body', () => {
    const descriptor: MessageDescriptor = {
      kind: 'list',
      key: 'book.chooseTime',
      params: { day: { kind: 'day', date: '2026-03-30' }, zone: { kind: 'zone', iso: '2026-03-30T07:00:00.000Z' } },
      buttonKey: 'book.timesButton',
      sections: [
        {
          rows: [
            { id: 'slot:2026-03-30T07:00:00.000Z|a', slotStart: '2026-03-30T07:00:00.000Z', descriptionKey: 'book.slotWithStaff', params: { staff: 'Ana' } },
            { id: 'slot:2026-03-31T16:30:00.000Z|a', slotStart: '2026-03-31T16:30:00.000Z', isDayShown: true },
            { id: 'slots:more', labelKey: 'book.laterTimes' },
          ],
        },
      ],
    };
    const body = renderMessage({ descriptor, locale: 'pt', to: TO, timeZone: ZONE });
    expect(body).toMatchObject({
      interactive: {
        type: 'list',
        body: { text: 'Horários livres em seg 30 mar (horário de Madrid, CEST):' },
        action: {
          button: 'Horários',
          sections: [
            {
              rows: [
                { id: 'slot:2026-03-30T07:00:00.000Z|a', title: '09:00', description: 'com Ana' },
                { id: 'slot:2026-03-31T16:30:00.000Z|a', title: 'ter 31 mar, 18:30' },
                { id: 'slots:more', title: 'Mais tarde' },
              ],
            },
          ],
        },
      },
    });
  });

  it('renders day rows, service rows with duration and price, and shortens over-long names', () => {
    const days = renderMessage({
      descriptor: { kind: 'list', key: 'book.chooseDay', params: { service: 'Haircut' }, buttonKey: 'book.daysButton', sections: [{ rows: [{ id: 'day:2026-03-30', date: '2026-03-30' }] }] },
      locale: 'en',
      to: TO,
      timeZone: ZONE,
    });
    expect(days).toMatchObject({ interactive: { action: { sections: [{ rows: [{ id: 'day:2026-03-30', title: 'Mon 30 Mar' }] }] } } });

    const services = renderMessage({
      descriptor: {
        kind: 'list',
        key: 'book.chooseService',
        buttonKey: 'book.servicesButton',
        sections: [
          {
            rows: [
              {
                id: 'service:long',
                label: 'Full colour, cut, wash and styling with treatment',
                descriptionKey: 'book.serviceDescription',
                params: { duration: { kind: 'duration', minutes: 150 }, price: { kind: 'money', amount: '120.50', currency: 'EUR' } },
              },
            ],
          },
        ],
      },
      locale: 'es',
      to: TO,
      timeZone: ZONE,
    });
    expect(services).toMatchObject({ interactive: { action: { sections: [{ rows: [{ title: 'Full colour, cut, wash…', description: '2 h 30 min · 120,50\u00a0€' }] }] } } });
    expect(validateOutboundMessage(services)).toEqual([]);
  });

  it('renders the confirmation with local time, zone and price, in each language', () => {
    const descriptor: MessageDescriptor = {
      kind: 'text',
      key: 'book.confirmed',
      params: {
        service: 'Haircut',
        staff: 'Ana',
        when: { kind: 'dateTime', iso: '2026-04-02T08:00:00.000Z', timeZone: 'Europe/Madrid' },
        price: { kind: 'money', amount: '25.00', currency: 'EUR' },
        calendar: { kind: 'calendarLink', url: 'https://clinic.example/calendar/bookings/abc.ics' },
      },
    };
    const en = renderMessage({ descriptor, locale: 'en', to: TO, timeZone: 'UTC' });
    expect(en).toMatchObject({ text: { body: expect.stringMatching(/\n\n📅 Add to calendar: https:\/\/clinic\.example\/calendar\/bookings\/abc\.ics$/) } });
    const withoutLink = renderMessage({ descriptor: { ...descriptor, params: { ...descriptor.params, calendar: { kind: 'calendarLink', url: null } } }, locale: 'en', to: TO, timeZone: 'UTC' });
    expect(withoutLink).toMatchObject({ text: { body: expect.stringMatching(/My appointments\.$/) } });
    expect(en).toMatchObject({ type: 'text', text: { body: expect.stringContaining('Thu 2 Apr, 10:00 (Madrid time, CEST)') } });
    expect(en).toMatchObject({ text: { body: expect.stringContaining('Price: €25.00') } });
    const pt = renderMessage({ descriptor, locale: 'pt', to: TO, timeZone: 'UTC' });
    expect(pt).toMatchObject({ text: { body: expect.stringContaining('qui 2 abr, 10:00 (horário de Madrid, CEST)') } });
  });

  it('a staff name can be a catalog text ("any available")', () => {
    expect(renderText('book.slotWithStaff', { staff: { kind: 'message', key: 'book.anyStaff' } }, { locale: 'es', timeZone: ZONE })).toBe('con Cualquiera disponible');
  });

  it('a missing param or an unknown key is a bug and throws', () => {
    expect(() => renderText('book.chooseDay', {}, { locale: 'en', timeZone: ZONE })).toThrow(/\{service\}/);
    expect(() => renderMessage({ descriptor: { kind: 'text', key: 'no.such.key' }, locale: 'en', to: TO, timeZone: ZONE })).toThrow(/no key/);
  });

  it('quotes the inbound message when asked', () => {
    expect(renderMessage({ descriptor: { kind: 'text', key: 'menu.prompt' }, locale: 'en', to: TO, timeZone: ZONE, replyToMessageId: 'wamid.X' })).toMatchObject({ context: { message_id: 'wamid.X' } });
  });
});

describe('formatMoney / formatDuration', () => {
  it.each([
    ['60.00', 'EUR', 'en', '€60.00'],
    ['60.00', 'EUR', 'es', '60,00 €'],
    ['60.00', 'BRL', 'pt', 'R$ 60,00'],
    ['12.5', 'points', 'en', '12.50 points'],
    ['free', 'EUR', 'en', 'free EUR'],
  ] as const)('%s %s in %s → %s', (amount, currency, locale, text) => {
    expect(formatMoney(amount, currency, locale).replace(/\u00a0/g, ' ')).toBe(text);
  });

  it.each([
    [30, '30 min'],
    [60, '1 h'],
    [90, '1 h 30 min'],
  ])('%i minutes → %s', (minutes, text) => {
    expect(formatDuration(minutes)).toBe(text);
  });
});
