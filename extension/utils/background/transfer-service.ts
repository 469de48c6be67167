// Import and export (DESIGN §5a, §9; docs/extension.md "Import & export"). Everything runs here, in
// the background, never in the options page: the page sends the file's text, gets a preview, starts
// the import and polls its progress. Rows are sealed with the vault's own account sealing
// (`sealAccountSecrets`, as `vault:save` does) and uploaded through POST /accounts/bulk in batches;
// encryption runs in slices that yield to the event loop, so progress polls and cancel are answered
// while 5 000 rows are worked through.
//
// The previewed plaintext is held in this module's memory only (never in storage): a 10 MiB import
// does not fit storage.session, and plaintext passwords have no business on disk. The job's progress
// is mirrored to storage.session, so after the service worker was stopped mid-import the page is told
// how far it got; choosing the file again then skips what was uploaded (duplicates by URL + username).

import { secretFieldSpecs, secretFields, type AccountPlaintexts, type CreateAccountBody } from '@secureaccess/shared/contract';
import {
  deriveKeys,
  importUserKey,
  isCryptoError,
  isVaultBackup,
  normalizeSecretField,
  openVaultBackup,
  sealAccountSecrets,
  sealVaultBackup,
  unwrapUserKey,
  type VaultBackupEntry,
} from '@secureaccess/shared/crypto';
import { duplicateKey, formatBitwardenCsv, parseImport, type ImportedLogin, type ImportRowError } from '@secureaccess/shared/import';
import { t } from '../i18n';
import { ExtensionError, type TransferFile, type TransferFormat, type TransferPreview, type TransferProgress } from '../protocol';
import { transferProgressItem } from '../storage';
import { isApiError } from './api-client';
import { authed, explained, onLock, requireUserKey, userError } from './session';
import { accessOf, pageMatcher, revalidateCatalogue, sync, vault } from './vault-service';

/** Accounts per POST /accounts/bulk (the contract allows `maxBulkAccounts`, 1 000; smaller batches move the progress bar). */
export const importBatchSize = 250;
/** A batch's body stays under this (the API's default JSON body limit is 1 MiB; long notes are up to 64 KiB). */
export const importBatchBytes = 768 * 1024;
/** Accounts sealed between two yields to the event loop. */
const sealSliceSize = 50;
/** Rows, errors and duplicates a preview lists (the counts are always complete). */
const previewListLimit = 200;
const previewRowLimit = 10;
/** A backup password is held to the master password's minimum. */
export const minBackupPasswordLength = 12;

interface ImportJob {
  jobId: string;
  logins: ImportedLogin[];
  duplicateRows: Set<number>;
  cancelled: boolean;
  running: boolean;
}

let job: ImportJob | null = null;

// Locking forgets a previewed file's plaintext with every other decrypted value; a running import
// stops at its next batch (it asks for the unlocked key before each one).
onLock(() => {
  if (!job?.running) job = null;
});

const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const utf8Length = (text: string) => new TextEncoder().encode(text).length;

/** The account fields of an imported login: its name is the title (protocol v1.2), a TOTP secret goes to the notes. */
export function plaintextsOf(login: ImportedLogin): AccountPlaintexts {
  const notes = login.totp ? [login.notes, `TOTP: ${login.totp}`].filter((part) => part !== '').join('\n\n') : login.notes;
  return { title: login.name, url: login.url, username: login.username, password: login.password, notes, folder: login.folder };
}

/** The translated sentence of a parser error (the parsers return codes; `message` is their English). */
function describeImportError(error: ImportRowError): string {
  const detail = error.detail ?? '';
  switch (error.code) {
    case 'no_credentials':
      return t('transfer.errors.noCredentials');
    case 'not_a_login':
      return t('transfer.errors.notALogin', { detail });
    case 'secure_note':
      return t('transfer.errors.secureNote');
    case 'not_an_object':
      return t('transfer.errors.notAnObject');
    case 'invalid_url':
      return t('transfer.errors.invalidUrl', { detail });
    case 'unreadable_record':
      return t('transfer.errors.unreadableRecord');
    case 'unreadable_file':
    case 'unreadable_json':
      return t('transfer.errors.unreadableFile');
    case 'no_header':
      return t('transfer.errors.noHeader');
    case 'unknown_format':
      return t('transfer.errors.unknownFormat');
    case 'not_csv_format':
      return t('transfer.errors.notCsvFormat');
    case 'missing_columns':
      return t('transfer.errors.missingColumns', { detail });
    case 'not_bitwarden_json':
      return t('transfer.errors.notBitwardenJson');
    case 'bitwarden_encrypted':
      return t('transfer.errors.bitwardenEncrypted');
    case 'empty':
      return t('transfer.errors.empty');
    case 'too_large':
      return t('transfer.errors.tooLarge');
  }
}

