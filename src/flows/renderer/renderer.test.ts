/**
 * The shared Flow renderer against Meta's own Flow JSON examples (test/fixtures/flows/flow-json)
 * and our booking Flow: every component it draws, every binding form, validation, the answer
 * checker and the open-Flow steps (navigate, data_exchange, complete, Back, snackbar, 427, refusals).
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  acceptAnswer,
  checkScreenData,
  currentScreen,
  evaluateExpression,
  goBack,
  openFlowRun,
  renderScreen,
  setFormValues,
  tapFooter,
  validateForm,
  type FlowDocument,
  type FlowEndpointRequest,
  type FlowTransport,
  type RenderedComponent,
  type TransportResult,
} from '.';

const FIXTURES = path.join(__dirname, '../../../test/fixtures/flows/flow-json');
const examples = (file: string): Record<string, FlowDocument> => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8'));
const single = (file: string): FlowDocument => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8'));
const BOOKING: FlowDocument = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../flows/booking.flow.json'), 'utf8'));

/** The screen's data as the Flow JSON's own `__example__` values (what Meta's preview shows). */
function exampleData(flow: FlowDocument, screenId: string): Record<string, unknown> {
  const screen = flow.screens.find((s) => s.id === screenId)!;
  return Object.fromEntries(Object.entries(screen.data ?? {}).map(([key, declaration]) => [key, declaration.__example__]));
}

function componentsOf(flow: FlowDocument, screenId: string, form: Record<string, unknown> = {}): RenderedComponent[] {
  const model = renderScreen(flow, screenId, { data: exampleData(flow, screenId), form });
  return model.footer ? [...model.components, model.footer] : model.components;
}

function find(components: RenderedComponent[], type: string): RenderedComponent {
  const found = components.find((component) => component.type === type);
  if (!found) throw new Error(`no ${type} in ${components.map((c) => c.type).join(', ')}`);
  return found;
}

describe('Flow renderer: components', () => {
  const v21 = examples('flows_2_1_examples.json');
  const v40 = examples('flows_4_0_examples.json');
  const v61 = examples('flows_6_1_examples.json');
  it.each([
    // [component, flow, screen, property, expected resolved value]
    ['TextHeading', BOOKING, 'SERVICE', 'text', 'Book an appointment'],
    ['RadioButtonsGroup', BOOKING, 'SERVICE', 'label', 'Service'],
    ['Footer', BOOKING, 'SERVICE', 'label', 'Continue'],
    ['CalendarPicker', BOOKING, 'DATE', 'mode', 'single'],
    ['Dropdown', BOOKING, 'TIME', 'label', exampleData(BOOKING, 'TIME').time_label],
    ['TextInput', BOOKING, 'DETAILS', 'label', exampleData(BOOKING, 'DETAILS').name_label],
    ['TextArea', BOOKING, 'DETAILS', 'label', exampleData(BOOKING, 'DETAILS').note_label],
    ['CheckboxGroup', BOOKING, 'DETAILS', 'label', exampleData(BOOKING, 'DETAILS').add_ons_label],
    ['TextSubheading', BOOKING, 'SUMMARY', 'text', exampleData(BOOKING, 'SUMMARY').service_text],
    ['TextBody', BOOKING, 'SUMMARY', 'text', exampleData(BOOKING, 'SUMMARY').add_ons_text],
    ['TextCaption', BOOKING, 'SUMMARY', 'text', exampleData(BOOKING, 'SUMMARY').name_text],
    ['EmbeddedLink', v21.sign_in!, 'SIGN_IN', 'text', "Don't have an account? Sign up"],
    ['OptIn', v21.sign_in!, 'SIGN_UP', 'label', 'I agree with the terms.'],
    ['DatePicker', v40.date_picker_dates_str!, v40.date_picker_dates_str!.screens[0]!.id, 'label', find(componentsOf(v40.date_picker_dates_str!, v40.date_picker_dates_str!.screens[0]!.id), 'DatePicker').props.label],
    ['CalendarPicker', v61.calendar_picker_single_mode!, 'DEMO_SCREEN', 'unavailable-dates', ['2024-11-28', '2024-11-01']],
  ].map(([type, flow, screenId, property, expected]) => [type, screenId, property, expected, flow]) as Array<[string, string, string, unknown, FlowDocument]>)('%s on screen %s shows its %s', (type, screenId, property, expected, flow) => {
    expect(find(componentsOf(flow, screenId), type).props[property]).toStrictEqual(expected);
  });

  it('options of a selection come from its data-source binding', () => {
    const radio = find(componentsOf(BOOKING, 'SERVICE'), 'RadioButtonsGroup');
    expect(radio.props['data-source']).toStrictEqual(exampleData(BOOKING, 'SERVICE').services);
    expect(radio.boundTo['data-source']).toBe('data.services');
  });

  it('a Form is flattened: its inputs are drawn in order', () => {
    expect(componentsOf(v21.sign_in!, 'SIGN_IN').map((c) => c.type)).toStrictEqual(['TextInput', 'TextInput', 'EmbeddedLink', 'EmbeddedLink', 'Footer']);
  });

  it('every screen of every Meta example renders without error', () => {
    const files = fs.readdirSync(FIXTURES).filter((file) => file.endsWith('.json'));
    let screens = 0;
    for (const file of files) {
      const parsed = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8'));
      const flows: FlowDocument[] = Array.isArray(parsed.screens) ? [parsed] : Object.values(parsed);
      for (const flow of flows) {
        for (const screen of flow.screens) {
          expect(() => renderScreen(flow, screen.id, { data: exampleData(flow, screen.id), form: {} })).not.toThrow();
          screens += 1;
        }
      }
    }
    expect(screens).toBeGreaterThan(40);
  });
});

