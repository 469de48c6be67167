/** How an application's URL is compared with the page the user is on (DESIGN §9). */
export const matchStrategies = ['base_domain', 'host', 'starts_with', 'exact', 'regex', 'never'] as const;
export type MatchStrategy = (typeof matchStrategies)[number];

/** The strategy applied when an application has none set. */
export const defaultMatchStrategy: MatchStrategy = 'base_domain';

/**
 * The fields of a catalogue application that matching reads. `matchPatterns` are extra URLs
 * compared with the same strategy as `url`; for `regex` they are the regular expressions
 * (RE2 syntax, matched against the whole normalised page URL).
 */
export interface MatchableApplication {
  id: number | string;
  url: string;
  matchStrategy?: MatchStrategy | null;
  matchPatterns?: readonly string[] | null;
  isActive: boolean;
  access: 'granted' | 'declined';
}

export type MatchedStrategy = Exclude<MatchStrategy, 'never'>;

/**
 * Which of an application's rules matched: its `url`, or `matchPatterns[index]` (an extra URL, or
 * a regex for `regex`). `value` is the rule as the admin wrote it.
 */
export type MatchRule = { source: 'url'; value: string } | { source: 'pattern'; index: number; value: string };

/**
 * One application that matches a page. Inactive and declined applications are returned too, so
 * the caller can say why nothing is filled (DESIGN §8); gating on `isActive`/`access` is the
 * caller's decision.
 */
export interface ApplicationMatch<T extends MatchableApplication = MatchableApplication> {
  application: T;
  strategy: MatchedStrategy;
  /** The rule that matched (the best of the application's rules for this page). */
  rule: MatchRule;
  /** The page is plain http while the application was registered for https (or by a regex). */
  insecure: boolean;
}
