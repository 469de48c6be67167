import { GeneratorOptionsError } from './errors';

export const characterSetNames = ['lower', 'upper', 'digits', 'symbols'] as const;
export type CharacterSetName = (typeof characterSetNames)[number];

export const characterSets: Record<CharacterSetName, string> = {
  lower: 'abcdefghijklmnopqrstuvwxyz',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  // Every printable ASCII punctuation character.
  symbols: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
};

/** Characters that are easily confused with one another when read or typed. */
export const ambiguousCharacters = '0Oo1lI|`\'"';

export const minPasswordLength = 4;
export const maxPasswordLength = 128;
export const minPassphraseWords = 3;
export const maxPassphraseWords = 20;
export const maxSeparatorLength = 5;

export interface CharactersOptions {
  mode: 'characters';
  /** 4–128 characters. */
  length?: number;
  lower?: boolean;
  upper?: boolean;
  digits?: boolean;
  symbols?: boolean;
  excludeAmbiguous?: boolean;
  /** At least this many of each set; an enabled set defaults to 1, a disabled one must stay 0. */
  minLower?: number;
  minUpper?: number;
  minDigits?: number;
  minSymbols?: number;
}

export interface PassphraseOptions {
  mode: 'passphrase';
  /** 3–20 words from the EFF large wordlist. */
  words?: number;
  separator?: string;
  capitalize?: boolean;
  /** Appends one random digit to one random word. */
  includeNumber?: boolean;
}

export type GeneratorOptions = CharactersOptions | PassphraseOptions;

export const defaultCharactersOptions: Required<Omit<CharactersOptions, `min${string}`>> = {
  mode: 'characters',
  length: 20,
  lower: true,
  upper: true,
  digits: true,
  symbols: true,
  excludeAmbiguous: false,
};

export const defaultPassphraseOptions: Required<PassphraseOptions> = {
  mode: 'passphrase',
  words: 5,
  separator: '-',
  capitalize: false,
  includeNumber: false,
};

const minimumField: Record<CharacterSetName, keyof CharactersOptions> = {
  lower: 'minLower',
  upper: 'minUpper',
  digits: 'minDigits',
  symbols: 'minSymbols',
};

export interface ResolvedCharacterSet {
  name: CharacterSetName;
  characters: string;
  minimum: number;
}

export interface ResolvedCharactersOptions {
  length: number;
  sets: ResolvedCharacterSet[];
}

function assertIntegerInRange(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new GeneratorOptionsError(field, `${field} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

function assertBoolean(field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new GeneratorOptionsError(field, `${field} must be true or false.`);
  return value;
}

export function resolveCharactersOptions(options: CharactersOptions): ResolvedCharactersOptions {
  const length = assertIntegerInRange('length', options.length ?? defaultCharactersOptions.length, minPasswordLength, maxPasswordLength);
  const excludeAmbiguous = assertBoolean('excludeAmbiguous', options.excludeAmbiguous, defaultCharactersOptions.excludeAmbiguous);
  const sets: ResolvedCharacterSet[] = [];
  for (const name of characterSetNames) {
    const enabled = assertBoolean(name, options[name], defaultCharactersOptions[name]);
    const field = minimumField[name];
    const minimum = assertIntegerInRange(field, options[field] ?? (enabled ? 1 : 0), 0, maxPasswordLength);
    if (!enabled) {
      if (minimum > 0) throw new GeneratorOptionsError(field, `${field} needs the ${name} characters to be enabled.`);
      continue;
    }
    const characters = [...characterSets[name]].filter((c) => !excludeAmbiguous || !ambiguousCharacters.includes(c)).join('');
    sets.push({ name, characters, minimum });
  }
  if (sets.length === 0) throw new GeneratorOptionsError('lower', 'Enable at least one set of characters.');
  const required = sets.reduce((sum, set) => sum + set.minimum, 0);
  if (required > length) {
    throw new GeneratorOptionsError('length', `The minimum counts add up to ${required}, more than the length ${length}.`);
  }
  return { length, sets };
}

export function resolvePassphraseOptions(options: PassphraseOptions): Required<PassphraseOptions> {
  const words = assertIntegerInRange('words', options.words ?? defaultPassphraseOptions.words, minPassphraseWords, maxPassphraseWords);
  const separator = options.separator ?? defaultPassphraseOptions.separator;
  if (typeof separator !== 'string' || separator.length > maxSeparatorLength) {
    throw new GeneratorOptionsError('separator', `separator must be text of at most ${maxSeparatorLength} characters.`);
  }
  return {
    mode: 'passphrase',
    words,
    separator,
    capitalize: assertBoolean('capitalize', options.capitalize, defaultPassphraseOptions.capitalize),
    includeNumber: assertBoolean('includeNumber', options.includeNumber, defaultPassphraseOptions.includeNumber),
  };
}
