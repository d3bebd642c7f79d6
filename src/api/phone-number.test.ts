import { toE164 } from './phone-number';

describe('toE164', () => {
  it.each([
    ['+34', '611 222 333', '+34611222333'],
    ['34', '(611) 222-333', '+34611222333'],
    ['+44', '07700 900123', '+447700900123'],
    ['+39', '06 1234 5678', '+390612345678'],
    ['+1', '415 555 0100', '+14155550100'],
  ])('%s %s → %s', (countryCode, phone, expected) => {
    expect(toE164({ countryCode, phone })).toEqual({ phoneE164: expected, waId: expected.slice(1) });
  });

  it.each([
    ['+34', '12'],
    ['+34', '6112223334445556'],
    ['+0', '611222333'],
  ])('refuses %s %s', (countryCode, phone) => {
    expect(toE164({ countryCode, phone })).toBeNull();
  });
});
