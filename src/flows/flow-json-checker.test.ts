import fs from 'node:fs';
import path from 'node:path';
import { checkFlowJson, listFlowsInDocument } from './flow-json-checker';
import type { FlowJsonRule } from './flow-json-violation';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const root = path.join(__dirname, '../..');
const fixturesDir = path.join(root, 'test/fixtures/flows/flow-json');
const bookingFlow = JSON.parse(fs.readFileSync(path.join(root, 'flows/booking.flow.json'), 'utf8')) as Json;

/** A fresh copy of our booking Flow (endpoint-powered, 7.3) to break in one place. */
const booking = (): Json => structuredClone(bookingFlow);
const screen = (flow: Json, id: string): Json => flow.screens.find((s: Json) => s.id === id);
// any[]: the tests reach into components by index to break them.
const children = (flow: Json, id: string): any[] => screen(flow, id).layout.children; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A small Flow without endpoint: START navigates to END, which completes. */
const navigateFlow = (): Json => ({
  version: '7.3',
  screens: [
    {
      id: 'START',
      layout: {
        type: 'SingleColumnLayout',
        children: [
          { type: 'TextInput', name: 'city', label: 'City' },
          {
            type: 'Footer',
            label: 'Next',
            'on-click-action': { name: 'navigate', next: { type: 'screen', name: 'END' }, payload: { city: '${form.city}' } },
          },
        ],
      },
    },
    {
      id: 'END',
      terminal: true,
      data: { city: { type: 'string', __example__: 'Lisbon' } },
      layout: {
        type: 'SingleColumnLayout',
        children: [
          { type: 'TextBody', text: '${data.city}' },
          { type: 'Footer', label: 'Done', 'on-click-action': { name: 'complete', payload: { city: '${data.city}' } } },
        ],
      },
    },
  ],
});

const alphaId = (n: number): string => {
  let id = '';
  for (let x = n + 1; x > 0; x = Math.floor((x - 1) / 26)) id = String.fromCharCode(65 + ((x - 1) % 26)) + id;
  return `S_${id}`;
};
const options = (count: number, title = 'Option'): Json[] =>
  Array.from({ length: count }, (_, index) => ({ id: `o${index}`, title }));

describe('flows that Meta accepts pass', () => {
  it('our booking Flow passes as a publishable 7.3 Flow', () => {
    expect(checkFlowJson(bookingFlow, { isPublishing: true })).toStrictEqual([]);
  });

  it('the small navigate Flow used below passes', () => {
    expect(checkFlowJson(navigateFlow())).toStrictEqual([]);
  });

  const fixtureFlows = fs
    .readdirSync(fixturesDir)
    .sort()
    .flatMap((file) =>
      listFlowsInDocument(JSON.parse(fs.readFileSync(path.join(fixturesDir, file), 'utf8'))).map(
        ({ name, flow }) => [`${file}${name ? ` › ${name}` : ''}`, flow] as const,
      ),
    );
  // pywa's navigation_list example (a serialisation test, never sent to Meta) navigates to a
  // FOURTH_SCREEN that does not exist and leaves out a field of FIFTH_SCREEN's data model.
  const knownBroken = 'flows_6_2_examples.json › navigation_list';

  it('finds every flow inside the collection files (35 flows, 2.1 to 7.1)', () => {
    expect(fixtureFlows).toHaveLength(35);
  });

  it.each(fixtureFlows.filter(([name]) => name !== knownBroken))('%s', (_name, flow) => {
    expect(checkFlowJson(flow)).toStrictEqual([]);
  });

  it('reports exactly the two real defects of pywa navigation_list example', () => {
    const flow = fixtureFlows.find(([name]) => name === knownBroken)?.[1];

    expect(checkFlowJson(flow).map((v) => [v.rule, v.path])).toStrictEqual([
      ['navigate-target', 'screens[0].layout.children[0].list-items[2].on-click-action.next.name'],
      ['navigate-payload', 'screens[0].layout.children[0].list-items[3].on-click-action.payload'],
    ]);
  });
});

type Case = [FlowJsonRule, string, () => unknown, { isPublishing?: boolean }?];

