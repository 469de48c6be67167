// Registrable domain ("eTLD+1") by the public suffix list, for `FillContext.registrableDomain`.
// planFill takes it as a dependency; once `@secureaccess/shared/matcher` exports its own, the glue
// should pass that one instead so the extension has a single notion of "same site".

import { getDomain } from 'tldts';

/** "login.accounts.example.co.uk" → "example.co.uk"; null for IP addresses and bare suffixes. */
export function registrableDomain(host: string): string | null {
  return getDomain(host, { allowPrivateDomains: true });
}