describe('Flow renderer: bindings and conditions', () => {
  const v40 = examples('flows_4_0_examples.json');
  const v60 = examples('flows_6_0_examples.json');
  const headings = (flow: FlowDocument, data: Record<string, unknown>, form: Record<string, unknown>) =>
    renderScreen(flow, flow.screens[0]!.id, { data, form }).components.filter((c) => c.type === 'TextHeading' || c.type === 'TextBody').map((c) => c.props.text);

  it.each([
    ['If then (data and form)', v40.if_!, { value: true }, { animal: 'cat' }, ['It is a cat']],
    ['If else', v40.if_!, { value: true }, { animal: 'dog' }, ['It is not a cat']],
    ['If else when data is false', v40.if_!, { value: false }, { animal: 'cat' }, ['It is not a cat']],
    ['Switch case', v40.switch!, { value: 'x' }, { animal: 'dog' }, ['It is a dog']],
    ['Switch default', v40.switch!, { value: 'x' }, { animal: 'cow' }, ['It is neither a cat nor a dog']],
    ['visible expression true', v60.visible_condition!, {}, { number: '42' }, ['You choose the right number!']],
    ['visible expression false', v60.visible_condition!, {}, { number: '7' }, []],
    ['backtick concatenation with form', v60.string_concatenation!, {}, { first_name: 'Ana', age: '30' }, ['Hello Ana', 'Ana you are 30 years old.']],
    ['backtick math with data', v60.math_operators!, { number_1: 10, number_2: 20 }, {}, [['The sum of 10 and 20 is 30', 'The difference of 10 and 20 is -10', 'The product of 10 and 20 is 200', 'The division of 10 by 20 is 0.5']]],
  ] as Array<[string, FlowDocument, Record<string, unknown>, Record<string, unknown>, unknown[]]>)('%s', (_name, flow, data, form, expected) => {
    expect(headings(flow, data, form)).toStrictEqual(expected);
  });

  it('visible bound to data hides a component (booking DETAILS add-ons, SUMMARY add-ons line)', () => {
    const details = renderScreen(BOOKING, 'DETAILS', { data: { ...exampleData(BOOKING, 'DETAILS'), has_add_ons: false }, form: {} });
    expect(details.components.map((c) => c.type)).not.toContain('CheckboxGroup');
    const summary = renderScreen(BOOKING, 'SUMMARY', { data: { ...exampleData(BOOKING, 'SUMMARY'), has_add_ons: true }, form: {} });
    expect(summary.components.filter((c) => c.type === 'TextBody')).toHaveLength(5);
  });

  it('${screen.NAME.form.x} and ${screen.NAME.data.x} read earlier screens (global fields)', async () => {
    const flow = v40.global_fields!;
    let state = await openFlowRun({ flow, flowToken: 't', flowAction: 'navigate', screen: 'SCREEN_ONE', data: { field2: 'from data' }, transport: failingTransport });
    state = setFormValues(state, { field1: 'Ana' });
    state = await tapFooter(flow, state, failingTransport);
    expect(state.stack.map((s) => s.screen)).toStrictEqual(['SCREEN_ONE', 'SCREEN_TWO']);
    state = await tapFooter(flow, state, failingTransport);
    expect(state.closed).toStrictEqual({ kind: 'completed', response: { field1: 'Ana', field2: 'from data' } });
  });

  it.each([
    ["${data.a} == 'x' && !${data.b}", { a: 'x', b: false }, true],
    ['${data.n} >= 3 || ${data.m} < 1', { n: 2, m: 5 }, false],
    ['(${data.n} + 1) * 2', { n: 2 }, 6],
    ["`'Hi ' ${data.name}`", { name: 'Bea' }, 'Hi Bea'],
  ])('expression %s', (expression, data, expected) => {
    expect(evaluateExpression(expression, { data, form: {} })).toStrictEqual(expected);
  });

  it('a binding inside longer text is replaced by its text', () => {
    const flow: FlowDocument = { version: '7.3', screens: [{ id: 'A', terminal: true, layout: { type: 'SingleColumnLayout', children: [{ type: 'TextBody', text: 'Hello ${data.name}, you picked ${form.pick}' }] } }] };
    expect(renderScreen(flow, 'A', { data: { name: 'Ana' }, form: { pick: 'x' } }).components[0]!.props.text).toBe('Hello Ana, you picked x');
  });

  it('init-value fills the form (booking DETAILS prefill of the name)', async () => {
    const state = await openFlowRun({ flow: BOOKING, flowToken: 't', flowAction: 'navigate', screen: 'DETAILS', data: exampleData(BOOKING, 'DETAILS'), transport: failingTransport });
    expect(state.stack[0]!.form.name).toBe(exampleData(BOOKING, 'DETAILS').customer_name);
  });
});