const brokenCopies: Case[] = [
  ['json-shape', 'screens is empty', () => ({ ...booking(), screens: [] })],
  ['json-shape', 'the document is an array', () => [booking()]],
  ['version', 'version 8.0 does not exist', () => ({ ...booking(), version: '8.0' })],
  ['version', 'version is a number', () => ({ ...booking(), version: 7.3 })],
  ['version', 'frozen 4.0 cannot be published', () => ({ ...booking(), version: '4.0' }), { isPublishing: true }],
  ['data-api-version', 'data_api_version 2.0', () => ({ ...booking(), data_api_version: '2.0' })],
  ['data-api-version', 'endpoint Flow without routing_model', () => {
    const flow = booking();
    delete flow.routing_model;
    return flow;
  }],
  ['top-level-keys', 'unknown top-level "name"', () => ({ ...booking(), name: 'booking' })],
  ['top-level-keys', 'data_channel_uri in 7.3', () => ({ ...booking(), data_channel_uri: 'https://example.com' })],
  ['screen-count', '101 screens', () => {
    const flow = navigateFlow();
    const end = flow.screens[1];
    flow.screens = [flow.screens[0], ...Array.from({ length: 100 }, (_, index) => ({ ...structuredClone(end), id: index === 0 ? 'END' : alphaId(index) }))];
    return flow;
  }],
  ['screen-id', 'a screen called SUCCESS', () => {
    const flow = navigateFlow();
    flow.screens[1].id = 'SUCCESS';
    flow.screens[0].layout.children[1]['on-click-action'].next.name = 'SUCCESS';
    return flow;
  }],
  ['screen-id', 'a digit in the id', () => {
    const flow = navigateFlow();
    flow.screens[1].id = 'END_2';
    flow.screens[0].layout.children[1]['on-click-action'].next.name = 'END_2';
    return flow;
  }],
  ['screen-id', 'duplicate ids', () => {
    const flow = navigateFlow();
    flow.screens[0].id = 'END';
    return flow;
  }],
  ['screen-keys', 'unknown screen property', () => {
    const flow = booking();
    screen(flow, 'TIME').subtitle = 'x';
    return flow;
  }],
  ['data-model', 'a data field without __example__', () => {
    const flow = booking();
    delete screen(flow, 'SERVICE').data.heading.__example__;
    return flow;
  }],
  ['data-model', 'an __example__ of the wrong type', () => {
    const flow = booking();
    screen(flow, 'DATE').data.unavailable_dates.__example__ = '2026-07-05';
    return flow;
  }],
  ['data-model', 'a data field without type', () => {
    const flow = booking();
    screen(flow, 'TIME').data.heading = { __example__: 'x' };
    return flow;
  }],
  ['routing-model', 'a route to an unknown screen', () => {
    const flow = booking();
    flow.routing_model.TIME.push('PAYMENT');
    return flow;
  }],
  ['routing-model', 'a screen missing from routing_model', () => {
    const flow = booking();
    flow.routing_model.DETAILS = [];
    delete flow.routing_model.SUMMARY;
    return flow;
  }],
  ['routing-model', 'a backward route', () => {
    const flow = booking();
    flow.routing_model.STAFF.push('SERVICE');
    return flow;
  }],
  ['routing-model', 'a loop', () => {
    const flow = booking();
    flow.routing_model.SUMMARY = ['SERVICE'];
    return flow;
  }],
  ['routing-model', 'more than 10 branches', () => {
    const flow = booking();
    for (let index = 0; index < 10; index += 1) {
      const extra = { ...structuredClone(screen(flow, 'SUMMARY')), id: alphaId(index) };
      flow.screens.push(extra);
      flow.routing_model.SERVICE.push(extra.id);
      flow.routing_model[extra.id] = [];
    }
    return flow;
  }],
  ['navigate-target', 'navigate to an unknown screen', () => {
    const flow = navigateFlow();
    flow.screens[0].layout.children[1]['on-click-action'].next.name = 'FINISH';
    return flow;
  }],
  ['navigate-target', 'navigate to itself', () => {
    const flow = navigateFlow();
    flow.screens[0].layout.children[1]['on-click-action'].next.name = 'START';
    return flow;
  }],
  ['navigate-route', 'navigate not listed in routing_model', () => {
    const flow = booking();
    children(flow, 'DETAILS').splice(1, 0, {
      type: 'EmbeddedLink',
      text: 'Change day',
      'on-click-action': { name: 'navigate', next: { type: 'screen', name: 'DATE' }, payload: {} },
    });
    return flow;
  }],
  ['navigate-payload', 'payload field unknown to the next screen', () => {
    const flow = navigateFlow();
    flow.screens[0].layout.children[1]['on-click-action'].payload.zip = '1000';
    return flow;
  }],
  ['navigate-payload', 'next screen data field missing from the payload', () => {
    const flow = navigateFlow();
    flow.screens[0].layout.children[1]['on-click-action'].payload = {};
    return flow;
  }],
  ['connectivity', 'a screen no navigate reaches', () => {
    const flow = navigateFlow();
    flow.screens.push({ ...structuredClone(flow.screens[1]), id: 'ORPHAN' });
    return flow;
  }],
  ['connectivity', 'routing_model with no entry screen', () => {
    const flow = booking();
    flow.routing_model.SUMMARY = ['SERVICE'];
    return flow;
  }],
  ['terminal-screen', 'no terminal screen', () => {
    const flow = booking();
    delete screen(flow, 'SUMMARY').terminal;
    delete screen(flow, 'SUMMARY').success;
    return flow;
  }],
  ['terminal-footer', 'terminal screen without Footer', () => {
    const flow = booking();
    screen(flow, 'SUMMARY').layout.children = children(flow, 'SUMMARY').filter((c) => c.type !== 'Footer');
    return flow;
  }],
  ['success-flag', 'the only terminal screen has success false', () => {
    const flow = booking();
    screen(flow, 'SUMMARY').success = false;
    return flow;
  }],
  ['success-flag', 'success on a non-terminal screen', () => {
    const flow = booking();
    screen(flow, 'TIME').success = true;
    return flow;
  }],
  ['complete-action', 'complete on a non-terminal screen', () => {
    const flow = booking();
    children(flow, 'SERVICE')[2]['on-click-action'] = { name: 'complete', payload: {} };
    return flow;
  }],
  ['complete-action', 'complete on an EmbeddedLink', () => {
    const flow = booking();
    children(flow, 'SUMMARY').splice(1, 0, { type: 'EmbeddedLink', text: 'Book', 'on-click-action': { name: 'complete', payload: {} } });
    return flow;
  }],
  ['action', 'an unknown action name', () => {
    const flow = booking();
    children(flow, 'TIME')[2]['on-click-action'].name = 'submit';
    return flow;
  }],
  ['action', 'update_data on a CalendarPicker select', () => {
    const flow = booking();
    children(flow, 'DATE')[1]['on-select-action'] = { name: 'update_data', payload: {} };
    return flow;
  }],
  ['data-exchange-endpoint', 'data_exchange without an endpoint', () => {
    const flow = booking();
    delete flow.data_api_version;
    delete flow.routing_model;
    return flow;
  }],
  ['data-binding', 'a ${data.*} field not declared on the screen', () => {
    const flow = booking();
    children(flow, 'STAFF')[0].text = '${data.title}';
    return flow;
  }],
  ['data-binding', 'a ${screen.X.data.*} of an unknown screen', () => {
    const flow = booking();
    children(flow, 'SUMMARY')[1].text = '${screen.CHECKOUT.data.service_text}';
    return flow;
  }],
  ['form-binding', 'a ${form.*} naming no input', () => {
    const flow = booking();
    children(flow, 'SERVICE')[2]['on-click-action'].payload.service = '${form.servce}';
    return flow;
  }],
  ['form-binding', 'a ${screen.X.form.*} naming no input there', () => {
    const flow = booking();
    children(flow, 'SUMMARY').find((child: { type: string }) => child.type === 'Footer')['on-click-action'].payload.note = '${screen.DETAILS.form.notes}';
    return flow;
  }],
  ['footer-count', 'two Footers on one screen', () => {
    const flow = booking();
    children(flow, 'TIME').push(structuredClone(children(flow, 'TIME')[2]));
    return flow;
  }],
  ['footer-branches', 'a Footer in the then-branch only', () => {
    const flow = booking();
    const footer = children(flow, 'TIME').pop();
    children(flow, 'TIME').push({ type: 'If', condition: "${form.time} != ''", then: [footer], else: [{ type: 'TextBody', text: 'Pick a time' }] });
    return flow;
  }],
  ['component-count', '51 components on a screen', () => {
    const flow = booking();
    children(flow, 'SUMMARY').splice(1, 0, ...Array.from({ length: 44 }, () => ({ type: 'TextBody', text: 'line' })));
    return flow;
  }],
  ['component-max-per-screen', 'three EmbeddedLinks', () => {
    const flow = booking();
    const link = { type: 'EmbeddedLink', text: 'Help', 'on-click-action': { name: 'data_exchange', payload: {} } };
    children(flow, 'TIME').splice(1, 0, link, link, link);
    return flow;
  }],
  ['component-max-per-screen', 'two Forms on a 7.x screen', () => {
    const flow = booking();
    const [heading, radio, footer] = children(flow, 'SERVICE');
    screen(flow, 'SERVICE').layout.children = [
      { type: 'Form', name: 'one', children: [radio] },
      { type: 'Form', name: 'two', children: [heading, footer] },
    ];
    return flow;
  }],
  ['text-length', 'a static TextHeading of 81 characters', () => {
    const flow = booking();
    children(flow, 'TIME')[0].text = 'x'.repeat(81);
    return flow;
  }],
  ['text-length', 'a static Footer label of 36 characters', () => {
    const flow = booking();
    children(flow, 'TIME')[2].label = 'y'.repeat(36);
    return flow;
  }],
  ['text-length', 'a static TextInput label of 21 characters', () => {
    const flow = booking();
    children(flow, 'DETAILS')[1].label = 'Your full legal name!';
    return flow;
  }],
  ['options-count', '21 static radio options', () => {
    const flow = booking();
    children(flow, 'STAFF')[1]['data-source'] = options(21);
    return flow;
  }],
  ['options-count', 'an empty static dropdown', () => {
    const flow = booking();
    children(flow, 'TIME')[1]['data-source'] = [];
    return flow;
  }],
  ['option-length', 'a static option title of 31 characters', () => {
    const flow = booking();
    children(flow, 'TIME')[1]['data-source'] = options(2, 'z'.repeat(31));
    return flow;
  }],
  ['form-placement', 'an input outside the screen Form', () => {
    const flow = booking();
    const [heading, input, area, footer] = children(flow, 'DETAILS');
    screen(flow, 'DETAILS').layout.children = [heading, input, { type: 'Form', name: 'form', children: [area, footer] }];
    return flow;
  }],
  ['form-placement', 'an input outside a Form before 4.0', () => ({ ...navigateFlow(), version: '3.1' })],
  ['duplicate-name', 'two inputs with one name', () => {
    const flow = booking();
    children(flow, 'DETAILS')[2].name = 'name';
    return flow;
  }],
  ['min-max', 'min-chars above max-chars', () => {
    const flow = booking();
    children(flow, 'DETAILS')[1]['min-chars'] = 100;
    return flow;
  }],
  ['refresh-on-back', 'refresh_on_back without an endpoint', () => {
    const flow = navigateFlow();
    flow.screens[1].refresh_on_back = true;
    return flow;
  }],
  ['navigation-list', 'a NavigationList on a terminal screen', () => {
    const flow = booking();
    children(flow, 'SUMMARY').splice(1, 0, {
      type: 'NavigationList',
      name: 'more',
      'list-items': [{ id: 'a', 'main-content': { title: 'A' }, 'on-click-action': { name: 'data_exchange', payload: {} } }],
    });
    return flow;
  }],
];

