import fs from 'node:fs';
import path from 'node:path';
import { checkFlowJson } from './flow-json-checker';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const root = path.join(__dirname, '../..');
const flow = JSON.parse(fs.readFileSync(path.join(root, 'flows/booking.flow.json'), 'utf8')) as Json;
const readme = fs.readFileSync(path.join(root, 'flows/README.md'), 'utf8');
const screenById = (id: string): Json => flow.screens.find((screen: Json) => screen.id === id);
const componentsOf = (id: string): Json[] => screenById(id).layout.children;
const footerOf = (id: string): Json => componentsOf(id).find((component) => component.type === 'Footer') as Json;

describe('booking.flow.json', () => {
  it('is a publishable Flow JSON 7.3 with Data API 3.0 that passes the checker', () => {
    expect(flow.version).toBe('7.3');
    expect(flow.data_api_version).toBe('3.0');
    expect(checkFlowJson(flow, { isPublishing: true })).toStrictEqual([]);
  });

  it('walks SERVICE → STAFF → DATE → TIME → DETAILS → SUMMARY', () => {
    expect(flow.screens.map((screen: Json) => screen.id)).toStrictEqual(['SERVICE', 'STAFF', 'DATE', 'TIME', 'DETAILS', 'SUMMARY']);
    expect(flow.routing_model).toStrictEqual({
      SERVICE: ['STAFF', 'DATE'],
      STAFF: ['DATE'],
      DATE: ['TIME'],
      TIME: ['DETAILS'],
      DETAILS: ['SUMMARY'],
      SUMMARY: [],
    });
    expect(screenById('SUMMARY').terminal).toBe(true);
  });

  it('binds every visible text to data so the endpoint can translate it', () => {
    const texts = flow.screens.flatMap((screen: Json) =>
      screen.layout.children.flatMap((component: Json) => ['text', 'label'].map((key) => component[key]).filter((value) => value !== undefined)),
    );

    expect(texts.length).toBeGreaterThan(15);
    expect(texts.filter((text: unknown) => typeof text !== 'string' || !/^\$\{data\.[a-z_]+\}$/.test(text))).toStrictEqual([]);
  });

  it.each([
    ['SERVICE', { screen_action: 'choose_service', service: '${form.service}' }],
    ['STAFF', { screen_action: 'choose_staff', staff: '${form.staff}', service_id: '${data.service_id}' }],
    ['DATE', { screen_action: 'choose_date', date: '${form.date}', service_id: '${data.service_id}', staff_id: '${data.staff_id}' }],
    ['TIME', { screen_action: 'choose_time', time: '${form.time}', service_id: '${data.service_id}', staff_id: '${data.staff_id}' }],
    [
      'DETAILS',
      {
        screen_action: 'submit_details',
        name: '${form.name}',
        note: '${form.note}',
        add_on_ids: '${form.add_ons}',
        service_id: '${data.service_id}',
        staff_id: '${data.staff_id}',
        slot_start: '${data.slot_start}',
        hold_id: '${data.hold_id}',
      },
    ],
    // The endpoint keeps no session state: earlier choices travel as hidden screen data (like SUMMARY's).
  ])('%s sends its inputs and the earlier choices to the endpoint with data_exchange', (id, payload) => {
    expect(footerOf(id)['on-click-action']).toStrictEqual({ name: 'data_exchange', payload });
  });

  it('completes on SUMMARY with the resolved booking fields (flow_token is added by WhatsApp)', () => {
    expect(footerOf('SUMMARY')['on-click-action']).toStrictEqual({
      name: 'complete',
      payload: {
        flow: 'booking',
        service_id: '${data.service_id}',
        staff_id: '${data.staff_id}',
        slot_start: '${data.slot_start}',
        hold_id: '${data.hold_id}',
        customer_name: '${data.customer_name}',
        note: '${data.note}',
        add_on_ids: '${data.add_on_ids}',
      },
    });
  });

  it('picks the date with a CalendarPicker fed with min, max and unavailable dates', () => {
    expect(componentsOf('DATE')[1]).toMatchObject({
      type: 'CalendarPicker',
      mode: 'single',
      'min-date': '${data.min_date}',
      'max-date': '${data.max_date}',
      'unavailable-dates': '${data.unavailable_dates}',
    });
  });

  it('prefills the name from data', () => {
    expect(componentsOf('DETAILS')[1]).toMatchObject({ type: 'TextInput', name: 'name', 'init-value': '${data.customer_name}' });
  });

  const screenRows: Array<[string, Json]> = flow.screens.map((screen: Json) => [screen.id, screen]);

  it.each(screenRows)('README documents every data field of %s', (id, screen) => {
    const section = readme.split(/^### /m).find((part) => part.startsWith(id)) ?? '';

    expect(Object.keys(screen.data).filter((field) => !section.includes(`\`${field}\``))).toStrictEqual([]);
  });
});
