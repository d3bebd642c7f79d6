import fs from 'node:fs';
import { BOOKING_FLOW_JSON_PATH, findDataFieldLimits, fitBookingScreenAnswer, fitScreenData } from './fit-flow-data';
import { OPTION_LIMITS, TEXT_LIMITS } from './flow-json-limits';

const flowJson = JSON.parse(fs.readFileSync(BOOKING_FLOW_JSON_PATH, 'utf8'));
const limits = findDataFieldLimits(flowJson);
const LONG = 'Full colour, cut, wash, blow-dry and styling with a deep conditioning treatment and a head massage';

describe('fitting screen data to the components it fills', () => {
  it('reads each bound text field from the Flow JSON with the limit flow-json-limits gives its component', () => {
    expect(limits.get('SUMMARY')?.get('service_text')).toEqual({ kind: 'text', max: TEXT_LIMITS.TextSubheading!.text });
    expect(limits.get('SUMMARY')?.get('heading')).toEqual({ kind: 'text', max: TEXT_LIMITS.TextHeading!.text });
    const staffSource = [...(limits.get('STAFF') ?? new Map()).entries()].find(([field]) => field === 'staff')?.[1];
    expect(staffSource).toMatchObject({ kind: 'options', title: OPTION_LIMITS.RadioButtonsGroup!.title });
  });

  it('the SUMMARY shortens a 100-character service name to the TextSubheading limit of 80', () => {
    const service = `${LONG} plus a 100-char tail`.slice(0, 100);
    expect(service).toHaveLength(100);
    const fitted = fitBookingScreenAnswer({ screen: 'SUMMARY', data: { service_text: service, service_id: 'a'.repeat(100), heading: 'Check' } });
    expect((fitted.data.service_text as string).length).toBe(80);
    expect(fitted.data.service_text).toMatch(/…$/);
    // Ids are not texts a component shows: never cut.
    expect(fitted.data.service_id).toBe('a'.repeat(100));
    expect(fitted.data.heading).toBe('Check');
  });

  it('every bound text of every screen ends within its limit; option titles and descriptions too', () => {
    for (const [screen, fields] of limits) {
      const data = Object.fromEntries(
        [...fields].map(([field, limit]) => [field, limit.kind === 'text' ? 'x'.repeat(5000) : [{ id: '1', title: 'y'.repeat(500), description: 'z'.repeat(5000) }]]),
      );
      const fitted = fitScreenData(limits, screen, data);
      for (const [field, limit] of fields) {
        if (limit.kind === 'text') expect([screen, field, (fitted[field] as string).length <= limit.max]).toEqual([screen, field, true]);
        else {
          const [option] = fitted[field] as Array<{ title: string; description: string }>;
          expect([screen, field, option!.title.length <= (limit.title ?? Infinity), option!.description.length <= (limit.description ?? Infinity)]).toEqual([screen, field, true, true]);
        }
      }
    }
  });

  it('a screen or field it does not know passes unchanged', () => {
    expect(fitScreenData(limits, 'NOPE', { a: 'x'.repeat(500) })).toEqual({ a: 'x'.repeat(500) });
  });
});