describe('Flow renderer: validation before the Footer runs', () => {
  const v21 = examples('flows_2_1_examples.json');
  const v61 = examples('flows_6_1_examples.json');
  const errorsOn = (flow: FlowDocument, screenId: string, form: Record<string, unknown>) => validateForm(renderScreen(flow, screenId, { data: exampleData(flow, screenId), form }), form);

  it.each([
    ['required text input and OptIn empty', v21.sign_in!, 'SIGN_UP', {}, { first_name: 'Required', last_name: 'Required', email: 'Required', password: 'Required', confirm_password: 'Required', terms_agreement: 'Required' }],
    ['email input type', v21.sign_in!, 'SIGN_IN', { email: 'not-an-email', password: 'x' }, { email: 'Enter a valid email address' }],
    ['calendar: day before min-date', v61.calendar_picker_single_mode!, 'DEMO_SCREEN', { calendar: '2024-10-01' }, { calendar: 'This date is not available' }],
    ['calendar: unavailable date', v61.calendar_picker_single_mode!, 'DEMO_SCREEN', { calendar: '2024-11-28' }, { calendar: 'This date is not available' }],
    ['calendar: weekday not included (a Saturday)', v61.calendar_picker_single_mode!, 'DEMO_SCREEN', { calendar: '2024-10-26' }, { calendar: 'This date is not available' }],
    ['calendar: a good day', v61.calendar_picker_single_mode!, 'DEMO_SCREEN', { calendar: '2024-10-24' }, {}],
    ['radio value not among the options', BOOKING, 'SERVICE', { service: 'nope' }, { service: 'Choose one of the options' }],
    ['dropdown required', BOOKING, 'TIME', {}, { time: 'Required' }],
  ] as Array<[string, FlowDocument, string, Record<string, unknown>, Record<string, string>]>)('%s', (_name, flow, screenId, form, expected) => {
    expect(errorsOn(flow, screenId, form)).toStrictEqual(expected);
  });

  it('TextInput max-chars and TextArea max-length', () => {
    const flow: FlowDocument = { version: '7.3', screens: [{ id: 'A', terminal: true, layout: { type: 'SingleColumnLayout', children: [
      { type: 'TextInput', name: 'code', label: 'Code', 'min-chars': 3, 'max-chars': 4 },
      { type: 'TextArea', name: 'note', label: 'Note', 'max-length': 5 },
    ] } }] };
    expect(errorsOn(flow, 'A', { code: 'ab', note: 'too long' })).toStrictEqual({ code: 'Enter at least 3 characters', note: 'Enter at most 5 characters' });
  });
});

