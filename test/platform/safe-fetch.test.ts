/**
 * The SSRF guard of URLs the server calls (event webhooks, calendar feeds): the save-time check,
 * the address classification, and safeFetch against real loopback servers with a stub resolver,
 * including DNS rebinding (public when saved, loopback when connecting → refused, no connection).
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { checkOutboundUrl, classifyAddress, OutboundRequestError, safeFetch, type HostResolver, type SafeFetchInit } from '../../src/platform';

const STUB_DNS: Record<string, string[]> = {
  'public.example.com': ['93.184.215.14'],
  'inside.example.com': ['192.168.1.20'],
  'v6inside.example.com': ['fd00::1'],
  'mixed.example.com': ['93.184.215.14', '127.0.0.1'],
  'receiver.example.com': ['127.0.0.1'],
};
const resolveHost: HostResolver = async (host) => {
  // Like real DNS, a trailing dot (fully qualified name) changes nothing.
  const addresses = STUB_DNS[host.replace(/\.$/, '')];
  if (!addresses) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
  return addresses;
};

describe('checkOutboundUrl (when a URL is saved)', () => {
  it.each([
    ['https://public.example.com/hook', false, true],
    ['https://public.example.com./hook', false, true],
    ['http://public.example.com/hook', false, false],
    ['http://public.example.com/hook', true, false],
    ['ftp://public.example.com/x', false, false],
    ['https://inside.example.com/hook', false, false],
    ['https://v6inside.example.com/hook', false, false],
    ['https://mixed.example.com/hook', false, false],
    ['https://10.1.2.3/hook', false, false],
    ['https://172.20.0.1/hook', false, false],
    ['https://192.168.0.10/hook', false, false],
    ['https://169.254.169.254/latest/meta-data', false, false],
    ['https://100.64.0.1/', false, false],
    ['https://0.0.0.0/', false, false],
    ['https://2130706433/', false, false],
    ['https://0x7f.0.0.1/', false, false],
    ['https://224.0.0.1/', false, false],
    ['https://[::1]/', false, false],
    ['https://[::]/', false, false],
    ['https://[fe80::1]/', false, false],
    ['https://[ff02::1]/', false, false],
    ['https://[::ffff:127.0.0.1]/', false, false],
    ['https://[::ffff:7f00:1]/', false, false],
    ['https://[::127.0.0.1]/', false, false],
    ['https://[2002:7f00:1::]/', false, false],
    ['https://[2002:a00:1::]/', false, false],
    ['https://[64:ff9b::7f00:1]/', false, false],
    ['https://[64:ff9b::a9fe:a9fe]/', false, false],
    ['https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', false, false],
    ['https://[2606:2800:220:1:248:1893:25c8:1946]/', false, true],
    ['https://[64:ff9b::5db8:d70e]/', false, true],
    ['https://localhost/', false, false],
    ['https://localhost./', false, false],
    ['https://127.0.0.1.nip.io/', false, false],
    ['https://unknown-name.example.org/hook', false, false],
    ['https://printer.local/', false, false],
    ['https://metadata.google.internal/', false, false],
    ['https://intranet/', false, false],
    ['https://user:pass@public.example.com/', false, false],
    ['not a url', false, false],
    ['http://localhost:4000/hook', false, false],
    ['http://localhost:4000/hook', true, true],
    ['http://127.0.0.1:4000/hook', true, true],
    ['http://receiver.example.com:4000/hook', true, true],
    ['http://10.0.0.1/hook', true, false],
  ])('%s (test loopback allowance: %s) → %s', async (url, allowsLoopback, isAllowed) => {
    const check = await checkOutboundUrl(url, { allowsLoopback, resolveHost });
    expect(check.ok).toBe(isAllowed);
  });

  it('says why a URL is refused', async () => {
    expect(await checkOutboundUrl('https://inside.example.com/', { resolveHost })).toEqual({
      ok: false,
      reason: 'must point to a public address; inside.example.com resolves to 192.168.1.20 (a private address)',
    });
    expect(await checkOutboundUrl('https://127.0.0.1.nip.io/', { resolveHost })).toEqual({
      ok: false,
      reason: 'does not resolve: 127.0.0.1.nip.io has no address in DNS; check the host name',
    });
    expect(await checkOutboundUrl('https://[2002:7f00:1::]/', { resolveHost })).toEqual({
      ok: false,
      reason: 'must point to a public address, not [2002:7f00:1::] (a 6to4 form of a loopback address)',
    });
  });
});

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', true],
    ['2001:4860:4860::8888', true],
    ['127.0.0.53', false],
    ['10.0.0.1', false],
    ['100.100.100.200', false],
    ['169.254.169.254', false],
    ['255.255.255.255', false],
    ['fc12::1', false],
    ['::', false],
    ['::7f00:1', false],
    ['224.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['::ffff:8.8.8.8', true],
    ['64:ff9b::10.0.0.1', false],
    ['64:ff9b:1::1', false],
    ['2002:c0a8:0101::1', false],
    ['2002:0808:0808::1', true],
    ['not an address', false],
  ])('%s → public: %s', (address, isPublic) => {
    expect(classifyAddress(address).isPublic).toBe(isPublic);
  });
});

describe('safeFetch', () => {
  const servers: Array<http.Server | net.Server> = [];
  const listen = async <S extends http.Server | net.Server>(server: S): Promise<{ server: S; port: number }> => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return { server, port: (server.address() as AddressInfo).port };
  };
  /** A TCP listener that only counts connections: any connection at all is the failure. */
  const connectionCounter = async () => {
    const state = { connections: 0 };
    const { port } = await listen(
      net.createServer((socket) => {
        state.connections += 1;
        socket.destroy();
      }),
    );
    return { port, state };
  };
  const receiver = async (handle: (req: http.IncomingMessage, res: http.ServerResponse) => void) => {
    const requests: Array<{ host: string | undefined; url: string | undefined }> = [];
    const { port } = await listen(
      http.createServer((req, res) => {
        requests.push({ host: req.headers.host, url: req.url });
        handle(req, res);
      }),
    );
    return { port, requests };
  };
  const init: SafeFetchInit = { timeoutMs: 5_000, maxBytes: 10_000, maxRedirects: 3 };
  const failureOf = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof OutboundRequestError) return { kind: error.kind, message: error.message };
      throw error;
    }
    throw new Error('expected the request to be refused');
  };

  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map((server) => {
        if (server instanceof http.Server) server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
  });

  it('DNS rebinding: a name public when saved and loopback when connecting is refused, and nothing connects', async () => {
    const { port, state } = await connectionCounter();
    const answers = [['93.184.215.14'], ['127.0.0.1']];
    const calls: string[] = [];
    const rebinding: HostResolver = async (host) => {
      calls.push(host);
      return answers.shift() ?? ['127.0.0.1'];
    };
    const url = `https://rebind.example.net:${port}/hook`;
    expect((await checkOutboundUrl(url, { resolveHost: rebinding })).ok).toBe(true);
    const failure = await failureOf(safeFetch(url, { ...init, method: 'POST', body: '{}' }, { resolveHost: rebinding }));
    expect(failure).toEqual({ kind: 'unsafe_url', message: 'must point to a public address; rebind.example.net resolves to 127.0.0.1 (a loopback address)' });
    expect(calls).toEqual(['rebind.example.net', 'rebind.example.net']);
    expect(state.connections).toBe(0);
  });

  it('refuses a name that answers a public and a loopback address at connect time', async () => {
    const { port, state } = await connectionCounter();
    const failure = await failureOf(safeFetch(`https://mixed.example.com:${port}/`, init, { resolveHost }));
    expect(failure.kind).toBe('unsafe_url');
    expect(state.connections).toBe(0);
  });

  it.each([
    ['localhost.', (port: number) => `https://localhost.:${port}/`],
    ['127.0.0.1.nip.io (no DNS answer)', (port: number) => `https://127.0.0.1.nip.io:${port}/`],
    ['[::127.0.0.1]', (port: number) => `https://[::127.0.0.1]:${port}/`],
    ['[2002:7f00:1::]', (port: number) => `https://[2002:7f00:1::]:${port}/`],
    ['[::ffff:127.0.0.1]', (port: number) => `https://[::ffff:127.0.0.1]:${port}/`],
    ['127.0.0.1 without the test allowance', (port: number) => `https://127.0.0.1:${port}/`],
  ])('refuses %s at request time without connecting', async (_name, urlOf) => {
    const { port, state } = await connectionCounter();
    const failure = await failureOf(safeFetch(urlOf(port), init, { resolveHost }));
    expect(failure.kind).toBe('unsafe_url');
    expect(state.connections).toBe(0);
  });

  it('resolves once per connection with the given resolver and connects to the checked address (test allowance)', async () => {
    const { port, requests } = await receiver((_req, res) => res.end('pong'));
    const calls: string[] = [];
    const counting: HostResolver = async (host) => {
      calls.push(host);
      return resolveHost(host);
    };
    const response = await safeFetch(`http://receiver.example.com:${port}/ping`, init, { allowsLoopback: true, resolveHost: counting });
    expect(response).toMatchObject({ status: 200, body: 'pong' });
    expect(requests).toEqual([{ host: `receiver.example.com:${port}`, url: '/ping' }]);
    expect(calls).toEqual(['receiver.example.com']);
  });

  it('checks every redirect hop: a loopback receiver redirecting inside is refused before the second connection', async () => {
    const inside = await connectionCounter();
    const { port, requests } = await receiver((_req, res) => {
      res.writeHead(302, { location: `https://inside.example.com:${inside.port}/steal` });
      res.end();
    });
    const failure = await failureOf(safeFetch(`http://127.0.0.1:${port}/feed`, init, { allowsLoopback: true, resolveHost }));
    expect(failure).toEqual({ kind: 'unsafe_url', message: 'must point to a public address; inside.example.com resolves to 192.168.1.20 (a private address)' });
    expect(requests).toHaveLength(1);
    expect(inside.state.connections).toBe(0);
  });

  it('follows redirects up to the bound, then stops', async () => {
    let hops = 0;
    const { port } = await receiver((req, res) => {
      hops += 1;
      if (req.url === '/final') res.end('calendar');
      else {
        res.writeHead(302, { location: req.url === '/a' ? '/b' : req.url === '/b' ? '/final' : '/a' });
        res.end();
      }
    });
    const policy = { allowsLoopback: true, resolveHost };
    expect(await safeFetch(`http://127.0.0.1:${port}/a`, init, policy)).toMatchObject({ status: 200, body: 'calendar', url: `http://127.0.0.1:${port}/final` });
    hops = 0;
    expect(await failureOf(safeFetch(`http://127.0.0.1:${port}/loop`, { ...init, maxRedirects: 1 }, policy))).toEqual({
      kind: 'too_many_redirects',
      message: 'redirected more than 1 times',
    });
    expect(hops).toBe(2);
    // maxRedirects 0: the 3xx itself is the answer (event deliveries never follow a Location).
    expect((await safeFetch(`http://127.0.0.1:${port}/loop`, { ...init, maxRedirects: 0 }, policy)).status).toBe(302);
  });

  it('refuses a body over the limit, or keeps its first bytes when asked to truncate', async () => {
    const { port } = await receiver((_req, res) => res.end('x'.repeat(5_000)));
    const policy = { allowsLoopback: true };
    expect((await failureOf(safeFetch(`http://127.0.0.1:${port}/`, { ...init, maxBytes: 1_000 }, policy))).kind).toBe('too_large');
    expect((await safeFetch(`http://127.0.0.1:${port}/`, { ...init, maxBytes: 1_000, truncates: true }, policy)).body).toHaveLength(1_000);
  });

  it('gives up after the timeout', async () => {
    const { port } = await receiver(() => undefined);
    expect(await failureOf(safeFetch(`http://127.0.0.1:${port}/`, { ...init, timeoutMs: 200 }, { allowsLoopback: true }))).toEqual({ kind: 'timeout', message: 'no answer within 0.2 s' });
  });
});
