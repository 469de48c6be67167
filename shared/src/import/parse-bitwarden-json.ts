import { buildLogin } from './build-login';
import type { ImportResult, ImportRowError } from './types';

const loginItemType = 1; // Bitwarden: 1 login, 2 secure note, 3 card, 4 identity, 5 SSH key

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Bitwarden's unencrypted JSON export: `{encrypted: false, folders: [{id, name}], items: [...]}`. */
export function parseBitwardenJson(document: unknown): ImportResult {
  const result: ImportResult = { format: 'bitwarden_json', logins: [], errors: [] };
  if (!isRecord(document) || !Array.isArray(document.items)) {
    return { format: null, logins: [], errors: [{ row: 0, message: 'The JSON is not a Bitwarden export (no "items" list).' }] };
  }
  if (document.encrypted === true) {
    result.errors.push({ row: 0, message: 'The Bitwarden export is encrypted: export again choosing the unencrypted JSON format.' });
    return result;
  }
  const folders = new Map<unknown, unknown>();
  if (Array.isArray(document.folders)) {
    for (const folder of document.folders) if (isRecord(folder)) folders.set(folder.id, folder.name);
  }
  document.items.forEach((item: unknown, index: number) => {
    const row = index + 1;
    const error = (message: string): void => void result.errors.push({ row, message } satisfies ImportRowError);
    if (!isRecord(item)) return error('The item is not an object.');
    if (item.type !== loginItemType) return error(`Only logins are imported, not items of type ${JSON.stringify(item.type)}.`);
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
    });
    if (typeof built === 'string') return error(built);
    result.logins.push(built);
  });
  return result;
}
