import fc from 'fast-check';
import {
  ambiguousCharacters,
  characterSets,
  effLargeWordlist,
  generatePassword,
  GeneratorOptionsError,
  randomBelow,
  shuffle,
  type CharacterSetName,
  type CharactersOptions,
  type GeneratorOptions,
} from '@secureaccess/shared/generator';

// Chi-square upper critical value for p = 1e-6 (Wilson–Hilferty): a uniform source fails one run
// in a million, while the biases these tests look for push the statistic far past it.
function chiSquareCritical(degreesOfFreedom: number): number {
  const zForOneInAMillion = 4.7534;
  const k = degreesOfFreedom;
  return k * (1 - 2 / (9 * k) + zForOneInAMillion * Math.sqrt(2 / (9 * k))) ** 3;
}

function chiSquare(observed: number[], expected: number[]): number {
  return observed.reduce((sum, count, i) => sum + (count - expected[i]!) ** 2 / expected[i]!, 0);
}

function countOf(password: string, set: CharacterSetName): number {
  return [...password].filter((c) => characterSets[set].includes(c)).length;
}

const setMinimumField = { lower: 'minLower', upper: 'minUpper', digits: 'minDigits', symbols: 'minSymbols' } as const;

function assertSatisfies(password: string, options: CharactersOptions) {
  expect(password).toHaveLength(options.length ?? 20);
  for (const set of Object.keys(setMinimumField) as CharacterSetName[]) {
    const enabled = options[set] ?? true;
    const count = countOf(password, set);
    if (!enabled) expect(count).toBe(0);
    else expect(count).toBeGreaterThanOrEqual(options[setMinimumField[set]] ?? 1);
  }
  if (options.excludeAmbiguous) for (const c of ambiguousCharacters) expect(password).not.toContain(c);
}

describe('generatePassword — characters', () => {
  test('when called without options, then it returns 20 characters with every set and about 131 bits', () => {
    const { password, entropyBits } = generatePassword();

    assertSatisfies(password, { mode: 'characters' });
    expect(entropyBits).toBeGreaterThan(130);
    expect(entropyBits).toBeLessThan(20 * Math.log2(94));
  });

  test.each<CharactersOptions>([
    { mode: 'characters', length: 4 },
    { mode: 'characters', length: 128 },
    { mode: 'characters', length: 12, symbols: false },
    { mode: 'characters', length: 10, lower: false, upper: false, symbols: false },
    { mode: 'characters', length: 16, excludeAmbiguous: true },
    { mode: 'characters', length: 14, minDigits: 6, minSymbols: 6 },
    { mode: 'characters', length: 8, minLower: 0, minUpper: 0, minDigits: 0, minSymbols: 8 },
  ])('when the options are %j, then the password satisfies them', (options) => {
    for (let i = 0; i < 50; i += 1) assertSatisfies(generatePassword(options).password, options);
  });

  test('when only one set is enabled, then the entropy is length × log2(set size)', () => {
    const options: CharactersOptions = { mode: 'characters', length: 8, upper: false, digits: false, symbols: false };

    expect(generatePassword(options).entropyBits).toBeCloseTo(8 * Math.log2(26), 9);
  });

  test('when every set needs one character, then the entropy counts only passwords that have one of each', () => {
    // Inclusion–exclusion over the sets that are missing: an independent count of valid passwords.
    const sizes = [26, 26, 10, 32];
    const length = 6;
    let valid = 0;
    for (let missing = 0; missing < 16; missing += 1) {
      const missingSizes = sizes.filter((_, i) => missing & (1 << i));
      const remaining = 94 - missingSizes.reduce((a, b) => a + b, 0);
      valid += (-1) ** missingSizes.length * remaining ** length;
    }

    expect(generatePassword({ mode: 'characters', length }).entropyBits).toBeCloseTo(Math.log2(valid), 9);
  });

  test('when ambiguous characters are excluded, then the sets shrink and the entropy with them', () => {
    const options: CharactersOptions = { mode: 'characters', length: 10, upper: false, symbols: false, minDigits: 0, minLower: 0, excludeAmbiguous: true };

    // 26 + 10 minus o, l, 0, 1.
    expect(generatePassword(options).entropyBits).toBeCloseTo(10 * Math.log2(32), 9);
  });

  test.each<[string, GeneratorOptions, string]>([
    ['a length below 4', { mode: 'characters', length: 3 }, 'length'],
    ['a length above 128', { mode: 'characters', length: 129 }, 'length'],
    ['a fractional length', { mode: 'characters', length: 10.5 }, 'length'],
    ['no set enabled', { mode: 'characters', lower: false, upper: false, digits: false, symbols: false }, 'lower'],
    ['a minimum for a disabled set', { mode: 'characters', symbols: false, minSymbols: 2 }, 'minSymbols'],
    ['minimums adding up past the length', { mode: 'characters', length: 6, minDigits: 4, minSymbols: 3 }, 'length'],
    ['a negative minimum', { mode: 'characters', minDigits: -1 }, 'minDigits'],
    ['fewer than 3 words', { mode: 'passphrase', words: 2 }, 'words'],
    ['more than 20 words', { mode: 'passphrase', words: 21 }, 'words'],
    ['a long separator', { mode: 'passphrase', separator: '------' }, 'separator'],
    ['an unknown mode', { mode: 'pin' } as unknown as GeneratorOptions, 'mode'],
  ])('when the options have %s, then a GeneratorOptionsError names the field', (_name, options, field) => {
    expect(() => generatePassword(options)).toThrow(GeneratorOptionsError);
    try {
      generatePassword(options);
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid_generator_options', field });
    }
  });
});

