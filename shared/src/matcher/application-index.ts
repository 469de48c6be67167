import {
  compileApplication,
  matchCompiledApplication,
  rankMatches,
  type CompiledApplication,
  type RankedMatch,
} from './compile-application';
import { normalizeUrl } from './normalize-url';
import type { ApplicationMatch, MatchableApplication } from './types';

export interface ApplicationIndex<T extends MatchableApplication> {
  /** Same result as `matchApplications(pageUrl, applications)`, without scanning the catalogue. */
  match(pageUrl: string): ApplicationMatch<T>[];
  readonly size: number;
}

// Bucket keys. A base_domain candidate on a normal host is found by its registrable domain; every
// host-bound candidate (host, exact, starts_with — their host and port must be equal — and
// base_domain on IPs/localhost/bare suffixes) by `host:port`. Only regexes cannot be keyed.
const domainKey = (domain: string) => `d ${domain}`;
const hostKey = (hostAndPort: string) => `h ${hostAndPort}`;

/**
 * Prepares a catalogue for repeated matching: every URL and regex is parsed once, and a lookup
 * touches two hash buckets plus the (short) list of regex applications.
 */
export function createApplicationIndex<T extends MatchableApplication>(applications: readonly T[]): ApplicationIndex<T> {
  const buckets = new Map<string, CompiledApplication<T>[]>();
  const unkeyed: CompiledApplication<T>[] = [];

  const addToBucket = (key: string, compiled: CompiledApplication<T>) => {
    const bucket = buckets.get(key);
    if (bucket === undefined) buckets.set(key, [compiled]);
    // An application with several candidates under one key is listed once.
    else if (bucket[bucket.length - 1] !== compiled) bucket.push(compiled);
  };

  applications.forEach((application, order) => {
    const compiled = compileApplication(application, order);
    let isUnkeyed = false;
    for (const candidate of compiled.candidates) {
      if (candidate.strategy === 'regex') isUnkeyed = true;
      else if (candidate.strategy === 'base_domain' && candidate.url.registrableDomain !== null) {
        addToBucket(domainKey(candidate.url.registrableDomain), compiled);
      } else addToBucket(hostKey(candidate.url.hostKey), compiled);
    }
    if (isUnkeyed) unkeyed.push(compiled);
  });

  return {
    size: applications.length,
    match(pageUrl: string) {
      const page = typeof pageUrl === 'string' ? normalizeUrl(pageUrl) : null;
      if (page === null) return [];
      const seen = new Set<CompiledApplication<T>>();
      const matches: RankedMatch<T>[] = [];
      const consider = (compiled: CompiledApplication<T>) => {
        if (seen.has(compiled)) return;
        seen.add(compiled);
        const match = matchCompiledApplication(compiled, page);
        if (match !== null) matches.push(match);
      };
      if (page.registrableDomain !== null) buckets.get(domainKey(page.registrableDomain))?.forEach(consider);
      buckets.get(hostKey(page.hostKey))?.forEach(consider);
      unkeyed.forEach(consider);
      return rankMatches(matches);
    },
  };
}
