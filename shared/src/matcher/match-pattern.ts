import { RE2JS } from 're2js';

/** Longest regex an admin may store. */
export const maxMatchPatternLength = 500;

export type MatchPatternValidation = { valid: true } | { valid: false; reason: string };

/**
 * Checks an admin's `regex` match pattern. Patterns run on RE2 (re2js), whose automaton matches
 * in time linear in the URL's length, so nested quantifiers such as `(a+)+` cannot backtrack
 * catastrophically; what RE2 cannot do in linear time (backreferences, lookarounds) is refused.
 */
export function validateMatchPattern(pattern: string): MatchPatternValidation {
  if (typeof pattern !== 'string' || pattern.length === 0) return { valid: false, reason: 'The pattern is empty.' };
  if (pattern.length > maxMatchPatternLength) {
    return { valid: false, reason: `The pattern is longer than ${maxMatchPatternLength} characters.` };
  }
  const unsupported = findUnsupportedConstruct(pattern);
  if (unsupported !== null) return { valid: false, reason: unsupported };
  try {
    RE2JS.compile(pattern);
  } catch (error) {
    return { valid: false, reason: `The pattern is not a valid RE2 expression: ${(error as Error).message}` };
  }
  return { valid: true };
}

export interface CompiledMatchPattern {
  /** True when the whole input matches (the pattern is anchored at both ends). */
  test(input: string): boolean;
}

/** Compiles a pattern that passes `validateMatchPattern`; null otherwise (an invalid pattern never matches). */
export function compileMatchPattern(pattern: string): CompiledMatchPattern | null {
  if (!validateMatchPattern(pattern).valid) return null;
  const compiled = RE2JS.compile(pattern);
  return { test: (input) => compiled.matches(input) };
}

/** Names backreferences and lookarounds with a clearer message than RE2's syntax error. */
function findUnsupportedConstruct(pattern: string): string | null {
  let inClass = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i];
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || next === 'k')) return 'Backreferences are not supported.';
      i += 1;
    } else if (inClass) {
      if (char === ']') inClass = false;
    } else if (char === '[') {
      inClass = true;
    } else if (char === '(' && /^\(\?<?[=!]/.test(pattern.slice(i, i + 4))) {
      return 'Lookahead and lookbehind are not supported.';
    }
  }
  return null;
}