describe('Flow renderer: the checker (payload-schema-error)', () => {
  const service = BOOKING.screens.find((s) => s.id === 'SERVICE')!;
  const good = exampleData(BOOKING, 'SERVICE');
  it.each([
    ['undeclared field', { ...good, surprise: 1 }, [{ field: 'surprise', message: '"surprise" is not declared in the data of screen SERVICE' }]],
    ['missing field', { ...good, heading: undefined }, [{ field: 'heading', message: '"heading" is declared by screen SERVICE but missing from the answer' }]],
    ['wrong type', { ...good, services: 'x' }, [{ field: 'services', message: '"services" should be array but is string' }]],
    ['wrong type inside an array item', { ...good, services: [{ id: 1, title: 'A', description: 'd' }] }, [{ field: 'services[0].id', message: '"services[0].id" should be string but is number' }]],
    ['error_message is always allowed', { ...good, error_message: 'Taken' }, []],
  ])('%s', (_name, data, expected) => {
    const cleaned = Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined));
    expect(checkScreenData(service, cleaned)).toStrictEqual(expected);
  });

  it('a text over its component limit is refused with the data field named', async () => {
    const state = await openFlowRun({ flow: BOOKING, flowToken: 't', flowAction: 'navigate', screen: 'SERVICE', data: { ...good, service_label: 'A label far longer than thirty characters' }, transport: failingTransport });
    expect(state.stack).toHaveLength(0);
    expect(state.schemaErrors).toStrictEqual([{ field: 'data.service_label', message: 'payload-schema-error: RadioButtonsGroup label is 41 characters; WhatsApp allows 30' }]);
  });

  it('too many options and an option title over 30 are refused', async () => {
    const services = Array.from({ length: 21 }, (_, i) => ({ id: `s${i}`, title: i === 0 ? 'x'.repeat(31) : `S${i}`, description: '' }));
    const state = await openFlowRun({ flow: BOOKING, flowToken: 't', flowAction: 'navigate', screen: 'SERVICE', data: { ...good, services }, transport: failingTransport });
    expect(state.schemaErrors?.map((e) => e.field)).toStrictEqual(['data.services', 'data.services[0].title']);
  });
});

