// A generated password a site will accept (issue 11: new-password forms). Sites say what they take
// in the field's attributes: `minlength`, `maxlength`, `pattern` (HTML) and `passwordrules`
// (the WHATWG proposal Safari and 1Password read: `minlength: 8; maxlength: 16; required: lower;
// required: upper; required: digit; required: [-_!]; allowed: ascii-printable; max-consecutive: 2`).
// The person's own generator settings are tried first; when the site's rules refuse what they
// make, a password is drawn from exactly what the rules allow, one character of each required
// class first.

import { generatePassword } from './generate-password';
import { characterSets, maxPasswordLength, minPasswordLength, type GeneratorOptions } from './options';
import { randomBelow, shuffle } from './random';

/** What a page says about its password field, as read from the element's attributes. */
export interface SiteRulesInput {
  passwordrules?: string | null;
  /** The `minlength` attribute (absent or negative: none). */
  minLength?: number | null;
  /** The `maxlength` attribute (absent or negative: none). */
  maxLength?: number | null;
  /** The `pattern` attribute: a whole-value regular expression (HTML compiles it with the `v` flag). */
  pattern?: string | null;
}

export interface SiteRules {
  minLength: number | null;
  maxLength: number | null;
  /** Each group: at least one character of it must appear. */
  required: string[];
  /** Every character the site accepts. */
  allowed: string;
  maxConsecutive: number | null;
  pattern: RegExp | null;
}

const asciiPrintable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const namedClasses: Record<string, string> = {
  upper: characterSets.upper,
  lower: characterSets.lower,
  digit: characterSets.digits,
  special: characterSets.symbols + ' ',
  'ascii-printable': asciiPrintable,
  // A generated password stays within ASCII: every site that allows Unicode allows these.
  unicode: asciiPrintable,
};

/** The characters of a `passwordrules` value list: `upper, digit, [-_!]`. Unknown names are skipped. */
function parseClasses(value: string): string {
  const chars = new Set<string>();
  for (const match of value.matchAll(/\[([^\]]*)\]|([a-z-]+)/gi)) {
    if (match[1] !== undefined) {
      // Custom classes hold ASCII printables only (the proposal's rule); anything else is dropped.
      for (const c of match[1]) if (asciiPrintable.includes(c)) chars.add(c);
    } else {
      for (const c of namedClasses[match[2]!.toLowerCase()] ?? '') chars.add(c);
    }
  }
  return [...chars].join('');
}

function positiveInteger(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}

const maxPatternLength = 500;

/**
 * Whether a pattern repeats a group (`(a+)+`, `(a|ab)*`, `(x){2,}`): the shape of catastrophic
 * backtracking. The page chooses the pattern and the background runs it, so such a pattern is not
 * run at all (the generated password then meets the other rules, and the page's own validation
 * says if it wants more); patterns without quantified groups (`[0-9]{6}`, `(?=.*\d).{8,}`) run
 * in polynomial time on a password of at most 128 characters.
 */
function hasQuantifiedGroup(pattern: string): boolean {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === ')' && /[*+?{]/.test(pattern[i + 1] ?? '')) {
      return true;
    }
  }
  return false;
}

/** The field's attributes as rules; a malformed part is ignored, as browsers ignore a bad `pattern`. */
export function parseSiteRules(input: SiteRulesInput): SiteRules {
  let minLength = positiveInteger(input.minLength);
  let maxLength = positiveInteger(input.maxLength);
  const required: string[] = [];
  let allowed = '';
  let maxConsecutive: number | null = null;
  for (const part of (input.passwordrules ?? '').split(';')) {
    const colon = part.indexOf(':');
    if (colon < 0) continue;
    const name = part.slice(0, colon).trim().toLowerCase();
    const value = part.slice(colon + 1).trim();
    const number = /^\d+$/.test(value) ? Number(value) : null;
    if (name === 'required') {
      const group = parseClasses(value);
      if (group) required.push(group);
    } else if (name === 'allowed') {
      allowed += parseClasses(value);
    } else if (name === 'minlength' && number !== null) {
      minLength = Math.max(minLength ?? 0, number);
    } else if (name === 'maxlength' && number !== null) {
      maxLength = maxLength === null ? number : Math.min(maxLength, number);
    } else if (name === 'max-consecutive' && number !== null && number > 0) {
      maxConsecutive = number;
    }
  }
  // Allowed is the union of allowed and required; with neither, every printable ASCII character.
  const union = new Set([...allowed, ...required.join('')]);
  let pattern: RegExp | null = null;
  if (typeof input.pattern === 'string' && input.pattern.length <= maxPatternLength && !hasQuantifiedGroup(input.pattern)) {
    try {
      pattern = new RegExp(`^(?:${input.pattern})$`, 'v');
    } catch {
      pattern = null;
    }
  }
  return {
    minLength,
    maxLength,
    required,
    allowed: union.size > 0 ? [...union].join('') : asciiPrintable,
    maxConsecutive,
    pattern,
  };
}

