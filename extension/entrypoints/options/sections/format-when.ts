import { currentLanguage } from '@/utils/i18n';

/** A timestamp of the API in the UI's language, e.g. "3 Dec 2026, 14:05". */
export function formatWhen(iso: string): string {
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
