// What a person reads about an access decision (DESIGN §8), by the message keys that the shared
// decideAccess puts beside each decision (@secureaccess/shared/access accessMessageKeys), in
// English and Spanish. `$1` is the application's name, `$2` the value the admin set.

import { accessMessageKey, type AccessMessageKey } from '@secureaccess/shared/access';
import type { AccessDecision } from '@secureaccess/shared/contract';

export const accessMessages: Record<'en' | 'es', Record<AccessMessageKey, string>> = {
  en: {
    accessAllowed: 'Access to $1 is $2.',
    accessRefusedInactive: 'Autofill is off here: $1 is inactive ($2).',
    accessRefusedDeclined: 'Autofill is off here: access to $1 is $2.',
    accessRefusedNever: 'Autofill is off here: $1 is excluded from autofill ($2).',
  },
  es: {
    accessAllowed: 'El acceso a $1 es $2.',
    accessRefusedInactive: 'El autorrelleno está desactivado aquí: $1 está inactiva ($2).',
    accessRefusedDeclined: 'El autorrelleno está desactivado aquí: el acceso a $1 es $2.',
    accessRefusedNever: 'El autorrelleno está desactivado aquí: $1 está excluida del autorrelleno ($2).',
  },
};

function uiLocale(): 'en' | 'es' {
  const language = typeof navigator === 'undefined' ? 'en' : navigator.language;
  return language.toLowerCase().startsWith('es') ? 'es' : 'en';
}

/** The sentence for `decision` about the application called `name`. */
export function describeAccess(decision: Pick<AccessDecision, 'reason' | 'value'>, name: string, locale = uiLocale()): string {
  return accessMessages[locale][accessMessageKey(decision)].replace('$1', name).replace('$2', decision.value);
}
