/**
 * Outgoing HTTP calls to addresses that customers of the server chose (event webhooks, external
 * calendar feeds), safe from SSRF. The name is resolved once per connection by a `lookup` hook on
 * the agent, every address is checked, and the socket connects to the checked address, so a name
 * that answers public at save time and 127.0.0.1 at connect time (DNS rebinding) is refused before
 * any connection is made. Redirects are followed by hand, each hop checked the same way.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Resolves a host name to its addresses (injectable so tests need no DNS). */
export type HostResolver = (host: string) => Promise<string[]>;

/** Which outgoing addresses are allowed and how names are resolved. */
export interface OutboundPolicy {
  /**
   * Tests only: lets the suite's own receivers on loopback (127.0.0.0/8, ::1, `localhost`, also
   * over http://) through. Never derived from configuration or the environment: the running server
   * does not set it.
   */
  allowsLoopback?: boolean;
  /** Default: the system resolver (every A and AAAA record). */
  resolveHost?: HostResolver;
}

/** Why a URL is refused, or the normalised URL. */
export type OutboundUrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** Why an outgoing request failed: a refused address, no answer in time, a body too large, too many redirects, or the network. */
export type OutboundErrorKind = 'unsafe_url' | 'timeout' | 'too_large' | 'too_many_redirects' | 'network';

/** An outgoing request that did not produce a response, with the reason in words. */
export class OutboundRequestError extends Error {
  override name = 'OutboundRequestError';
  constructor(
    readonly kind: OutboundErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** What safeFetch returns: the final hop's status, headers and body text. */
export interface SafeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  url: string;
}

/** One outgoing request. */
export interface SafeFetchInit {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** For the whole call, redirects included. */
  timeoutMs: number;
  /** A longer body is refused (error kind too_large) unless `truncates` is set. */
  maxBytes: number;
  /** Keep only the first bytes of the body instead of refusing a longer one (delivery logs). */
  truncates?: boolean;
  /** 0 → a 3xx answer is returned as it is. */
  maxRedirects: number;
}

/** Resolves with the system resolver (every A and AAAA record). */
export const resolveWithDns: HostResolver = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

const INTERNAL_HOST_SUFFIXES = ['.localhost', '.local', '.internal', '.intranet', '.lan', '.home.arpa', '.corp'];
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const RANGE_NAMES: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT',
  private: 'private',
  uniqueLocal: 'unique-local',
  deprecatedSiteLocal: 'site-local',
  rfc6052: 'local-use NAT64',
  teredo: 'Teredo',
  '6to4': '6to4',
};

/** How an IP address is classified: public, or the kind of internal address it is. */
export type AddressClass = { isPublic: true } | { isPublic: false; isLoopback: boolean; kind: string };

/**
 * Classifies an address. Public means globally routable unicast; IPv4-mapped, NAT64 (64:ff9b::/96),
 * 6to4 and Teredo addresses are judged by the IPv4 address they carry.
 * @example classifyAddress('2002:7f00:1::') // { isPublic: false, isLoopback: false, kind: '6to4 form of a loopback' }
 */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return { isPublic: false, isLoopback: false, kind: 'unparsable' };
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv4') {
    const range = parsed.range();
    if (range === 'unicast') return { isPublic: true };
    return { isPublic: false, isLoopback: range === 'loopback', kind: RANGE_NAMES[range] ?? 'reserved' };
  }
  const v6 = parsed as ipaddr.IPv6;
  const embedded = findEmbeddedIpv4(v6);
  if (embedded) {
    for (const inner of embedded.addresses) {
      const verdict = classifyAddress(inner.toString());
      if (!verdict.isPublic) return { isPublic: false, isLoopback: false, kind: `${embedded.form} form of a ${verdict.kind}` };
    }
    return { isPublic: true };
  }
  const range = v6.range();
  if (range !== 'unicast') return { isPublic: false, isLoopback: range === 'loopback', kind: RANGE_NAMES[range] ?? 'reserved' };
  // Only 2000::/3 is global unicast; the rest (e.g. the IPv4-compatible ::127.0.0.1) routes nowhere public.
  if ((v6.parts[0]! & 0xe000) !== 0x2000) return { isPublic: false, isLoopback: false, kind: 'reserved' };
  return { isPublic: true };
}