/** Whether `password` meets every rule of the site. */
export function satisfiesSiteRules(password: string, rules: SiteRules): boolean {
  const chars = [...password];
  if (rules.minLength !== null && chars.length < rules.minLength) return false;
  if (rules.maxLength !== null && chars.length > rules.maxLength) return false;
  if (chars.some((c) => !rules.allowed.includes(c))) return false;
  if (rules.required.some((group) => !chars.some((c) => group.includes(c)))) return false;
  if (rules.maxConsecutive !== null) {
    let run = 1;
    for (let i = 1; i < chars.length; i++) {
      run = chars[i] === chars[i - 1] ? run + 1 : 1;
      if (run > rules.maxConsecutive) return false;
    }
  }
  return rules.pattern === null || rules.pattern.test(password);
}

/** The length to draw: the person's choice (or 20) kept inside the site's bounds and ours. */
function lengthFor(rules: SiteRules, preferred: number): number {
  const floor = Math.max(minPasswordLength, rules.minLength ?? 0, rules.required.length);
  const ceiling = Math.min(maxPasswordLength, rules.maxLength ?? maxPasswordLength);
  return Math.max(Math.min(preferred, ceiling), Math.min(floor, ceiling));
}

function pick(from: string): string {
  return from[randomBelow(from.length)]!;
}

/**
 * Characters from `pool` that never run longer than `max-consecutive`, then one character of each
 * required group at random distinct places (unlike its neighbours where the group allows).
 */
function drawFromRules(rules: SiteRules, pool: string, length: number): string {
  const max = rules.maxConsecutive;
  const chars: string[] = [];
  for (let i = 0; i < length; i++) {
    const last = chars.slice(-(max ?? 0));
    const capped = max !== null && last.length === max && last.every((c) => c === last[0]);
    const choices = capped ? [...pool].filter((c) => c !== last[0]).join('') : pool;
    chars.push(pick(choices || pool));
  }
  const places = shuffle([...chars.keys()]);
  rules.required.slice(0, length).forEach((group, i) => {
    const at = places[i]!;
    const unlike = [...group].filter((c) => c !== chars[at - 1] && c !== chars[at + 1]).join('');
    chars[at] = pick(unlike || group);
  });
  return chars.join('');
}

const attemptsPerPool = 40;

/**
 * What to draw the free characters from: everything allowed first; a `pattern` (which cannot be
 * read as a character set) may accept only some classes, so narrower pools follow, strongest first.
 */
function poolsFor(rules: SiteRules): string[] {
  const { lower, upper, digits } = characterSets;
  const narrower = rules.pattern ? [lower + upper + digits, lower + digits, upper + digits, lower + upper, digits, lower, upper] : [];
  const pools = [rules.allowed, ...narrower.map((pool) => [...pool].filter((c) => rules.allowed.includes(c)).join(''))];
  return [...new Set(pools.filter((pool) => pool.length > 0))];
}

/**
 * A password for a site's new-password field: made with `preferred` (the person's generator
 * settings) when the site accepts it, else drawn from the site's rules. Null when no password
 * meeting the rules was found (contradictory rules, or a `pattern` no draw satisfies) — the
 * caller then offers none rather than one the site will refuse.
 */
export function generateForSite(preferred: GeneratorOptions, input: SiteRulesInput): string | null {
  const rules = parseSiteRules(input);
  const fitted: GeneratorOptions =
    preferred.mode === 'characters' ? { ...preferred, length: lengthFor(rules, preferred.length ?? 20) } : preferred;
  for (let i = 0; i < 5; i++) {
    try {
      const { password } = generatePassword(fitted);
      if (satisfiesSiteRules(password, rules)) return password;
    } catch {
      break; // the person's settings cannot be met inside the site's length: draw from the rules
    }
  }
  const length = lengthFor(rules, preferred.mode === 'characters' ? (preferred.length ?? 20) : 20);
  if (rules.minLength !== null && length < rules.minLength) return null;
  for (const pool of poolsFor(rules)) {
    for (let i = 0; i < attemptsPerPool; i++) {
      const password = drawFromRules(rules, pool, length);
      // Spaces at either end are trimmed by many sites: such a draw is not offered.
      if (password.trim() === password && satisfiesSiteRules(password, rules)) return password;
    }
  }
  return null;
}

/** The generator settings kept in the preferences (`Preferences['generator']`) as generator options. */
export interface GeneratorPreference {
  kind: 'password' | 'passphrase';
  length: number;
  lowercase: boolean;
  uppercase: boolean;
  digits: boolean;
  symbols: boolean;
  avoidAmbiguous: boolean;
  words: number;
  separator: string;
}

/** The one mapping from saved generator preferences to generator options (popup and inline menu). */
export function generatorOptionsOf(preference: GeneratorPreference): GeneratorOptions {
  return preference.kind === 'passphrase'
    ? { mode: 'passphrase', words: preference.words, separator: preference.separator, includeNumber: true, capitalize: true }
    : {
        mode: 'characters',
        length: preference.length,
        lower: preference.lowercase,
        upper: preference.uppercase,
        digits: preference.digits,
        symbols: preference.symbols,
        excludeAmbiguous: preference.avoidAmbiguous,
      };
}
