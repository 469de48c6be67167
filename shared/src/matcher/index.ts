export { matchApplications } from './match-applications';
export { createApplicationIndex, type ApplicationIndex } from './application-index';
export {
  validateMatchPattern,
  maxMatchPatternLength,
  type MatchPatternValidation,
} from './match-pattern';
export { normalizeUrl, type NormalizedUrl } from './normalize-url';
export {
  matchStrategies,
  defaultMatchStrategy,
  type MatchStrategy,
  type MatchedStrategy,
  type MatchRule,
  type MatchableApplication,
  type ApplicationMatch,
} from './types';
