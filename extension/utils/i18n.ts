// The extension's one i18n layer: @wxt-dev/i18n (messages in extension/locales/<lang>.yml, built
// into _locales/<lang>/messages.json, typed keys). By default it answers through browser.i18n, in
// the browser's language. A language chosen in the preferences (which browser.i18n cannot do) is
// served from that language's generated messages.json, fetched once, resolved the same way.

import { i18n } from '#i18n';
import { browser } from 'wxt/browser';
import type { Preferences } from '@secureaccess/shared/contract';

export type LanguagePreference = Preferences['language'];
/** Languages the extension ships (the files in extension/locales). */
export const supportedLanguages = ['en', 'es'] as const;
export type Language = (typeof supportedLanguages)[number];

type ChromeMessages = Record<string, { message: string }>;

let override: { language: Language; messages: ChromeMessages } | null = null;

function isSupported(language: string): language is Language {
  return (supportedLanguages as readonly string[]).includes(language);
}

/** The language the UI is in: the chosen one, else the browser's when shipped, else English. */
export function currentLanguage(): Language {
  if (override) return override.language;
  const ui = browser.i18n.getUILanguage().slice(0, 2).toLowerCase();
  return isSupported(ui) ? ui : 'en';
}

/** Switches every later `t()` call of this context to `preference` (`auto`: the browser's). */
export async function applyLanguage(preference: LanguagePreference): Promise<void> {
  if (preference === 'auto' || !isSupported(preference)) {
    override = null;
    return;
  }
  if (override?.language === preference) return;
  const response = await fetch(browser.runtime.getURL(`/_locales/${preference}/messages.json` as '/'));
  override = { language: preference, messages: (await response.json()) as ChromeMessages };
}

/** Same substitution rules as @wxt-dev/i18n over browser.i18n: `$1`…`$9`, plurals, `{name}`. */
function translateFrom(messages: ChromeMessages, key: string, args: unknown[]): string {
  let positional: string[] | undefined;
  let named: Record<string, unknown> | undefined;
  let count: number | undefined;
  for (const arg of args) {
    if (typeof arg === 'number') count = arg;
    else if (Array.isArray(arg)) positional = arg.map(String);
    else if (arg && typeof arg === 'object') named = arg as Record<string, unknown>;
  }
  if (count !== undefined && positional === undefined) positional = [String(count)];
  let message = messages[key.replaceAll('.', '_')]?.message ?? '';
  message = message.replace(/\$(\$|[1-9])/g, (_match, which: string) => (which === '$' ? '$' : (positional?.[Number(which) - 1] ?? '')));
  if (count !== undefined) {
    const forms = message.split(' | ');
    if (forms.length === 2) message = forms[count === 1 ? 0 : 1]!;
    else if (forms.length === 3) message = forms[count === 0 || count === 1 ? count : 2]!;
  }
  if (named) {
    const values = named;
    message = message.replace(/\{([A-Za-z0-9_]+)\}/g, (match, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : match));
  }
  return message;
}

/** The message for `key` in the current language (typed: unknown keys do not compile). */
export const t: typeof i18n.t = ((key: string, ...args: unknown[]) =>
  override ? translateFrom(override.messages, key, args) : (i18n.t as (key: string, ...args: unknown[]) => string)(key, ...args)) as typeof i18n.t;
