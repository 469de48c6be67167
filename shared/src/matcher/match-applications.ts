import { compileApplication, matchCompiledApplication, rankMatches, type RankedMatch } from './compile-application';
import { normalizeUrl } from './normalize-url';
import type { ApplicationMatch, MatchableApplication } from './types';

/**
 * Every application that matches `pageUrl`, best first (exact > starts_with > regex > host >
 * base_domain), each with the strategy that matched. A linear scan: for large catalogues build
 * `createApplicationIndex` once instead.
 */
export function matchApplications<T extends MatchableApplication>(
  pageUrl: string,
  applications: readonly T[],
): ApplicationMatch<T>[] {
  const page = typeof pageUrl === 'string' ? normalizeUrl(pageUrl) : null;
  if (page === null) return [];
  const matches: RankedMatch<T>[] = [];
  applications.forEach((application, order) => {
    const match = matchCompiledApplication(compileApplication(application, order), page);
    if (match !== null) matches.push(match);
  });
  return rankMatches(matches);
}
