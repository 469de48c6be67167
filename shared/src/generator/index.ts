export { generatePassword, type GeneratedPassword } from './generate-password';
export { GeneratorOptionsError } from './errors';
export {
  ambiguousCharacters,
  characterSetNames,
  characterSets,
  defaultCharactersOptions,
  defaultPassphraseOptions,
  maxPassphraseWords,
  maxPasswordLength,
  maxSeparatorLength,
  minPassphraseWords,
  minPasswordLength,
  type CharacterSetName,
  type CharactersOptions,
  type GeneratorOptions,
  type PassphraseOptions,
} from './options';
export { randomBelow, shuffle } from './random';
export { effLargeWordlist } from './wordlist';
export {
  generateForSite,
  generatorOptionsOf,
  parseSiteRules,
  satisfiesSiteRules,
  type GeneratorPreference,
  type SiteRules,
  type SiteRulesInput,
} from './site-rules';
