import fc from 'fast-check';
import { generateForSite, generatorOptionsOf, parseSiteRules, satisfiesSiteRules } from '@secureaccess/shared/generator';

const twentyCharacters = { mode: 'characters', length: 20 } as const;
const passphrase = { mode: 'passphrase', words: 5, separator: '-', includeNumber: true, capitalize: true } as const;

describe('site password rules (passwordrules, minlength, maxlength, pattern)', () => {
  test('when a passwordrules value is parsed, then each required line is a group and allowed is their union with the allowed classes', () => {
    const rules = parseSiteRules({ passwordrules: 'minlength: 8; maxlength: 12; required: lower; required: upper; required: digit; required: [-_!]; max-consecutive: 2' });
    expect(rules).toMatchObject({ minLength: 8, maxLength: 12, maxConsecutive: 2 });
    expect(rules.required).toHaveLength(4);
    expect(rules.required[3]).toBe('-_!');
    expect(rules.allowed).toContain('a');
    expect(rules.allowed).toContain('_');
    expect(rules.allowed).not.toContain('#');
  });

  test('when the site says nothing, then the person’s settings decide and every printable ASCII character is allowed', () => {
    const password = generateForSite(twentyCharacters, {});
    expect(password).toHaveLength(20);
    expect(generateForSite(passphrase, {})).toMatch(/^([A-Z][a-z]*\d?-){4}[A-Z][a-z]*\d?$/);
  });

  test('when maxlength is 12, then a 20-character preference is cut to 12; minlength 32 raises it to 32', () => {
    expect(generateForSite(twentyCharacters, { maxLength: 12 })).toHaveLength(12);
    expect(generateForSite(twentyCharacters, { minLength: 32 })).toHaveLength(32);
  });

  test('when the site allows only letters and digits, then no symbol is used even though the person wants symbols', () => {
    for (let i = 0; i < 50; i++) {
      const password = generateForSite(twentyCharacters, { passwordrules: 'required: lower; required: upper; required: digit; allowed: [-]' })!;
      expect(password).toMatch(/^[A-Za-z0-9-]{20}$/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/\d/);
    }
  });

  test('when a passphrase does not meet the rules (a 16-character maximum), then a password drawn from the rules is offered', () => {
    const password = generateForSite(passphrase, { passwordrules: 'maxlength: 16; required: digit; allowed: lower' })!;
    expect(password).toMatch(/^[a-z0-9]{16}$/);
  });

  test('when a pattern asks for six digits, then the password is six digits', () => {
    expect(generateForSite(twentyCharacters, { pattern: '[0-9]{6}', maxLength: 6 })).toMatch(/^\d{6}$/);
  });

  test('when the rules contradict each other, then no password is offered (never one the site refuses)', () => {
    expect(generateForSite(twentyCharacters, { minLength: 20, maxLength: 10 })).toBeNull();
    expect(generateForSite(twentyCharacters, { pattern: 'never[0-9]{3}', maxLength: 20 })).toBeNull();
  });

  test('when a pattern is not a valid expression, then it is ignored as browsers ignore it', () => {
    expect(parseSiteRules({ pattern: '([' }).pattern).toBeNull();
  });

  test('when a page’s pattern repeats a group (catastrophic backtracking), then it is never run; plain quantifiers and lookaheads are', () => {
    for (const evil of ['(a+)+b', '(a|aa)*$', '(x){2,}y', '((ab)*)+c']) expect(parseSiteRules({ pattern: evil }).pattern).toBeNull();
    expect(parseSiteRules({ pattern: '[\\)]+[0-9]{6}' }).pattern).not.toBeNull(); // an escaped parenthesis in a class is no group
    expect(parseSiteRules({ pattern: '(?=.*\\d)(?=.*[a-z]).{8,}' }).pattern).not.toBeNull();
    expect(parseSiteRules({ pattern: '\\)+x' }).pattern).not.toBeNull();
    // Returns at all (the pattern was not run) with a password of the person's settings.
    expect(generateForSite(twentyCharacters, { pattern: '(a+)+b' })).toHaveLength(20);
  });

  test('property: whatever the length bounds and required classes, an offered password satisfies every rule', () => {
    const classes = ['lower', 'upper', 'digit', 'special', '[-_.]'];
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 40 }),
        fc.integer({ min: 0, max: 30 }),
        fc.subarray(classes),
        fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        (min, extra, required, consecutive) => {
          const input = {
            minLength: min,
            maxLength: min + extra,
            passwordrules: [...required.map((c) => `required: ${c}`), consecutive ? `max-consecutive: ${consecutive}` : ''].join('; '),
          };
          const password = generateForSite(twentyCharacters, input);
          expect(password).not.toBeNull();
          expect(satisfiesSiteRules(password!, parseSiteRules(input))).toBe(true);
        },
      ),
      { seed: 11, numRuns: 200 },
    );
  });

  test('when saved generator preferences are mapped, then a passphrase keeps its words and separator and a password its sets', () => {
    const base = { length: 24, lowercase: true, uppercase: false, digits: true, symbols: false, avoidAmbiguous: true, words: 6, separator: '.' };
    expect(generatorOptionsOf({ ...base, kind: 'password' })).toEqual({
      mode: 'characters', length: 24, lower: true, upper: false, digits: true, symbols: false, excludeAmbiguous: true,
    });
    expect(generatorOptionsOf({ ...base, kind: 'passphrase' })).toMatchObject({ mode: 'passphrase', words: 6, separator: '.' });
  });
});
