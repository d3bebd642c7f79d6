/**
 * What a new customer notices in the dialogue (issue 21): the language of their own words, typed
 * answers to lists, the hand-off acknowledgement and its way back, the staff member in a
 * reschedule summary, and names in the customer's language. Over the real pipeline.
 */
import request from 'supertest';
import { DEMO } from '../../prisma/seed';
import { createApiKey } from '../../src/api';
import { createBookingService } from '../../src/booking';
import { startChannel, type ChannelHarness } from '../support/channel-harness';
import { setupDemo, type DemoHandles } from '../support/demo';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

type Msg = Record<string, any>;
const text = (body: string) => ({ type: 'text', text: { body } });
const button = (id: string, title = 'x') => ({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id, title } } });
const row = (id: string, title = 'x') => ({ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id, title } } });
const textOf = (m: Msg) => (m.text?.body ?? m.interactive?.body?.text ?? '') as string;
const buttonsOf = (m: Msg) => (m.interactive?.action?.buttons ?? []).map((b: Msg) => b.reply.id as string);
const rowsOf = (m: Msg): Array<{ id: string; title: string; description?: string }> => (m.interactive?.action?.sections ?? []).flatMap((s: Msg) => s.rows);
const last = <T>(items: T[]) => items[items.length - 1]!;