/** Fields over their limit (e.g. a title over 400 bytes) would be refused by the API: reported at preview. */
function oversizedField(plaintexts: AccountPlaintexts): string | null {
  for (const field of secretFields) {
    const text = normalizeSecretField(field, plaintexts[field] ?? '');
    if (utf8Length(text) > secretFieldSpecs[field].maxBytes) return field;
  }
  return null;
}

function assertCanImport(role: string): void {
  if (role === 'reader') throw new ExtensionError('forbidden', t('errors.readerCannotEdit'));
}

/** The logins of an encrypted SecureAccess backup (its password is needed). */
async function readBackup(document: unknown, password: string | undefined): Promise<ImportedLogin[]> {
  if (!password) throw new ExtensionError('password_required', t('transfer.errors.backupPasswordNeeded'));
  try {
    const { accounts } = await openVaultBackup(document, password);
    return accounts.map((entry, index) => ({ row: index + 1, ...entry, name: entry.title }));
  } catch (error) {
    if (isCryptoError(error) && error.code === 'decryption_failed') throw new ExtensionError('wrong_password', t('transfer.errors.backupPasswordWrong'));
    if (isCryptoError(error)) throw new ExtensionError('invalid_backup', t('transfer.errors.backupInvalid'));
    throw error;
  }
}

