import { buildLogin } from './build-login';
import { importIssue, isImportIssue, type ImportErrorCode, type ImportResult } from './types';

const loginItemType = 1; // Bitwarden: 1 login, 2 secure note, 3 card, 4 identity, 5 SSH key

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Bitwarden's unencrypted JSON export: `{encrypted: false, folders: [{id, name}], items: [...]}`. */
export function parseBitwardenJson(document: unknown): ImportResult {
  const result: ImportResult = { format: 'bitwarden_json', logins: [], errors: [] };
  if (!isRecord(document) || !Array.isArray(document.items)) {
    return { format: null, logins: [], errors: [{ row: 0, ...importIssue('not_bitwarden_json', 'The JSON is not a Bitwarden export (no "items" list).') }] };
  }
  if (document.encrypted === true) {
    result.errors.push({ row: 0, ...importIssue('bitwarden_encrypted', 'The Bitwarden export is encrypted: export again choosing the unencrypted JSON format.') });
    return result;
  }
  const folders = new Map<unknown, unknown>();
  if (Array.isArray(document.folders)) {
    for (const folder of document.folders) if (isRecord(folder)) folders.set(folder.id, folder.name);
  }
  document.items.forEach((item: unknown, index: number) => {
    const row = index + 1;
    const error = (code: ImportErrorCode, message: string, detail?: string): void => void result.errors.push({ row, ...importIssue(code, message, detail) });
    if (!isRecord(item)) return error('not_an_object', 'The item is not an object.');
    if (item.type !== loginItemType) {
      const type = JSON.stringify(item.type) ?? String(item.type);
      return error('not_a_login', `Only logins are imported, not items of type ${type}.`, type);
    }
    const login = isRecord(item.login) ? item.login : {};
    const firstUri = Array.isArray(login.uris) ? login.uris.find(isRecord) : undefined;
    const built = buildLogin({
      name: item.name,
      url: firstUri?.uri,
      username: login.username,
      password: login.password,
      notes: item.notes,
      folder: folders.get(item.folderId),
      totp: login.totp,
    }, row);
    if (isImportIssue(built)) return void result.errors.push({ row, ...built });
    result.logins.push(built);
  });
  return result;
}