/** The IPv4 addresses an IPv6 transition address carries, or null. */
function findEmbeddedIpv4(v6: ipaddr.IPv6): { form: string; addresses: ipaddr.IPv4[] } | null {
  const p = v6.parts;
  const fromWords = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 255, low >> 8, low & 255]);
  const range = v6.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145') return { form: 'IPv4-mapped', addresses: [fromWords(p[6]!, p[7]!)] };
  if (p[0] === 0x64 && p[1] === 0xff9b && p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0) return { form: 'NAT64', addresses: [fromWords(p[6]!, p[7]!)] };
  if (range === '6to4') return { form: '6to4', addresses: [fromWords(p[1]!, p[2]!)] };
  // Teredo: server IPv4 in bits 32–63, client IPv4 inverted in the last 32 bits.
  if (range === 'teredo') return { form: 'Teredo', addresses: [fromWords(p[2]!, p[3]!), fromWords(~p[6]! & 0xffff, ~p[7]! & 0xffff)] };
  return null;
}

function isAllowedAddress(address: string, policy: OutboundPolicy): AddressClass & { isAllowed: boolean } {
  const verdict = classifyAddress(address);
  return { ...verdict, isAllowed: verdict.isPublic || (policy.allowsLoopback === true && verdict.isLoopback) };
}

type StaticCheck = { ok: true; url: URL; isLiteral: boolean; requiresLoopback: boolean } | { ok: false; reason: string };

/**
 * Everything that can be judged without DNS: syntax, credentials, scheme, literal addresses,
 * internal names. Plain http:// only under the test allowance, and then only to loopback
 * (`requiresLoopback`: the resolved addresses must all be loopback).
 */
function checkWithoutDns(raw: string | URL, policy: OutboundPolicy): StaticCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not a valid URL' };
  }
  if (url.username || url.password) return { ok: false, reason: 'must not contain a user name or password' };
  const isHttp = url.protocol === 'http:';
  if (url.protocol !== 'https:' && !(isHttp && policy.allowsLoopback)) return { ok: false, reason: 'must use https://' };
  const bare = url.hostname.replace(/^\[|\]$/g, '');
  const name = bare.replace(/\.$/, '');
  if (isIP(bare) !== 0) {
    const verdict = isAllowedAddress(bare, policy);
    if (!verdict.isAllowed) return { ok: false, reason: `must point to a public address, not ${url.hostname} (${describe(verdict)})` };
    if (isHttp && verdict.isPublic) return { ok: false, reason: 'must use https://' };
    return { ok: true, url, isLiteral: true, requiresLoopback: isHttp };
  }
  const isTestLocalhost = policy.allowsLoopback === true && name === 'localhost';
  if (!isTestLocalhost && (!name.includes('.') || name === 'localhost' || INTERNAL_HOST_SUFFIXES.some((suffix) => name.endsWith(suffix)))) {
    return { ok: false, reason: `must use a public host name, not an internal one (${url.hostname})` };
  }
  return { ok: true, url, isLiteral: false, requiresLoopback: isHttp };
}

function describe(verdict: AddressClass): string {
  return verdict.isPublic ? 'public' : `a ${verdict.kind} address`;
}

/** Resolves a name and checks every address; throws OutboundRequestError('unsafe_url') when one is internal or none exists. */
async function resolveChecked(host: string, policy: OutboundPolicy, requiresLoopback: boolean): Promise<string[]> {
  const name = host.replace(/\.$/, '');
  if (policy.allowsLoopback && name === 'localhost') return ['127.0.0.1'];
  let addresses: string[];
  try {
    addresses = await (policy.resolveHost ?? resolveWithDns)(host);
  } catch {
    addresses = [];
  }
  if (addresses.length === 0) throw new OutboundRequestError('unsafe_url', `does not resolve: ${host} has no address in DNS; check the host name`);
  for (const address of addresses) {
    const verdict = isAllowedAddress(address, policy);
    // One internal answer is enough to refuse: a rebinding name mixes a public and an internal one.
    if (!verdict.isAllowed) throw new OutboundRequestError('unsafe_url', `must point to a public address; ${host} resolves to ${address} (${describe(verdict)})`);
    if (requiresLoopback && verdict.isPublic) throw new OutboundRequestError('unsafe_url', 'must use https://');
  }
  return addresses;
}

/**
 * The check when a URL is saved: https, no credentials, a public literal address or a name that
 * resolves, now, only to public addresses. Delivery checks again at every connection (safeFetch).
 */
