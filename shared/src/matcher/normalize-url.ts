import { parse as parseDomain } from 'tldts';

/** A page or application URL reduced to what matching compares. */
export interface NormalizedUrl {
  protocol: 'http:' | 'https:';
  /** Lower-case, punycode, no trailing dot; IPv6 keeps its brackets. */
  hostname: string;
  /** Explicit port only: '' when absent or the scheme's default, so http://a.com ≡ https://a.com. */
  port: string;
  /** Registrable domain (public suffix list, private suffixes honoured); null for IPs, localhost and bare suffixes. */
  registrableDomain: string | null;
  /** IPs, localhost and hosts without a registrable domain only ever match with their port. */
  requiresPort: boolean;
  pathname: string;
  search: string;
  /** `host:port`, the key host-bound strategies compare. */
  hostKey: string;
  /** protocol//host[:port]path?query — no userinfo, no fragment. What regexes are matched against. */
  comparable: string;
}

const ipv4Pattern = /^\d{1,3}(?:\.\d{1,3}){3}$/;

function isLocalhost(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost');
}

/**
 * Parses a URL with the WHATWG parser (which already lower-cases, converts IDN to punycode,
 * canonicalises IPv4 forms and separates userinfo from the host) and keeps only http(s).
 * Returns null for anything else: javascript:, data:, file:, about:, unparsable input.
 */
export function normalizeUrl(input: string): NormalizedUrl | null {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // `bank.com.` is the fully qualified spelling of `bank.com`; compare them as one host.
  const hostname = url.hostname.replace(/\.+$/, '');
  if (hostname === '') return null;
  const isIp = hostname.startsWith('[') || ipv4Pattern.test(hostname);
  let registrableDomain: string | null = null;
  if (!isIp && !isLocalhost(hostname)) {
    const parsed = parseDomain(hostname, { allowPrivateDomains: true, extractHostname: false });
    registrableDomain = parsed.domain && parsed.domain !== '' ? parsed.domain : null;
  }
  const port = url.port;
  const hostKey = `${hostname}:${port}`;
  return {
    protocol: url.protocol,
    hostname,
    port,
    registrableDomain,
    requiresPort: registrableDomain === null,
    pathname: url.pathname,
    search: url.search,
    hostKey,
    comparable: `${url.protocol}//${hostname}${port === '' ? '' : `:${port}`}${url.pathname}${url.search}`,
  };
}

const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Application URLs are typed by admins, often without a scheme (`bank.com/login`): https is assumed. */
export function normalizeApplicationUrl(input: string): NormalizedUrl | null {
  const trimmed = input.trim();
  if (trimmed === '') return null;
  return normalizeUrl(hasScheme.test(trimmed) ? trimmed : `https://${trimmed}`);
}
