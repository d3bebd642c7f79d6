import { hashRequest, toCanonicalJson } from './idempotency';

describe('toCanonicalJson', () => {
  it.each([
    [{ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } }, '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}'],
    [{ a: undefined, b: 'x' }, '{"b":"x"}'],
    [[3, 'x', true], '[3,"x",true]'],
    [undefined, 'null'],
  ])('%j → %s', (value, expected) => {
    expect(toCanonicalJson(value)).toBe(expected);
  });
});

describe('hashRequest', () => {
  it('ignores key order but not values, paths or methods', () => {
    const base = hashRequest({ method: 'post', path: '/v1/a', body: { x: 1, y: 2 } });
    expect(hashRequest({ method: 'POST', path: '/v1/a', body: { y: 2, x: 1 } })).toBe(base);
    expect(hashRequest({ method: 'POST', path: '/v1/a', body: { x: 1, y: 3 } })).not.toBe(base);
    expect(hashRequest({ method: 'POST', path: '/v1/b', body: { x: 1, y: 2 } })).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });
});
