export const importFormats = [
  'chrome',
  'firefox',
  'bitwarden_csv',
  'bitwarden_json',
  'lastpass',
  '1password',
  'keepassxc',
  /** The CSV `npm run legacy:export` writes from the legacy `passwords-manager` table (seed 002). */
  'passwords_manager',
] as const;
export type ImportFormat = (typeof importFormats)[number];

/** One login read from another manager's export, still in plain text: encrypt before storing. */
export interface ImportedLogin {
  /** Where it was read: the line in a CSV file (1 = header) or the 1-based item in JSON. */
  row: number;
  name: string;
  url: string;
  username: string;
  password: string;
  notes: string;
  folder: string;
  totp?: string;
}

/**
 * Why a row (or the whole file) was not imported, as a code a UI translates; `detail` is the
 * variable part (an item type, missing column names) and `message` the English sentence.
 */
export const importErrorCodes = [
  'no_credentials',
  'not_a_login',
  'secure_note',
  'not_an_object',
  'invalid_url',
  'unreadable_record',
  'unreadable_file',
  'unreadable_json',
  'no_header',
  'unknown_format',
  'not_csv_format',
  'missing_columns',
  'not_bitwarden_json',
  'bitwarden_encrypted',
  'empty',
  'too_large',
] as const;
export type ImportErrorCode = (typeof importErrorCodes)[number];

/** A row that was not imported. `row` is the line in a CSV file (1 = header) or the 1-based item in JSON; 0 is the whole file. */
export interface ImportRowError {
  row: number;
  code: ImportErrorCode;
  message: string;
  detail?: string;
}

/** Why one row is not a login (the row number is added by the parser). */
export type ImportIssue = Omit<ImportRowError, 'row'>;

export const importIssue = (code: ImportErrorCode, message: string, detail?: string): ImportIssue =>
  detail === undefined ? { code, message } : { code, message, detail };

export const isImportIssue = (value: unknown): value is ImportIssue =>
  typeof value === 'object' && value !== null && typeof (value as ImportIssue).code === 'string' && typeof (value as ImportIssue).message === 'string';

export interface ImportResult {
  /** null when the format was not recognised. */
  format: ImportFormat | null;
  logins: ImportedLogin[];
  errors: ImportRowError[];
}
