import { buildDayList, buildMenuMessage, buildServiceList, buildSlotList, buildStaffList } from '../../machines/conversation-messages';
import { SERVICES, SLOTS, STAFF, TEST_TIME_ZONE } from '../../machines/conversation-fixtures';
import type { Locale, MessageDescriptor } from '../../machines/conversation-types';
import { matchTypedChoice } from './match-choice';

const CONSULTATION = { id: 'svc-cons', name: 'Consultation', names: { es: 'Consulta médica' }, durationMinutes: 30, price: '60.00', currency: 'EUR' };
const PHYSIO = { id: 'svc-physio', name: 'Physiotherapy session', durationMinutes: 45, price: '50.00', currency: 'EUR' };
const SERVICE_LIST = buildServiceList([CONSULTATION, PHYSIO]);
const STAFF_LIST = buildStaffList(CONSULTATION, [{ id: 'stf-ana', name: 'Dr. Ana García' }, { id: 'stf-ben', name: 'Dr. Ben Okafor' }]);
// Monday 30 March 2026 is "today".
const DAY_LIST = buildDayList(CONSULTATION, ['2026-03-30', '2026-03-31', '2026-04-01', '2026-04-03', '2026-04-06']);
const SLOT_LIST = buildSlotList('2026-03-30', SLOTS.slice(0, 4), false);

const match = (text: string, step: MessageDescriptor, locale: Locale = 'en') => matchTypedChoice({ text, step, locale, timeZone: TEST_TIME_ZONE, today: '2026-03-30' });

describe('matchTypedChoice', () => {
  it.each([
    ['Consultation', 'service:svc-cons'],
    ['consultation please', 'service:svc-cons'],
    ['2', 'service:svc-physio'],
    ['the 1 please', 'service:svc-cons'],
    ['PHYSIO', 'service:svc-physio'],
    ['physio session', 'service:svc-physio'],
    ['consul', 'service:svc-cons'],
  ])('services: %j → %s', (text, id) => {
    expect(match(text, SERVICE_LIST)).toBe(id);
  });

  it('matches the title in the reader language, accents and case aside', () => {
    expect(match('consulta medica', SERVICE_LIST, 'es')).toBe('service:svc-cons');
    expect(match('CONSULTA', SERVICE_LIST, 'es')).toBe('service:svc-cons');
  });

  it.each([
    ['any available please', 'staff:any'],
    ['Any', 'staff:any'],
    ['ana', 'staff:stf-ana'],
    ['Dr. Ben Okafor', 'staff:stf-ben'],
    ['3', 'staff:stf-ben'],
  ])('staff: %j → %s', (text, id) => {
    expect(match(text, STAFF_LIST)).toBe(id);
  });

  it.each([
    ['today', 'day:2026-03-30'],
    ['tomorrow', 'day:2026-03-31'],
    ['mañana', 'day:2026-03-31'],
    ['amanhã', 'day:2026-03-31'],
    ['Friday', 'day:2026-04-03'],
    ['viernes', 'day:2026-04-03'],
    ['sexta-feira', 'day:2026-04-03'],
    ['monday', 'day:2026-03-30'],
    ['3/4', 'day:2026-04-03'],
    ['2026-04-01', 'day:2026-04-01'],
    ['2', 'day:2026-03-31'],
  ])('days: %j → %s', (text, id) => {
    expect(match(text, DAY_LIST)).toBe(id);
  });

  it('times: the time as shown, with or without the leading zero', () => {
    expect(match('09:30', SLOT_LIST)).toBe(`slot:${SLOTS[1]!.start}|${SLOTS[1]!.staffId}`);
    expect(match('9:30', SLOT_LIST)).toBe(`slot:${SLOTS[1]!.start}|${SLOTS[1]!.staffId}`);
  });

  it('menu buttons by number or title', () => {
    expect(match('1', buildMenuMessage())).toBe('menu:book');
    expect(match('my appointments', buildMenuMessage())).toBe('menu:appointments');
  });

  it.each([
    ['Dr', STAFF_LIST],
    ['thursday', DAY_LIST],
    ['7', SERVICE_LIST],
    ['what is the price', SERVICE_LIST],
    ['qwerty zxcv plonk', SERVICE_LIST],
    ['cuánto cuesta la consulta', SERVICE_LIST],
    ['', SERVICE_LIST],
  ] as const)('ambiguous or unknown %j matches nothing', (text, step) => {
    expect(match(text, step)).toBeUndefined();
  });

  it('a text step has nothing to pick', () => {
    expect(match('1', { kind: 'text', key: 'menu.prompt' })).toBeUndefined();
  });

  it('the fixtures the machine tests use still parse', () => {
    expect(match('haircut', buildServiceList(SERVICES))).toBe('service:svc-cut');
    expect(match('benedita', buildStaffList(SERVICES[0]!, STAFF))).toBe('staff:stf-ben');
  });
});
