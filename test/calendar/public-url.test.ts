/** The SSRF guard for URLs the server calls (webhooks, calendar feeds). */
import { checkPublicUrl, isInternalAddress } from '../../src/calendar';

describe('checkPublicUrl', () => {
  const resolveHost = async (host: string) => ({ 'public.example.com': ['93.184.215.14'], 'inside.example.com': ['192.168.1.20'], 'v6inside.example.com': ['fd00::1'] })[host] ?? [];

  it.each([
    ['https://public.example.com/hook', false, true],
    ['https://unknown-name.example.org/hook', false, true],
    ['http://public.example.com/hook', false, false],
    ['ftp://public.example.com/x', false, false],
    ['https://inside.example.com/hook', false, false],
    ['https://v6inside.example.com/hook', false, false],
    ['https://10.1.2.3/hook', false, false],
    ['https://172.20.0.1/hook', false, false],
    ['https://192.168.0.10/hook', false, false],
    ['https://169.254.169.254/latest/meta-data', false, false],
    ['https://100.64.0.1/', false, false],
    ['https://0.0.0.0/', false, false],
    ['https://2130706433/', false, false],
    ['https://0x7f.0.0.1/', false, false],
    ['https://[::1]/', false, false],
    ['https://[fe80::1]/', false, false],
    ['https://[::ffff:127.0.0.1]/', false, false],
    ['https://localhost/', false, false],
    ['https://printer.local/', false, false],
    ['https://metadata.google.internal/', false, false],
    ['https://intranet/', false, false],
    ['https://user:pass@public.example.com/', false, false],
    ['not a url', false, false],
    ['http://localhost:4000/hook', false, false],
    ['http://localhost:4000/hook', true, true],
    ['http://127.0.0.1:4000/hook', true, true],
    ['http://10.0.0.1/hook', true, false],
  ])('%s (loopback allowed: %s) → %s', async (url, allowsLoopback, isAllowed) => {
    const check = await checkPublicUrl(url, { allowsLoopback, resolveHost });
    expect(check.ok).toBe(isAllowed);
  });

  it('says why a URL is refused', async () => {
    expect(await checkPublicUrl('https://inside.example.com/', { allowsLoopback: false, resolveHost })).toEqual({
      ok: false,
      reason: 'must point to a public address; inside.example.com resolves to a private one',
    });
  });
});

describe('isInternalAddress', () => {
  it.each([
    ['8.8.8.8', false],
    ['2001:4860:4860::8888', false],
    ['127.0.0.53', true],
    ['fc12::1', true],
    ['::', true],
    ['224.0.0.1', true],
  ])('%s → %s', (address, expected) => {
    expect(isInternalAddress(address)).toBe(expected);
  });
});
