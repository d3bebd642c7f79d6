/**
 * SSRF guard for URLs the server itself fetches or posts to (calendar feeds, event webhooks):
 * https only, and never a loopback, private, link-local or otherwise internal address, neither
 * written in the URL nor resolved from its host name. Loopback http is allowed only in test and
 * development so local receivers work there.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** Resolves a host name to its addresses (injectable so tests need no DNS). */
export type HostResolver = (host: string) => Promise<string[]>;

/** Why a URL is refused, or the normalised URL. */
export type PublicUrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

const INTERNAL_HOST_SUFFIXES = ['.localhost', '.local', '.internal', '.intranet', '.lan', '.home.arpa', '.corp'];
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Resolves with the system resolver (every A and AAAA record). */
export const resolveWithDns: HostResolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/** True for an IPv4 or IPv6 address that is not publicly routable. */
export function isInternalAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(bare) === 4) return isInternalIpv4(bare);
  if (isIP(bare) !== 6) return false;
  if (bare === '::' || bare === '::1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped) return isInternalIpv4(mapped[1]!);
  // ::ffff:7f00:1 style (hex-written mapped IPv4).
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(bare);
  if (mappedHex) {
    const high = parseInt(mappedHex[1]!, 16);
    const low = parseInt(mappedHex[2]!, 16);
    return isInternalIpv4(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  const first = parseInt(bare.split(':')[0] || '0', 16);
  // fc00::/7 unique local, fe80::/10 link-local, ff00::/8 multicast, 64:ff9b::/96 NAT64 of anything.
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00 || bare.startsWith('64:ff9b:') || bare.startsWith('100::');
}

function isInternalIpv4(address: string): boolean {
  const [a = 0, b = 0] = address.split('.').map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

/**
 * Checks a URL the server will call. `allowsLoopback` (test/development only) lets
 * http://localhost and http://127.0.0.1 through; `resolveHost` catches names that point inside.
 */
export async function checkPublicUrl(raw: string, options: { allowsLoopback: boolean; resolveHost?: HostResolver }): Promise<PublicUrlCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not a valid URL' };
  }
  if (url.username || url.password) return { ok: false, reason: 'must not contain a user name or password' };
  const host = url.hostname.toLowerCase();
  const isLoopbackHost = LOOPBACK_HOSTS.has(host);
  if (isLoopbackHost && options.allowsLoopback && (url.protocol === 'http:' || url.protocol === 'https:')) return { ok: true, url };
  if (url.protocol !== 'https:') return { ok: false, reason: 'must use https://' };
  if (isLoopbackHost || isInternalAddress(host)) return { ok: false, reason: 'must point to a public address, not a private, loopback or link-local one' };
  if (isIP(host.replace(/^\[|\]$/g, '')) === 0) {
    if (!host.includes('.') || INTERNAL_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
      return { ok: false, reason: 'must use a public host name, not an internal one' };
    }
    if (options.resolveHost) {
      let addresses: string[] = [];
      try {
        addresses = await options.resolveHost(host);
      } catch {
        // An unresolvable name cannot reach anything internal; the call itself will fail and say so.
        addresses = [];
      }
      if (addresses.some(isInternalAddress)) return { ok: false, reason: `must point to a public address; ${host} resolves to a private one` };
    }
  }
  return { ok: true, url };
}