describe('broken copies are caught, one rule at a time', () => {
  it('covers every rule of the checker', () => {
    const covered = new Set(brokenCopies.map(([rule]) => rule));

    expect([...covered].sort()).toStrictEqual(
      [
        'json-shape', 'version', 'data-api-version', 'top-level-keys', 'screen-count', 'screen-id', 'screen-keys',
        'data-model', 'routing-model', 'navigate-target', 'navigate-route', 'navigate-payload', 'connectivity',
        'terminal-screen', 'terminal-footer', 'success-flag', 'complete-action', 'action', 'data-exchange-endpoint',
        'data-binding', 'form-binding', 'footer-count', 'footer-branches', 'component-count',
        'component-max-per-screen', 'text-length', 'options-count', 'option-length', 'form-placement',
        'duplicate-name', 'min-max', 'refresh-on-back', 'navigation-list',
      ].sort(),
    );
  });

  // Every row gets its options argument: a test function with more parameters than its row
  // would be treated by Jest as taking a `done` callback and hang until the timeout.
  const rows = brokenCopies.map(([rule, description, build, options]) => [rule, description, build, options ?? {}] as const);

  it.each(rows)('%s: %s', (rule, _description, build, options) => {
    const violations = checkFlowJson(build(), options);

    expect(violations.map((violation) => violation.rule)).toContain(rule);
    expect(violations.every((violation) => violation.message.length > 0)).toBe(true);
  });
});

describe('violations say where', () => {
  it('points at the offending property', () => {
    const flow = booking();
    children(flow, 'TIME')[2].label = 'y'.repeat(36);

    expect(checkFlowJson(flow)).toStrictEqual([
      {
        rule: 'text-length',
        path: 'screens[3].layout.children[2].label',
        message: 'Footer label is 36 characters; the maximum is 35.',
      },
    ]);
  });

  it('does not measure texts bound to data, whose length is only known at run time', () => {
    const flow = booking();
    children(flow, 'TIME')[0].text = `\${data.heading} ${'x'.repeat(100)}`;

    expect(checkFlowJson(flow)).toStrictEqual([]);
  });
});

describe('listFlowsInDocument', () => {
  it('returns a single Flow JSON as is', () => {
    expect(listFlowsInDocument(bookingFlow)).toStrictEqual([{ name: '', flow: bookingFlow }]);
  });

  it('splits an object of named flows', () => {
    const doc = { one: navigateFlow(), two: navigateFlow() };

    expect(listFlowsInDocument(doc).map((entry) => entry.name)).toStrictEqual(['one', 'two']);
  });
});
