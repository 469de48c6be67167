// Applies the display settings (theme, language) to an extension page: every page and inline
// frame calls watchDisplay once at start (components/DisplayRoot.tsx does it for React roots).

import { applyLanguage, currentLanguage } from './i18n';
import { displayItem, type DisplaySettings } from './storage';

const darkQuery = '(prefers-color-scheme: dark)';

/** `system` resolves to the operating system's choice, followed live. */
export function resolveTheme(theme: DisplaySettings['theme'], systemDark: boolean): 'light' | 'dark' {
  return theme === 'system' ? (systemDark ? 'dark' : 'light') : theme;
}

/** Sets `data-theme` and `lang` on <html>; theme.css switches its colour tokens on `data-theme`. */
function applyToDocument(settings: DisplaySettings): void {
  const root = document.documentElement;
  root.dataset.theme = resolveTheme(settings.theme, window.matchMedia(darkQuery).matches);
  root.lang = currentLanguage();
}

/**
 * Applies the stored settings now and on every change (from the options page, or a sync from
 * another device), and when the system theme flips. `onChange` runs after each application, so
 * a React root re-renders its strings. Returns the unsubscribe function.
 */
export function watchDisplay(onChange: () => void): () => void {
  let current: DisplaySettings | null = null;
  const apply = async (settings: DisplaySettings) => {
    current = settings;
    await applyLanguage(settings.language).catch(() => applyLanguage('auto'));
    applyToDocument(settings);
    onChange();
  };
  void displayItem.getValue().then(apply);
  const unwatch = displayItem.watch((settings) => void apply(settings));
  const media = window.matchMedia(darkQuery);
  const onSystemChange = () => current && applyToDocument(current);
  media.addEventListener('change', onSystemChange);
  return () => {
    unwatch();
    media.removeEventListener('change', onSystemChange);
  };
}
