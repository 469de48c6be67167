import { parseBitwardenJson } from './parse-bitwarden-json';
import { parseCsvImport } from './parse-csv';
import { importIssue, type ImportFormat, type ImportResult } from './types';

/** Larger exports are refused rather than parsed in the extension's memory (10 MiB of text). */
export const maxImportLength = 10 * 1024 * 1024;

/**
 * Parses an export of another password manager: JSON (Bitwarden unencrypted) or CSV (Chrome,
 * Firefox, Bitwarden, LastPass, 1Password, KeePassXC, the legacy `passwords-manager` table), detected from the content unless `format`
 * is given. Never throws: unusable rows — or the whole file, as row 0 — are listed in `errors`.
 */
export function parseImport(text: string, options: { format?: ImportFormat } = {}): ImportResult {
  const { format } = options;
  if (typeof text !== 'string') return { format: null, logins: [], errors: [{ row: 0, ...importIssue('empty', 'Nothing to import.') }] };
  if (text.length > maxImportLength) {
    return { format: null, logins: [], errors: [{ row: 0, ...importIssue('too_large', 'The file is larger than 10 MiB.') }] };
  }
  const content = text.replace(/^\uFEFF/, '');
  const looksLikeJson = /^\s*[{[]/.test(content);
  if (format === 'bitwarden_json' || (format === undefined && looksLikeJson)) {
    let document: unknown;
    try {
      document = JSON.parse(content);
    } catch (error) {
      const why = (error as Error).message;
      return { format: null, logins: [], errors: [{ row: 0, ...importIssue('unreadable_json', `The JSON cannot be read: ${why}`, why) }] };
    }
    return parseBitwardenJson(document);
  }
  return parseCsvImport(content, format);
}

/** The format `parseImport` would pick for this content, or null. */
export function detectImportFormat(text: string): ImportFormat | null {
  return parseImport(text).format;
}