function asJson(text: string): unknown {
  if (!/^\s*\{/.test(text)) return undefined;
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
}

/** Parses a file, compares it with the vault and keeps it for `startImport`. Nothing is uploaded yet. */
export async function previewImport(request: { text: string; format?: TransferFormat; password?: string }): Promise<TransferPreview> {
  return explained(async () => {
    const { holder: current } = await requireUserKey();
    assertCanImport(current.user.role);
    if (job?.running) throw new ExtensionError('busy', t('transfer.errors.busy'));
    if (typeof request.text !== 'string') throw new ExtensionError('invalid', t('transfer.errors.empty'));

    let format: TransferFormat | null;
    let logins: ImportedLogin[];
    const errors: { row: number; message: string }[] = [];
    const document = request.format === undefined || request.format === 'secureaccess_backup' ? asJson(request.text) : undefined;
    if (request.format === 'secureaccess_backup' || isVaultBackup(document)) {
      format = 'secureaccess_backup';
      logins = await readBackup(document, request.password);
    } else {
      const parsed = parseImport(request.text, request.format ? { format: request.format } : {});
      format = parsed.format;
      logins = parsed.logins;
      errors.push(...parsed.errors.map((error) => ({ row: error.row, message: describeImportError(error) })));
    }

    const usable: ImportedLogin[] = [];
    for (const login of logins) {
      const field = oversizedField(plaintextsOf(login));
      if (field) errors.push({ row: login.row, message: t('transfer.errors.tooLong', { detail: field }) });
      else usable.push(login);
    }
    errors.sort((a, b) => a.row - b.row);

    // The vault as the server has it now, so that a re-run right after an import sees every row.
    await sync();
    const known = new Set((await vault()).active().map((item) => duplicateKey(item.url, item.username)));
    const duplicateRows = new Set<number>();
    for (const login of usable) {
      const key = duplicateKey(login.url, login.username);
      if (known.has(key)) duplicateRows.add(login.row);
      known.add(key); // twice in the file: the second one is a duplicate of the first
    }
    const duplicates = usable.filter((login) => duplicateRows.has(login.row));

    job = { jobId: crypto.randomUUID(), logins: usable, duplicateRows, cancelled: false, running: false };
    await transferProgressItem.setValue(null);
    return {
      jobId: job.jobId,
      format,
      total: usable.length,
      toImport: usable.length - duplicates.length,
      rows: usable.slice(0, previewRowLimit).map((login) => ({
        row: login.row,
        title: login.name,
        url: login.url,
        username: login.username,
        folder: login.folder,
        duplicate: duplicateRows.has(login.row),
      })),
      duplicateCount: duplicates.length,
      duplicates: duplicates.slice(0, previewListLimit).map((login) => ({ row: login.row, title: login.name, url: login.url, username: login.username })),
      errorCount: errors.length,
      errors: errors.slice(0, previewListLimit),
    };
  });
}

/**
 * One POST /accounts/bulk (stored all or none). A server whose body limit (JSON_BODY_LIMIT_BYTES) is
 * below `importBatchBytes` answers 413: the batch is halved until it fits.
 */
async function uploadBatch(accounts: CreateAccountBody[], stored: (count: number) => Promise<void>): Promise<void> {
  try {
    await authed('accounts', 'bulkCreate', { body: { accounts } });
  } catch (error) {
    if (!isApiError(error) || error.status !== 413 || accounts.length === 1) throw error;
    const half = Math.ceil(accounts.length / 2);
    await uploadBatch(accounts.slice(0, half), stored);
    await uploadBatch(accounts.slice(half), stored);
    return;
  }
  await stored(accounts.length);
}

async function report(progress: TransferProgress): Promise<TransferProgress> {
  await transferProgressItem.setValue(progress);
  return progress;
}

async function runImport(current: ImportJob, rows: ImportedLogin[]): Promise<void> {
  const progress: TransferProgress = { jobId: current.jobId, state: 'running', total: rows.length, done: 0, message: null };
  try {
    const { key, keyVersion } = await requireUserKey();
    const cryptoKey = await importUserKey(key);
    const matcher = await pageMatcher();
    const seal = async (login: ImportedLogin): Promise<CreateAccountBody> => {
      const uuid = crypto.randomUUID();
      // Only the catalogue as it is: an import never creates applications (one per site of
      // 5 000 rows would flood the catalogue); an unmatched account keeps its URL and matches by it.
      const application = login.url ? (matcher.matchApplications(login.url)[0]?.application ?? null) : null;
      return { uuid, applicationId: application?.id ?? null, ...(await sealAccountSecrets(cryptoKey, keyVersion, uuid, plaintextsOf(login))) };
    };
    const stored = async (count: number) => {
      progress.done += count;
      await report({ ...progress });
    };
    let pending: CreateAccountBody[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      const batch = pending;
      pending = [];
      pendingBytes = 0;
      if (batch.length > 0) await uploadBatch(batch, stored);
    };
    sealing: for (let start = 0; start < rows.length; start += sealSliceSize) {
      // Locked (by hand, or signed out) mid-import: stop; nothing is sealed without an unlocked vault.
      await requireUserKey();
      const sealed = await Promise.all(rows.slice(start, start + sealSliceSize).map(seal));
      for (const account of sealed) {
        // The body is ASCII (uuids, base64), so its length is its size in bytes.
        const bytes = JSON.stringify(account).length + 1;
        if (pending.length >= importBatchSize || pendingBytes + bytes > importBatchBytes) {
          if (current.cancelled) break sealing;
          await flush();
        }
        pending.push(account);
        pendingBytes += bytes;
      }
      await yieldToEvents();
    }
    if (!current.cancelled) await flush();
    progress.state = current.cancelled && progress.done < rows.length ? 'cancelled' : 'done';
  } catch (error) {
    progress.state = 'failed';
    progress.message = (await userError(error)).message;
  }
  // The new accounts reach the vault index (and the popup) through the ordinary delta sync; the
  // job counts as running until the final state is stored, so a poll meanwhile still sees `running`.
  await sync().catch(() => undefined);
  await report({ ...progress });
  current.running = false;
  // The plaintext is not kept once it is encrypted and stored (or the import ended otherwise).
  if (job === current) job = null;
}

/** Starts uploading the previewed rows (duplicates left out unless asked for); answers at once. */
export async function startImport(request: { jobId: string; includeDuplicates: boolean }): Promise<TransferProgress> {
  return explained(async () => {
    const { holder: current } = await requireUserKey();
    assertCanImport(current.user.role);
    if (!job || job.jobId !== request.jobId) throw new ExtensionError('expired', t('transfer.errors.previewExpired'));
    if (job.running) throw new ExtensionError('busy', t('transfer.errors.busy'));
    const rows = request.includeDuplicates ? job.logins : job.logins.filter((login) => !job!.duplicateRows.has(login.row));
    if (rows.length === 0) throw new ExtensionError('nothing', t('transfer.errors.nothingToImport'));
    job.running = true;
    job.cancelled = false;
    const first = await report({ jobId: job.jobId, state: 'running', total: rows.length, done: 0, message: null });
    void runImport(job, rows);
    return first;
  });
}

/** Where the import of `jobId` is; after a service-worker restart, how far it got before it stopped. */
export async function importProgress(jobId: string): Promise<TransferProgress> {
  const stored = await transferProgressItem.getValue();
  if (!stored || stored.jobId !== jobId) throw new ExtensionError('expired', t('transfer.errors.previewExpired'));
  // Running in storage but unknown to this module: the worker was stopped and started again.
  if (stored.state === 'running' && (!job || job.jobId !== jobId)) {
    return report({ ...stored, state: 'interrupted', message: t('transfer.errors.interrupted') });
  }
  return stored;
}

/** Stops after the batch being uploaded (a batch is stored all or none); what was uploaded stays. */
export async function cancelImport(jobId: string): Promise<TransferProgress> {
  if (job && job.jobId === jobId) job.cancelled = true;
  return importProgress(jobId);
}

// ---- export ----------------------------------------------------------------------------------------

/** Every usable account of the vault in clear (accounts whose application is declined are left out). */
async function decryptedVault(): Promise<{ entries: VaultBackupEntry[]; skipped: number }> {
  await sync().catch(() => undefined);
  await revalidateCatalogue();
  const v = await vault();
  const matcher = await pageMatcher();
  const entries: VaultBackupEntry[] = [];
  let skipped = 0;
  for (const item of v.active()) {
    const access = accessOf(matcher.application(item.applicationId));
    // An export releases every password as surely as a copy does: the same decision (DESIGN §8).
    if ((access && !access.allowed) || item.decryptError) {
      skipped++;
      continue;
    }
    const texts = await Promise.all(secretFields.map((field) => v.reveal(item.uuid, field)));
    entries.push(Object.fromEntries(secretFields.map((field, i) => [field, texts[i]!])) as VaultBackupEntry);
  }
  return { entries, skipped };
}

const today = () => new Date().toISOString().slice(0, 10);

/** The encrypted backup: a JSON file under a password chosen for it (docs/protocol.md §8a). */
export async function exportBackup(password: string): Promise<TransferFile> {
  return explained(async () => {
    if (typeof password !== 'string' || password.length < minBackupPasswordLength) {
      throw new ExtensionError('weak_password', t('transfer.errors.backupPasswordShort', { count: minBackupPasswordLength }));
    }
    const { entries, skipped } = await decryptedVault();
    const file = await sealVaultBackup(password, entries);
    return { fileName: `secureaccess-backup-${today()}.json`, mimeType: 'application/json', content: JSON.stringify(file, null, 1), count: entries.length, skipped };
  });
}

/** The master password is checked the way unlocking checks it: it must unwrap the stored user key. */
async function assertMasterPassword(password: string): Promise<void> {
  const { holder: current } = await requireUserKey();
  if (!password) throw new ExtensionError('password_required', t('errors.passwordRequired'));
  const { wrapKey } = await deriveKeys(password, current.keys.salt, current.keys.kdf);
  try {
    await unwrapUserKey(wrapKey, current.keys.wrappedUserKey);
  } catch (error) {
    if (isCryptoError(error) && error.code === 'decryption_failed') throw new ExtensionError('wrong_password', t('errors.wrongMasterPassword'));
    throw error;
  }
}

/** Every account in clear, in Bitwarden's CSV layout, after the master password was typed again. */
export async function exportCsv(masterPassword: string): Promise<TransferFile> {
  return explained(async () => {
    await assertMasterPassword(masterPassword);
    const { entries, skipped } = await decryptedVault();
    const content = formatBitwardenCsv(entries.map((entry) => ({ ...entry, name: entry.title })));
    return { fileName: `secureaccess-export-${today()}.csv`, mimeType: 'text/csv', content, count: entries.length, skipped };
  });
}