describe('Flow renderer: the open Flow', () => {
  const fakeEndpoint = (answers: Record<string, TransportResult | ((request: FlowEndpointRequest) => TransportResult)>) => {
    const requests: FlowEndpointRequest[] = [];
    const transport: FlowTransport = async (request) => {
      requests.push(request);
      const key = request.action === 'data_exchange' ? String(request.data?.screen_action ?? request.data?.error ?? '') : request.action;
      const answer = answers[key];
      if (!answer) throw new Error(`no answer for ${key}`);
      return typeof answer === 'function' ? answer(request) : answer;
    };
    return { transport, requests };
  };
  const answer = (screen: string, extra: Record<string, unknown> = {}): TransportResult => ({ kind: 'answer', body: { screen, data: { ...exampleData(BOOKING, screen), ...extra } } });

  it('INIT, data_exchange with the Footer payload, Back keeps the form, complete returns the payload', async () => {
    const { transport, requests } = fakeEndpoint({ INIT: answer('SERVICE'), choose_service: answer('STAFF'), choose_staff: answer('DATE') });
    let state = await openFlowRun({ flow: BOOKING, flowToken: 'tok', flowAction: 'data_exchange', transport });
    expect(requests[0]).toStrictEqual({ version: '3.0', action: 'INIT', flow_token: 'tok' });
    state = setFormValues(state, { service: 'svc_haircut' });
    state = await tapFooter(BOOKING, state, transport);
    expect(requests[1]).toStrictEqual({ version: '3.0', action: 'data_exchange', screen: 'SERVICE', data: { screen_action: 'choose_service', service: 'svc_haircut' }, flow_token: 'tok' });
    expect(currentScreen(BOOKING, state)!.id).toBe('STAFF');
    state = await goBack(BOOKING, state, transport);
    expect(currentScreen(BOOKING, state)!.id).toBe('SERVICE');
    expect(state.stack[0]!.form.service).toBe('svc_haircut');
    state = await goBack(BOOKING, state, transport);
    expect(state.closed).toStrictEqual({ kind: 'dismissed' });

    const summary = await openFlowRun({ flow: BOOKING, flowToken: 'tok', flowAction: 'navigate', screen: 'SUMMARY', data: exampleData(BOOKING, 'SUMMARY'), transport });
    const done = await tapFooter(BOOKING, summary, transport);
    expect(done.closed).toMatchObject({ kind: 'completed', response: { flow: 'booking', slot_start: exampleData(BOOKING, 'SUMMARY').slot_start } });
  });

  it('a Footer with an invalid input does not call the endpoint', async () => {
    const { transport, requests } = fakeEndpoint({ INIT: answer('SERVICE') });
    const state = await tapFooter(BOOKING, await openFlowRun({ flow: BOOKING, flowToken: 'tok', flowAction: 'data_exchange', transport }), transport);
    expect(state.fieldErrors).toStrictEqual({ service: 'Required' });
    expect(requests).toHaveLength(1);
  });

  it('error_message on the same screen is a snackbar and the screen updates in place', async () => {
    const { transport } = fakeEndpoint({ INIT: answer('SERVICE'), choose_service: answer('SERVICE', { error_message: 'Pick another one' }) });
    let state = setFormValues(await openFlowRun({ flow: BOOKING, flowToken: 'tok', flowAction: 'data_exchange', transport }), { service: 'svc_haircut' });
    state = await tapFooter(BOOKING, state, transport);
    expect(state.snackbar).toBe('Pick another one');
    expect(state.stack).toHaveLength(1);
  });

  it('427 closes the Flow with its message; a failure is a snackbar', async () => {
    const closed = await openFlowRun({ flow: BOOKING, flowToken: 'tok', flowAction: 'data_exchange', transport: fakeEndpoint({ INIT: { kind: 'closed', message: 'This link expired' } }).transport });
    expect(closed.closed).toStrictEqual({ kind: 'refused', message: 'This link expired' });
    const { transport } = fakeEndpoint({ INIT: answer('SERVICE'), choose_service: { kind: 'failed', message: 'Something went wrong. Please try again later.' } });
    const state = await tapFooter(BOOKING, setFormValues(await openFlowRun({ flow: BOOKING, flowToken: 'tok', flowAction: 'data_exchange', transport }), { service: 'svc_haircut' }), transport);
    expect(state.snackbar).toBe('Something went wrong. Please try again later.');
  });

  it('an answer with an undeclared field is refused, reported to the endpoint, and Back returns to the screen', async () => {
    const { transport, requests } = fakeEndpoint({
      INIT: answer('SERVICE'),
      choose_service: answer('STAFF', { extra_field: 'x' }),
      'payload-schema-error': { kind: 'answer', body: { data: { acknowledged: true } } },
    });
    let state = setFormValues(await openFlowRun({ flow: BOOKING, flowToken: 'tok', flowAction: 'data_exchange', transport }), { service: 'svc_haircut' });
    state = await tapFooter(BOOKING, state, transport);
    expect(state.schemaErrors).toStrictEqual([{ field: 'extra_field', message: 'payload-schema-error: "extra_field" is not declared in the data of screen STAFF' }]);
    expect(requests.at(-1)!.data).toMatchObject({ error: 'payload-schema-error' });
    expect(currentScreen(BOOKING, state)!.id).toBe('SERVICE');
    state = await goBack(BOOKING, state, transport);
    expect(state.schemaErrors).toBeUndefined();
    expect(state.closed).toBeUndefined();
  });

  it('a screen the routing model does not allow is an invalid-screen-transition', async () => {
    const { transport } = fakeEndpoint({ INIT: answer('SERVICE'), 'invalid-screen-transition': { kind: 'answer', body: {} } });
    const state = await acceptAnswer(BOOKING, await openFlowRun({ flow: BOOKING, flowToken: 'tok', flowAction: 'data_exchange', transport }), { screen: 'SUMMARY', data: exampleData(BOOKING, 'SUMMARY') }, transport);
    expect(state.schemaErrors).toStrictEqual([{ field: 'screen', message: 'invalid-screen-transition: routing_model has no route SERVICE → SUMMARY' }]);
  });

  it('Meta article flows (single screen, navigate) open and complete', async () => {
    const flow = single('llama-chatbot-contact-us.json');
    const state = await openFlowRun({ flow, flowToken: 't', flowAction: 'navigate', transport: failingTransport });
    expect(currentScreen(flow, state)!.components.length).toBeGreaterThan(0);
  });
});

const failingTransport: FlowTransport = async () => ({ kind: 'failed', message: 'no endpoint in this test' });
