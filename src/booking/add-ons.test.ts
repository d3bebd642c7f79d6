/** The span and price of a service with its add-ons. */
import { addUpPrice, extendSpan } from './add-ons';

const consultation = { durationMinutes: 30, bufferBeforeMinutes: 5, bufferAfterMinutes: 10 };
const addOn = (durationMinutes: number, bufferBeforeMinutes = 0, bufferAfterMinutes = 0) => ({ durationMinutes, bufferBeforeMinutes, bufferAfterMinutes });

describe('extendSpan', () => {
  it.each([
    ['no add-ons keep the service as it is', [], { durationMinutes: 30, bufferBeforeMinutes: 5, bufferAfterMinutes: 10 }],
    ['durations add up, smaller buffers change nothing', [addOn(15), addOn(10, 0, 5)], { durationMinutes: 55, bufferBeforeMinutes: 5, bufferAfterMinutes: 10 }],
    ['a larger add-on buffer wins (one clean-up after the whole visit)', [addOn(15, 0, 20)], { durationMinutes: 45, bufferBeforeMinutes: 5, bufferAfterMinutes: 20 }],
    ['a larger buffer before wins too', [addOn(15, 15, 0)], { durationMinutes: 45, bufferBeforeMinutes: 15, bufferAfterMinutes: 10 }],
  ])('%s', (_name, addOns, expected) => {
    expect(extendSpan(consultation, addOns)).toStrictEqual(expected);
  });

  it('refuses a visit longer than a day', () => {
    expect(() => extendSpan(consultation, [addOn(1400), addOn(30)])).toThrow(/1460 minutes; at most 1440/);
  });
});

describe('addUpPrice', () => {
  it.each([
    ['60.00', [], '60.00'],
    ['60.00', [{ price: '25.00' }], '85.00'],
    ['0.10', [{ price: '0.20' }], '0.30'],
    ['19.99', [{ price: '0.01' }, { price: '5.50' }], '25.50'],
  ])('%s with %j costs %s', (price, addOns, expected) => {
    expect(addUpPrice(price, addOns)).toBe(expected);
  });
});
