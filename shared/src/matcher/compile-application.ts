import { compileMatchPattern, type CompiledMatchPattern } from './match-pattern';
import { normalizeApplicationUrl, type NormalizedUrl } from './normalize-url';
import {
  defaultMatchStrategy,
  matchStrategies,
  type ApplicationMatch,
  type MatchableApplication,
  type MatchedStrategy,
  type MatchRule,
} from './types';

/** Higher is better: exact > starts_with > regex > host > base_domain. */
const strategyRank: Record<MatchedStrategy, number> = {
  exact: 5,
  starts_with: 4,
  regex: 3,
  host: 2,
  base_domain: 1,
};

/** One URL (or regex) of an application, prepared once so that matching a page does no parsing. */
export type CompiledCandidate =
  | { strategy: 'base_domain' | 'host' | 'exact' | 'starts_with'; url: NormalizedUrl; rule: MatchRule }
  | { strategy: 'regex'; pattern: CompiledMatchPattern; appProtocol: string | null; rule: MatchRule };

export interface CompiledApplication<T extends MatchableApplication> {
  application: T;
  /** Position in the catalogue: the last tie-breaker, so results do not depend on bucket order. */
  order: number;
  candidates: CompiledCandidate[];
}

interface CandidateMatch {
  strategy: MatchedStrategy;
  /** The URL or pattern of the application that matched (for an admin's "which rule?"). */
  rule: MatchRule;
  insecure: boolean;
  /** Among starts_with matches, the longer prefix is the more specific one. */
  specificity: number;
}

function resolveStrategy(application: MatchableApplication) {
  const strategy = application.matchStrategy ?? defaultMatchStrategy;
  // An unknown strategy from a newer server must not widen matching: treat it as `never`.
  return (matchStrategies as readonly string[]).includes(strategy) ? strategy : 'never';
}

export function compileApplication<T extends MatchableApplication>(application: T, order: number): CompiledApplication<T> {
  const strategy = resolveStrategy(application);
  const patterns = Array.isArray(application.matchPatterns) ? application.matchPatterns : [];
  const candidates: CompiledCandidate[] = [];
  if (strategy === 'regex') {
    const appUrl = typeof application.url === 'string' ? normalizeApplicationUrl(application.url) : null;
    patterns.forEach((source, index) => {
      const pattern = typeof source === 'string' ? compileMatchPattern(source) : null;
      if (pattern !== null) {
        candidates.push({ strategy, pattern, appProtocol: appUrl?.protocol ?? null, rule: { source: 'pattern', index, value: source } });
      }
    });
  } else if (strategy !== 'never') {
    const sources: [unknown, MatchRule][] = [
      [application.url, { source: 'url', value: String(application.url) }],
      ...patterns.map((source, index): [unknown, MatchRule] => [source, { source: 'pattern', index, value: String(source) }]),
    ];
    for (const [source, rule] of sources) {
      const url = typeof source === 'string' ? normalizeApplicationUrl(source) : null;
      if (url !== null) candidates.push({ strategy, url, rule });
    }
  }
  return { application, order, candidates };
}

/**
 * Scheme rule shared by every strategy: an http application may be used on its https upgrade;
 * an https application found from an http page matches but is flagged, never silently.
 */
function isInsecure(appProtocol: string | null, page: NormalizedUrl): boolean {
  return page.protocol === 'http:' && appProtocol !== 'http:';
}

function startsWithOnBoundary(page: NormalizedUrl, app: NormalizedUrl): boolean {
  if (page.hostKey !== app.hostKey) return false;
  if (app.search !== '') {
    // A query in the prefix pins the path and must end where a parameter ends.
    const prefix = app.pathname + app.search;
    const full = page.pathname + page.search;
    return full.startsWith(prefix) && (full.length === prefix.length || full[prefix.length] === '&');
  }
  if (app.pathname.endsWith('/')) return page.pathname.startsWith(app.pathname);
  return page.pathname === app.pathname || page.pathname.startsWith(`${app.pathname}/`);
}

function matchCandidate(candidate: CompiledCandidate, page: NormalizedUrl): CandidateMatch | null {
  if (candidate.strategy === 'regex') {
    if (!candidate.pattern.test(page.comparable)) return null;
    return { strategy: 'regex', rule: candidate.rule, insecure: isInsecure(candidate.appProtocol, page), specificity: 0 };
  }
  const app = candidate.url;
  let matched: boolean;
  let specificity = 0;
  switch (candidate.strategy) {
    case 'base_domain':
      matched =
        app.requiresPort || page.requiresPort
          ? app.hostKey === page.hostKey
          : app.registrableDomain === page.registrableDomain;
      break;
    case 'host':
      matched = app.hostKey === page.hostKey;
      break;
    case 'exact':
      matched = app.hostKey === page.hostKey && app.pathname === page.pathname && app.search === page.search;
      break;
    case 'starts_with':
      matched = startsWithOnBoundary(page, app);
      specificity = app.pathname.length + app.search.length;
      break;
  }
  if (!matched) return null;
  return { strategy: candidate.strategy, rule: candidate.rule, insecure: isInsecure(app.protocol, page), specificity };
}

/** Negative when `a` is the better match. */
function compareMatches(a: CandidateMatch, b: CandidateMatch): number {
  return (
    strategyRank[b.strategy] - strategyRank[a.strategy] ||
    Number(a.insecure) - Number(b.insecure) ||
    b.specificity - a.specificity
  );
}

export interface RankedMatch<T extends MatchableApplication> {
  compiled: CompiledApplication<T>;
  best: CandidateMatch;
}

/** The best of an application's candidates for this page, or null when none matches. */
export function matchCompiledApplication<T extends MatchableApplication>(
  compiled: CompiledApplication<T>,
  page: NormalizedUrl,
): RankedMatch<T> | null {
  let best: CandidateMatch | null = null;
  for (const candidate of compiled.candidates) {
    const match = matchCandidate(candidate, page);
    if (match !== null && (best === null || compareMatches(match, best) < 0)) best = match;
  }
  return best === null ? null : { compiled, best };
}

/** Best first; ties keep catalogue order. */
export function rankMatches<T extends MatchableApplication>(matches: RankedMatch<T>[]): ApplicationMatch<T>[] {
  return matches
    .sort((a, b) => compareMatches(a.best, b.best) || a.compiled.order - b.compiled.order)
    .map(({ compiled, best }) => ({
      application: compiled.application,
      strategy: best.strategy,
      rule: best.rule,
      insecure: best.insecure,
    }));
}