export async function checkOutboundUrl(raw: string, policy: OutboundPolicy): Promise<OutboundUrlCheck> {
  const check = checkWithoutDns(raw, policy);
  if (!check.ok) return check;
  if (check.isLiteral) return { ok: true, url: check.url };
  try {
    await resolveChecked(check.url.hostname, policy, check.requiresLoopback);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  return { ok: true, url: check.url };
}

/** The agent's lookup hook: resolve once, refuse any internal answer, hand the checked addresses to the socket. */
function createCheckedLookup(policy: OutboundPolicy, requiresLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolveChecked(hostname, policy, requiresLoopback).then(
      (addresses) => {
        const entries = addresses
          .map((address) => ({ address, family: isIP(address) }))
          .filter((entry) => !options.family || options.family === entry.family || options.family === `IPv${entry.family}`);
        if (entries.length === 0) {
          callback(new OutboundRequestError('unsafe_url', `${hostname} has no address of the family asked for`), '', 4);
        } else if (options.all) {
          (callback as unknown as (error: null, addresses: Array<{ address: string; family: number }>) => void)(null, entries);
        } else {
          callback(null, entries[0]!.address, entries[0]!.family);
        }
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 4),
    );
  };
}

/**
 * Calls a URL chosen by a customer of the server, safe from SSRF: every hop is checked, names are
 * resolved by the agent's lookup hook, so the connection goes to the address that was checked.
 * Throws OutboundRequestError for a refused address, a timeout, a too large body, too many redirects
 * or a network failure; any HTTP status is a response.
 */
export async function safeFetch(rawUrl: string, init: SafeFetchInit, policy: OutboundPolicy): Promise<SafeResponse> {
  const signal = AbortSignal.timeout(init.timeoutMs);
  // Plain http exists only under the test allowance, so its agent accepts loopback answers only.
  const agents = {
    http: new http.Agent({ keepAlive: false, lookup: createCheckedLookup(policy, true) }),
    https: new https.Agent({ keepAlive: false, lookup: createCheckedLookup(policy, false) }),
  };
  let current = rawUrl;
  let method = init.method ?? 'GET';
  let body = init.body;
  try {
    for (let hop = 0; ; hop += 1) {
      const check = checkWithoutDns(current, policy);
      if (!check.ok) throw new OutboundRequestError('unsafe_url', check.reason);
      const response = await requestOnce(check.url, { ...init, method, body }, agents, signal);
      const location = response.headers.location;
      if (init.maxRedirects === 0 || !REDIRECT_STATUSES.has(response.status) || !location) return response;
      if (hop >= init.maxRedirects) throw new OutboundRequestError('too_many_redirects', `redirected more than ${init.maxRedirects} times`);
      current = new URL(location, check.url).toString();
      // As browsers do: 303 (and 301/302 after a POST) continue as GET without the body.
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
    }
  } finally {
    agents.http.destroy();
    agents.https.destroy();
  }
}

function requestOnce(url: URL, init: SafeFetchInit, agents: { http: http.Agent; https: https.Agent }, signal: AbortSignal): Promise<SafeResponse> {
  const isHttps = url.protocol === 'https:';
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
  return new Promise<SafeResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      reject(toOutboundError(error, signal, init.timeoutMs));
    };
    const request = (isHttps ? https : http).request(url, { method: init.method ?? 'GET', headers, agent: isHttps ? agents.https : agents.http, signal }, (response) => {
      const chunks: Buffer[] = [];
      let total = 0;
      const declared = Number(response.headers['content-length'] ?? '0');
      if (!init.truncates && declared > init.maxBytes) {
        fail(new OutboundRequestError('too_large', `the answer is larger than ${formatBytes(init.maxBytes)}`));
        response.destroy();
        return;
      }
      response.on('data', (chunk: Buffer) => {
        if (settled) return;
        total += chunk.byteLength;
        if (total > init.maxBytes) {
          if (init.truncates) {
            chunks.push(chunk.subarray(0, chunk.byteLength - (total - init.maxBytes)));
            settled = true;
            response.destroy();
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8'), url: url.toString() });
            return;
          }
          fail(new OutboundRequestError('too_large', `the answer is larger than ${formatBytes(init.maxBytes)}`));
          response.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        if (settled) return;
        settled = true;
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8'), url: url.toString() });
      });
      response.on('error', fail);
      response.on('aborted', () => fail(new Error('the connection closed before the answer was complete')));
    });
    request.on('error', fail);
    request.end(init.body);
  });
}

function toOutboundError(error: unknown, signal: AbortSignal, timeoutMs: number): OutboundRequestError {
  if (error instanceof OutboundRequestError) return error;
  if (signal.aborted) return new OutboundRequestError('timeout', `no answer within ${timeoutMs / 1000} s`);
  return new OutboundRequestError('network', error instanceof Error ? error.message : String(error));
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MB` : `${bytes} bytes`;
}
