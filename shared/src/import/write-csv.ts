import type { ImportedLogin } from './types';

/** One RFC 4180 cell: quoted when it holds a quote, delimiter, line break or edge space. */
function formatCell(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** RFC 4180 CSV (CRLF line ends, what spreadsheets and every importer of `parseImport` read). */
export function formatCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((cells) => cells.map(formatCell).join(',')).join('\r\n') + '\r\n';
}

/** Bitwarden's CSV columns, in its order (what Bitwarden and most managers import). */
export const bitwardenCsvHeader = ['folder', 'favorite', 'type', 'name', 'notes', 'fields', 'reprompt', 'login_uri', 'login_username', 'login_password', 'login_totp'] as const;

/** A plain (unencrypted) export in Bitwarden's CSV layout; `parseImport` reads it back as `bitwarden_csv`. */
export function formatBitwardenCsv(logins: readonly Omit<ImportedLogin, 'row'>[]): string {
  return formatCsv(
    bitwardenCsvHeader,
    logins.map((login) => [login.folder, '', 'login', login.name, login.notes, '', '0', login.url, login.username, login.password, login.totp ?? '']),
  );
}
