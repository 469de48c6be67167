// Registrable domain ("eTLD+1") for `FillContext.registrableDomain`, taken from the shared matcher
// so that "same site" means the same thing when matching a page to an application and when
// checking where a form posts (public suffix list with private suffixes, trailing dots ignored,
// no registrable domain for IP addresses and localhost).

import { normalizeUrl } from '@secureaccess/shared/matcher';

/** "login.accounts.example.co.uk" → "example.co.uk"; null for IP addresses, localhost and bare suffixes. */
export function registrableDomain(host: string): string | null {
  return normalizeUrl(`https://${host}/`)?.registrableDomain ?? null;
}
