export const importFormats = [
  'chrome',
  'firefox',
  'bitwarden_csv',
  'bitwarden_json',
  'lastpass',
  '1password',
  'keepassxc',
] as const;
export type ImportFormat = (typeof importFormats)[number];

/** One login read from another manager's export, still in plain text: encrypt before storing. */
export interface ImportedLogin {
  name: string;
  url: string;
  username: string;
  password: string;
  notes: string;
  folder: string;
  totp?: string;
}

/** A row that was not imported. `row` is the line in a CSV file (1 = header) or the 1-based item in JSON; 0 is the whole file. */
export interface ImportRowError {
  row: number;
  message: string;
}

export interface ImportResult {
  /** null when the format was not recognised. */
  format: ImportFormat | null;
  logins: ImportedLogin[];
  errors: ImportRowError[];
}
