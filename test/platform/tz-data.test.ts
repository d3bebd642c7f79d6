/** The IANA data inside Node must be at least the release the README requires. */
import fs from 'node:fs';
import path from 'node:path';

/** Orders IANA release names such as 2025b < 2026a < 2026c. */
function compareTzRelease(a: string, b: string): number {
  return a.localeCompare(b, 'en');
}

describe('time-zone data', () => {
  it('is no older than the release the README requires', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const required = /tz\s+data (\d{4}[a-z]) or newer/.exec(readme)?.[1];
    expect(required).toMatch(/^\d{4}[a-z]$/);
    const inUse = process.versions.tz;
    expect(inUse).toMatch(/^\d{4}[a-z]$/);
    expect(compareTzRelease(inUse!, required!)).toBeGreaterThanOrEqual(0);
  });

  it('orders releases as IANA names them', () => {
    expect(compareTzRelease('2025b', '2026a')).toBeLessThan(0);
    expect(compareTzRelease('2026c', '2026a')).toBeGreaterThan(0);
  });
});
