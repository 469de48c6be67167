import { GeneratorOptionsError } from './errors';
import {
  defaultCharactersOptions,
  resolveCharactersOptions,
  resolvePassphraseOptions,
  type CharactersOptions,
  type GeneratorOptions,
  type PassphraseOptions,
  type ResolvedCharactersOptions,
} from './options';
import { randomBelow, randomBigBelow, shuffle } from './random';
import { effLargeWordlist } from './wordlist';

export interface GeneratedPassword {
  password: string;
  /**
   * log2 of the number of equally likely outputs for these options (for passphrases, assuming
   * distinct word sequences give distinct text, which an empty separator can rarely break).
   */
  entropyBits: number;
}

/** Generates a password (default: 20 characters from all four sets) or a passphrase. */
export function generatePassword(options: GeneratorOptions = defaultCharactersOptions): GeneratedPassword {
  if (options?.mode === 'characters') return generateCharacters(options);
  if (options?.mode === 'passphrase') return generatePassphrase(options);
  throw new GeneratorOptionsError('mode', 'mode must be "characters" or "passphrase".');
}

const binomialCache: bigint[][] = [[1n]];

function binomial(n: number, k: number): bigint {
  for (let row = binomialCache.length; row <= n; row += 1) {
    const previous = binomialCache[row - 1] as bigint[];
    const next = [1n];
    for (let i = 1; i < row; i += 1) next.push((previous[i - 1] as bigint) + (previous[i] as bigint));
    next.push(1n);
    binomialCache.push(next);
  }
  return (binomialCache[n] as bigint[])[k] as bigint;
}

function setSizePowers(size: number, maxExponent: number): bigint[] {
  const powers = [1n];
  for (let c = 1; c <= maxExponent; c += 1) powers.push((powers[c - 1] as bigint) * BigInt(size));
  return powers;
}

/**
 * ways[i][n]: how many strings of n characters use only the first i sets, each at least its
 * minimum. The sets are disjoint, so ways[i][n] = Σ_c C(n, c)·|set i|^c·ways[i-1][n-c].
 */
function countWays({ length, sets }: ResolvedCharactersOptions): bigint[][] {
  const ways: bigint[][] = [Array.from({ length: length + 1 }, (_, n) => (n === 0 ? 1n : 0n))];
  sets.forEach((set, i) => {
    const previous = ways[i] as bigint[];
    const powers = setSizePowers(set.characters.length, length);
    const row: bigint[] = [];
    for (let n = 0; n <= length; n += 1) {
      let total = 0n;
      for (let c = set.minimum; c <= n; c += 1) total += binomial(n, c) * (powers[c] as bigint) * (previous[n - c] as bigint);
      row.push(total);
    }
    ways.push(row);
  });
  return ways;
}

function log2(value: bigint): number {
  const bits = value.toString(2).length;
  const shift = Math.max(0, bits - 53);
  return shift + Math.log2(Number(value >> BigInt(shift)));
}

/**
 * Uniform over every string that meets the options — not "minimums first, then shuffle", which
 * favours some strings — so entropyBits is exact: first how many characters each set gets, drawn
 * in proportion to how many strings have that split, then their positions, then the characters.
 */
function generateCharacters(options: CharactersOptions): GeneratedPassword {
  const resolved = resolveCharactersOptions(options);
  const { sets } = resolved;
  const ways = countWays(resolved);
  const total = (ways[sets.length] as bigint[])[resolved.length] as bigint;
  if (total === 0n) throw new GeneratorOptionsError('excludeAmbiguous', 'No password meets these options.');

  const slots: number[] = [];
  let remaining = resolved.length;
  for (let i = sets.length; i >= 1; i -= 1) {
    const set = sets[i - 1]!;
    const powers = setSizePowers(set.characters.length, remaining);
    const previous = ways[i - 1] as bigint[];
    let pick = randomBigBelow((ways[i] as bigint[])[remaining] as bigint);
    let count = set.minimum;
    for (; count <= remaining; count += 1) {
      const weight = binomial(remaining, count) * (powers[count] as bigint) * (previous[remaining - count] as bigint);
      if (pick < weight) break;
      pick -= weight;
    }
    for (let k = 0; k < count; k += 1) slots.push(i - 1);
    remaining -= count;
  }
  shuffle(slots);
  const password = slots
    .map((setIndex) => {
      const characters = sets[setIndex]!.characters;
      return characters[randomBelow(characters.length)];
    })
    .join('');
  return { password, entropyBits: log2(total) };
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function generatePassphrase(options: PassphraseOptions): GeneratedPassword {
  const { words, separator, capitalize: shouldCapitalize, includeNumber } = resolvePassphraseOptions(options);
  const chosen = Array.from({ length: words }, () => {
    const word = effLargeWordlist[randomBelow(effLargeWordlist.length)] as string;
    return shouldCapitalize ? capitalize(word) : word;
  });
  let entropyBits = words * Math.log2(effLargeWordlist.length);
  if (includeNumber) {
    const index = randomBelow(words);
    chosen[index] = `${chosen[index]}${randomBelow(10)}`;
    entropyBits += Math.log2(10 * words);
  }
  return { password: chosen.join(separator), entropyBits };
}
