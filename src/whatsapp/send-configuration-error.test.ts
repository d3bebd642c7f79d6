import { describeAccessTokenProblem } from './send-configuration-error';

describe('describeAccessTokenProblem', () => {
  it.each([
    ['a system-user token', 'EAAGm0PX4ZCpsBAKZCZBqZCbR0123456789'],
    ['an app token (id|secret)', '123456789012345|AbCdEf_ghIJ-kl.mn'],
  ])('accepts %s', (_name, token) => {
    expect(describeAccessTokenProblem(token)).toBeUndefined();
  });

  it.each([
    ['an accented letter', 'EAAGtokén', 'U+00E9', 8],
    ['a zero-width space', 'EAAG\u200bxyz', 'U+200B', 5],
    ['a byte-order mark first', '\ufeffEAAGxyz', 'U+FEFF', 1],
    ['a no-break space', 'EAAG\u00a0xyz', 'U+00A0', 5],
    ['an emoji (one position, two UTF-16 units)', 'EA😀AG', 'U+1F600', 3],
    ['a control character', 'EAAG\u0007xyz', 'U+0007', 5],
    ['a space', 'EAAG xyz', 'U+0020', 5],
  ])('names the character and its position for %s, never the token', (_name, token, codePoint, position) => {
    const problem = describeAccessTokenProblem(token);
    expect(problem).toContain(`${codePoint} at position ${position}`);
    expect(problem).toContain('printable ASCII');
    expect(problem).not.toContain(token);
  });

  it('refuses an empty token', () => {
    expect(describeAccessTokenProblem('')).toBe('is empty');
  });
});
