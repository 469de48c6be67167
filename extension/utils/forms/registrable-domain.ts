// Registrable domain ("eTLD+1") for `FillContext.registrableDomain`, taken from the shared matcher
// so that "same site" means the same thing when matching a page to an application and when
// checking where a form posts (public suffix list with private suffixes, trailing dots ignored,
// no registrable domain for IP addresses and localhost).
//
// Background only: the public suffix list (tldts) is ~260 KB of bundle, and the content script is
// injected into every frame of every page. Content scripts ask with `content:registrable-domains`
// (answered by `registrableDomains` below); `utils/forms/index.ts` does not re-export this module.

import { normalizeUrl } from '@secureaccess/shared/matcher';

/** A fill compares two hosts (the frame's and the form action's); a few more leave room, no more. */
export const maxRegistrableDomainHosts = 8;
/** Longest DNS name (RFC 1035), plus room for a `:port` a caller might leave on. */
const maxHostLength = 260;

/** "login.accounts.example.co.uk" → "example.co.uk"; null for IP addresses, localhost and bare suffixes. */
export function registrableDomain(host: string): string | null {
  return normalizeUrl(`https://${host}/`)?.registrableDomain ?? null;
}

/**
 * The answer to a content script's `content:registrable-domains`: each host → its registrable
 * domain. Returns null for a malformed request (not an array of at most
 * `maxRegistrableDomainHosts` host-sized strings), which the handler refuses.
 */
export function registrableDomains(hosts: unknown): Record<string, string | null> | null {
  if (!Array.isArray(hosts) || hosts.length > maxRegistrableDomainHosts) return null;
  const domains: Record<string, string | null> = Object.create(null);
  for (const host of hosts) {
    if (typeof host !== 'string' || host.length > maxHostLength) return null;
    domains[host] = registrableDomain(host);
  }
  return domains;
}
