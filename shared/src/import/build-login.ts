import { importIssue, type ImportedLogin, type ImportIssue } from './types';

export interface LoginFields {
  name?: unknown;
  url?: unknown;
  username?: unknown;
  password?: unknown;
  notes?: unknown;
  folder?: unknown;
  totp?: unknown;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/**
 * Builds the common shape, or returns why the row is not a login. Passwords are kept byte for
 * byte (leading spaces can be part of one); names, URLs and folders are trimmed.
 */
export function buildLogin(fields: LoginFields, row: number): ImportedLogin | ImportIssue {
  const url = text(fields.url).trim();
  const username = text(fields.username);
  const password = text(fields.password);
  if (username.trim() === '' && password === '') return importIssue('no_credentials', 'The row has neither a username nor a password.');
  const name = text(fields.name).trim() || hostnameOf(url) || url || username.trim();
  const login: ImportedLogin = {
    row,
    name,
    url,
    username,
    password,
    notes: text(fields.notes),
    folder: text(fields.folder).trim(),
  };
  const totp = text(fields.totp).trim();
  if (totp !== '') login.totp = totp;
  return login;
}