describe('generatePassword — passphrase', () => {
  test('when the wordlist is loaded, then it holds the 7 776 distinct EFF words', () => {
    expect(effLargeWordlist).toHaveLength(7776);
    expect(new Set(effLargeWordlist).size).toBe(7776);
    expect(effLargeWordlist[0]).toBe('abacus');
    expect(effLargeWordlist[7775]).toBe('zoom');
    for (const word of effLargeWordlist) expect(word).toMatch(/^[a-z-]{3,9}$/);
  });

  test('when called with defaults, then it returns five list words joined by hyphens with 5 × 12.9 bits', () => {
    const { password, entropyBits } = generatePassword({ mode: 'passphrase', separator: ' ' });

    const words = password.split(' ');
    expect(words).toHaveLength(5);
    for (const word of words) expect(effLargeWordlist).toContain(word);
    expect(entropyBits).toBeCloseTo(5 * Math.log2(7776), 9);
  });

  test('when capitalised with a number, then each word starts upper-case and one word ends with a digit', () => {
    const { password, entropyBits } = generatePassword({
      mode: 'passphrase',
      words: 6,
      separator: '.',
      capitalize: true,
      includeNumber: true,
    });

    const words = password.split('.');
    expect(words).toHaveLength(6);
    for (const word of words) expect(word).toMatch(/^[A-Z][a-z-]*\d?$/);
    expect(words.filter((w) => /\d$/.test(w))).toHaveLength(1);
    expect(entropyBits).toBeCloseTo(6 * Math.log2(7776) + Math.log2(60), 9);
  });
});

