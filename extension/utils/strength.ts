// The password strength estimator: zxcvbn-ts (the maintained TypeScript zxcvbn) with its common,
// English and Spanish dictionaries. Loaded only by the page that needs it (a dynamic import from
// the options page), never by the background or the content script: the dictionaries are large.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import * as es from '@zxcvbn-ts/language-es-es';

let factory: ZxcvbnFactory | null = null;

/** zxcvbn's score (0–4) of `password`; `userInputs` (the account's name, username, site) count as guessable. */
export function strengthScore(password: string, userInputs: string[] = []): number {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary, ...es.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return factory.check(password, userInputs).score;
}