describe('dialogue (issue 21)', () => {
  let db: TestDatabase;
  let demo: DemoHandles;
  let channel: ChannelHarness;

  beforeAll(async () => {
    db = await createTestDatabase();
    demo = await setupDemo(db.prisma);
    channel = await startChannel(db);
  });
  afterAll(async () => {
    await channel.stop();
    await db.drop();
  });

  const localeOf = async (waId: string) => (await db.prisma.customer.findFirstOrThrow({ where: { waId } })).locale;

  describe('4. emergencies are answered in the language they are written in', () => {
    it('"Tengo dolor en el pecho" from a new customer: the Spanish emergency text', async () => {
      const replies = await channel.send('34633000001', text('Tengo dolor en el pecho'));
      expect(textOf(replies[0]!)).toMatch(/^Si es una emergencia, llama ahora/);
      expect(await localeOf('34633000001')).toBe('es');
    });

    it('"Estou com dor no peito" from a new customer: the Portuguese emergency text', async () => {
      const replies = await channel.send('34633000002', text('Estou com dor no peito'));
      expect(textOf(replies[0]!)).toMatch(/^Se for uma emergência, ligue agora/);
    });

    it('the business sets the text per language in the settings', async () => {
      const { key } = await createApiKey(db.prisma, { businessId: demo.businessId, role: 'admin', name: 'dialogue test' });
      const patch = await request(channel.app)
        .patch('/v1/settings')
        .set('x-api-key', key)
        .send({ emergencyText: 'Call 112 now, then us.', emergencyTexts: { es: 'Llame al 112 ahora.' } });
      expect(patch.status).toBe(200);
      expect(patch.body).toMatchObject({ emergencyText: 'Call 112 now, then us.', emergencyTexts: { es: 'Llame al 112 ahora.' } });
      try {
        expect(textOf((await channel.send('34633000003', text('no puedo respirar')))[0]!)).toBe('Llame al 112 ahora.');
        expect(textOf((await channel.send('34633000004', text('I have chest pain')))[0]!)).toBe('Call 112 now, then us.');
        // No Portuguese text: the built-in one in Portuguese, never the English text.
        expect(textOf((await channel.send('34633000005', text('não consigo respirar')))[0]!)).toMatch(/^Se for uma emergência/);
      } finally {
        await db.prisma.business.update({ where: { id: demo.businessId }, data: { emergencyText: null, emergencyTexts: {} } });
      }
    });
  });

  describe('5. the language follows what the customer writes', () => {
    it('after Portuguese, an English question gets an English answer; one word never switches', async () => {
      const from = '34633000011';
      await channel.send(from, text('Olá, bom dia'));
      expect(await localeOf(from)).toBe('pt');
      const help = await channel.send(from, text('what is the wifi password here'));
      expect(textOf(last(help))).toMatch(/^I can help you book/);
      expect(await localeOf(from)).toBe('en');
      await channel.send(from, text('obrigado'));
      expect(await localeOf(from)).toBe('en');
    });

    it('a tap never switches the language', async () => {
      const from = '34633000012';
      await channel.send(from, text('Hola'));
      await channel.send(from, button('menu:book', 'Book appointment'));
      expect(await localeOf(from)).toBe('es');
    });
  });

  describe('6. typed answers to the lists', () => {
    it('"Hola, quiero una cita" starts booking in Spanish; then a name, a number, "mañana" and a time book it', async () => {
      const from = '34633000021';
      const services = last(await channel.send(from, text('Hola, quiero una cita')));
      expect((services as Msg).interactive.type).toBe('list');
      expect(textOf(services)).toMatch(/servicio/);
      const staff = last(await channel.send(from, text('consulta')));
      expect(rowsOf(staff)[0]!.id).toBe('staff:any');
      const days = last(await channel.send(from, text('1')));
      expect(rowsOf(days)[0]!.id).toMatch(/^day:/);
      const tomorrow = rowsOf(days)[1]!.id.slice('day:'.length);
      const times = last(await channel.send(from, text('mañana')));
      expect(textOf(times)).toContain(tomorrow.slice(8, 10).replace(/^0/, ''));
      const firstTime = rowsOf(times)[0]!;
      const summary = last(await channel.send(from, text(firstTime.title)));
      expect(buttonsOf(summary)).toEqual(['summary:confirm', 'summary:change']);
      await channel.send(from, text('confirmar'));
      const bookings = await db.prisma.booking.findMany({ where: { customer: { waId: from } } });
      expect(bookings).toHaveLength(1);
      expect(bookings[0]!.startsAt.toISOString().slice(0, 10)).toBe(tomorrow);
    });

    it('"Consultation" and "any available please" typed in English', async () => {
      const from = '34633000022';
      await channel.send(from, text('hi'));
      const services = last(await channel.send(from, button('menu:book')));
      expect(rowsOf(services).length).toBeGreaterThan(1);
      const staff = last(await channel.send(from, text('Consultation')));
      expect(textOf(staff)).toMatch(/Who would you like for Consultation/);
      const days = last(await channel.send(from, text('any available please')));
      expect(textOf(days)).toMatch(/Which day suits you/);
      const unknown = await channel.send(from, text('sometime soonish'));
      expect(textOf(unknown[0]!)).toMatch(/didn't get that/);
    });
  });

  describe('7. the day list pages through the whole booking window', () => {
    it('"Later dates" goes on past the tenth day to the end of the 60-day window, "Earlier dates" comes back', async () => {
      const from = '34633000071';
      await channel.send(from, text('hi'));
      const services = last(await channel.send(from, button('menu:book')));
      await channel.send(from, row(rowsOf(services).find((r) => r.id.includes(demo.services.consultation))!.id));
      let days = last(await channel.send(from, row('staff:any')));
      const firstPage = rowsOf(days).map((r) => r.id);
      expect(firstPage.at(-1)).toBe('days:later');
      expect(rowsOf(days).find((r) => r.id === 'days:later')!.title).toBe('Later dates');
      const seen: string[] = [];
      for (let page = 0; page < 20 && rowsOf(days).some((r) => r.id === 'days:later'); page += 1) {
        seen.push(...rowsOf(days).filter((r) => r.id.startsWith('day:')).map((r) => r.id.slice(4)));
        expect(rowsOf(days).length).toBeLessThanOrEqual(10);
        days = last(await channel.send(from, row('days:later')));
        expect(rowsOf(days)[0]!.id).toBe('days:earlier');
      }
      seen.push(...rowsOf(days).filter((r) => r.id.startsWith('day:')).map((r) => r.id.slice(4)));
      // Every weekday of the window (the demo is closed at weekends), up to 60 days ahead.
      const window = (await createBookingService({ prisma: db.prisma, clock: channel.clock }).findSlots({ businessId: demo.businessId, serviceId: demo.services.consultation })).slots;
      expect(seen).toEqual([...new Set(window.map((slot) => slot.localDate))]);
      expect(seen.length).toBeGreaterThan(10);
      const back = last(await channel.send(from, row('days:earlier')));
      expect(rowsOf(back).at(-1)!.id).toBe('days:later');
      // Typed, too: "later dates" picks the row.
      const typed = last(await channel.send(from, text('later dates')));
      expect(rowsOf(typed)[0]!.id).toBe('days:earlier');
    });
  });

  describe('8. a time chosen in the lists is held like the Flow holds it', () => {
    it('while the customer reads "Shall I book it?", another booking of that time is refused; Change releases it', async () => {
      const from = '34633000061';
      await channel.send(from, text('hi'));
      const services = last(await channel.send(from, button('menu:book')));
      const staff = last(await channel.send(from, row(rowsOf(services).find((r) => r.id.includes(demo.services.consultation))!.id)));
      const days = last(await channel.send(from, row(`staff:${demo.staff.ana}`)));
      const times = last(await channel.send(from, row(rowsOf(days)[0]!.id)));
      const tapped = rowsOf(times)[0]!.id;
      const start = new Date(tapped.slice('slot:'.length, tapped.lastIndexOf('|')));
      const summary = last(await channel.send(from, row(tapped)));
      expect(textOf(summary)).toMatch(/Shall I book it\?/);
      expect(rowsOf(staff).length).toBeGreaterThan(1);
      const [other] = await demo.createCustomers(1, '3463399');
      const bookings = createBookingService({ prisma: db.prisma, clock: channel.clock });
      const attempt = () => bookings.confirmSlot({ businessId: demo.businessId, customerId: other!, serviceId: demo.services.consultation, staffId: demo.staff.ana, start, source: 'api', actor: 'test' });
      expect((await attempt()).ok).toBe(false);
      await channel.send(from, button('summary:change'));
      expect(await db.prisma.slotHold.count({ where: { customer: { waId: from } } })).toBe(0);
      const after = await attempt();
      expect(after.ok).toBe(true);
      if (after.ok) await db.prisma.booking.update({ where: { id: after.booking.id }, data: { status: 'cancelled' } });
    });
  });

  describe('9. a hand-off acknowledges at once and has a way back', () => {
    it('says when the team answers; "menu" asks, "Yes" returns to the bot; the staff alert reaches the demo number', async () => {
      const from = '34633000031';
      // The demo seed's alert number (test/support/demo.ts takes it away from the other tests), and
      // the real time, so the alert queued for "now" is due and sent while the test waits.
      await db.prisma.staff.update({ where: { id: demo.staff.ana }, data: { whatsappNumber: DEMO.staffAlertNumber } });
      const testNow = channel.clock.now();
      channel.clock.set(new Date());
      let started: Msg[];
      try {
        started = await channel.send(from, text('I want to talk to a person'));
      } finally {
        channel.clock.set(testNow);
        await db.prisma.staff.update({ where: { id: demo.staff.ana }, data: { whatsappNumber: null } });
      }
      expect(started).toHaveLength(1);
      expect(textOf(started[0]!)).toContain('during opening hours (Mon–Fri 09:00–13:00, 14:00–18:00; Sat 10:00–14:00)');
      const alert = channel.graph.messages().find((m) => String(m.to).replace('+', '') === DEMO.staffAlertNumber.replace('+', ''));
      expect(alert).toMatchObject({ type: 'template' });
      expect(await channel.send(from, text('hello? anyone?'))).toEqual([]);
      const question = await channel.send(from, text('menu'));
      expect(buttonsOf(question[0]!)).toEqual(['handoff:leave', 'handoff:stay']);
      const stay = await channel.send(from, button('handoff:stay'));
      expect(textOf(stay[0]!)).toMatch(/^OK, a person from the team will answer you here during opening hours/);
      expect((await db.prisma.conversation.findFirstOrThrow({ where: { customer: { waId: from } } })).isHandoff).toBe(true);
      await channel.send(from, text('bot'));
      const back = await channel.send(from, button('handoff:leave'));
      expect(textOf(last(back))).toMatch(/back with the Demo Clinic assistant/);
      expect((await db.prisma.conversation.findFirstOrThrow({ where: { customer: { waId: from } } })).isHandoff).toBe(false);
    });
  });

  describe('10. the reschedule summary names the staff member', () => {
    it('moving a booking with Dr. Ana García asks "with Dr. Ana García", not "Any available"', async () => {
      const from = '34633000041';
      await channel.send(from, text('hi'));
      const customer = await db.prisma.customer.findFirstOrThrow({ where: { waId: from } });
      const bookings = createBookingService({ prisma: db.prisma, clock: channel.clock });
      const { slots } = await bookings.findSlots({ businessId: demo.businessId, serviceId: demo.services.consultation, staffId: demo.staff.ana });
      const booked = await bookings.confirmSlot({ businessId: demo.businessId, customerId: customer.id, serviceId: demo.services.consultation, staffId: demo.staff.ana, start: slots[12]!.start, source: 'api', actor: 'test' });
      if (!booked.ok) throw new Error('could not book');
      const list = last(await channel.send(from, button('menu:appointments')));
      const actions = last(await channel.send(from, row(rowsOf(list)[0]!.id)));
      const days = last(await channel.send(from, button(buttonsOf(actions)[0]!)));
      const times = last(await channel.send(from, row(rowsOf(days)[0]!.id)));
      expect(rowsOf(times)[0]!.description).toBe('with Dr. Ana García');
      const summary = last(await channel.send(from, row(rowsOf(times)[0]!.id)));
      expect(textOf(summary)).toMatch(/^Move your \*Consultation\* with Dr\. Ana García\n/);
    });
  });

  describe('11. names and texts in the customer language', () => {
    it('Portuguese texts need no article before the business name; service names come translated', async () => {
      const from = '34633000051';
      const welcome = await channel.send(from, text('Olá'));
      expect(textOf(last(welcome))).toBe('Olá! Boas-vindas! Você está falando com Demo Clinic. O que você gostaria de fazer?');
      const services = last(await channel.send(from, button('menu:book')));
      expect(rowsOf(services).map((r) => r.title)).toEqual(['Consulta', 'Retorno', 'Sessão de fisioterapia']);
      const handoff = await channel.send(from, text('quero falar com uma pessoa'));
      expect(textOf(handoff[0]!)).toMatch(/^Obrigado! Uma pessoa da equipe \(Demo Clinic\)/);
    });

    it('names are set per language through the API', async () => {
      const { key } = await createApiKey(db.prisma, { businessId: demo.businessId, role: 'admin', name: 'names test' });
      const res = await request(channel.app).patch(`/v1/staff/${demo.staff.carla}`).set('x-api-key', key).send({ names: { es: 'Carla Ruiz (fisio)' } });
      expect(res.status).toBe(200);
      expect(res.body.names).toEqual({ es: 'Carla Ruiz (fisio)' });
      const service = await request(channel.app).patch(`/v1/services/${demo.services.physio}`).set('x-api-key', key).send({ names: { es: 'Fisioterapia' } });
      expect(service.body.names).toEqual({ es: 'Fisioterapia' });
      const bad = await request(channel.app).patch(`/v1/services/${demo.services.physio}`).set('x-api-key', key).send({ names: { fr: 'Kiné' } });
      expect(bad.status).toBe(400);
    });
  });
});