describe('uniform randomness', () => {
  test('when drawing below 200 many times, then the counts show no modulo bias', () => {
    // A byte taken modulo 200 would make 0–55 twice as likely as 56–199.
    const bound = 200;
    const draws = 200_000;
    const counts = new Array<number>(bound).fill(0);
    for (let i = 0; i < draws; i += 1) counts[randomBelow(bound)]! += 1;

    expect(chiSquare(counts, counts.map(() => draws / bound))).toBeLessThan(chiSquareCritical(bound - 1));
  });

  test('when drawing below a bound past 2^24, then both halves of the range come up equally', () => {
    const bound = 3 * 2 ** 23;
    const draws = 60_000;
    const counts = [0, 0, 0];
    for (let i = 0; i < draws; i += 1) counts[Math.floor(randomBelow(bound) / 2 ** 23)]! += 1;

    expect(chiSquare(counts, [draws / 3, draws / 3, draws / 3])).toBeLessThan(chiSquareCritical(2));
  });

  test('when shuffling four items many times, then all 24 orders are equally likely', () => {
    const draws = 48_000;
    const counts = new Map<string, number>();
    for (let i = 0; i < draws; i += 1) {
      const key = shuffle([0, 1, 2, 3]).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }

    expect(counts.size).toBe(24);
    expect(chiSquare([...counts.values()], new Array(24).fill(draws / 24))).toBeLessThan(chiSquareCritical(23));
  });

  test('when generating many passwords, then every allowed character is equally likely', () => {
    const options: CharactersOptions = { mode: 'characters', length: 16, lower: false, upper: false, minDigits: 0, minSymbols: 0 };
    const alphabet = characterSets.digits + characterSets.symbols;
    const counts = new Map<string, number>([...alphabet].map((c) => [c, 0]));
    const passwords = 6_000;
    for (let i = 0; i < passwords; i += 1) {
      for (const c of generatePassword(options).password) counts.set(c, counts.get(c)! + 1);
    }

    const expected = (passwords * 16) / alphabet.length;
    expect(counts.size).toBe(alphabet.length);
    expect(chiSquare([...counts.values()], new Array(alphabet.length).fill(expected))).toBeLessThan(
      chiSquareCritical(alphabet.length - 1),
    );
  });

  test('when minimums apply, then the number of digits follows the count of valid passwords, not "minimums first"', () => {
    // length 4, lower + digits, at least one of each: P(j digits) ∝ C(4, j)·10^j·26^(4−j), j = 1..3.
    const options: CharactersOptions = { mode: 'characters', length: 4, upper: false, symbols: false };
    const weights = [1, 2, 3].map((j) => [4, 6, 4][j - 1]! * 10 ** j * 26 ** (4 - j));
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    const draws = 30_000;
    const counts = [0, 0, 0];
    for (let i = 0; i < draws; i += 1) counts[countOf(generatePassword(options).password, 'digits') - 1]! += 1;

    expect(chiSquare(counts, weights.map((w) => (draws * w) / totalWeight))).toBeLessThan(chiSquareCritical(2));
  });
});

describe('generatePassword — properties', () => {
  const charactersOptions = fc
    .record({
      length: fc.integer({ min: 4, max: 128 }),
      lower: fc.boolean(),
      upper: fc.boolean(),
      digits: fc.boolean(),
      symbols: fc.boolean(),
      excludeAmbiguous: fc.boolean(),
      minLower: fc.integer({ min: 0, max: 10 }),
      minUpper: fc.integer({ min: 0, max: 10 }),
      minDigits: fc.integer({ min: 0, max: 10 }),
      minSymbols: fc.integer({ min: 0, max: 10 }),
    })
    .map((o): CharactersOptions => ({
      mode: 'characters',
      ...o,
      lower: o.lower || !(o.upper || o.digits || o.symbols),
      minLower: o.lower || !(o.upper || o.digits || o.symbols) ? o.minLower : 0,
      minUpper: o.upper ? o.minUpper : 0,
      minDigits: o.digits ? o.minDigits : 0,
      minSymbols: o.symbols ? o.minSymbols : 0,
    }))
    .filter((o) => o.minLower! + o.minUpper! + o.minDigits! + o.minSymbols! <= o.length!);

  test('when the options are valid, then the password always satisfies them', () => {
    fc.assert(
      fc.property(charactersOptions, (options) => {
        assertSatisfies(generatePassword(options).password, options);
      }),
      { numRuns: 300 },
    );
  });

  test('when the options are anything at all, then the generator either succeeds or throws GeneratorOptionsError', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            mode: fc.constantFrom('characters', 'passphrase', 'other'),
            length: fc.anything(),
            words: fc.oneof(fc.integer({ min: -5, max: 30 }), fc.anything()),
            separator: fc.anything(),
            minDigits: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.anything()),
            symbols: fc.anything(),
          },
          { requiredKeys: ['mode'] },
        ),
        (options) => {
          try {
            const { password, entropyBits } = generatePassword(options as GeneratorOptions);
            expect(typeof password).toBe('string');
            expect(entropyBits).toBeGreaterThan(0);
          } catch (error) {
            expect(error).toBeInstanceOf(GeneratorOptionsError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
