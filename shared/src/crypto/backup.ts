// The encrypted vault backup (docs/protocol.md §8a): a JSON file protected by a password the user
// chooses for it (not the master password), re-importable on any SecureAccess account.
//   backupKey = HKDF-SHA256(KDF(NFKC(password), salt), info "secureaccess/backup/v1")
// The plaintext (UTF-8 JSON of every account's secret fields) is cut into chunks of at most one
// envelope's 64 KiB; chunk i of n is sealed with associated data
// `secureaccess/backup/v1/<backupId>/<i>/<n>`, so chunks cannot be reordered, dropped, added or
// spliced in from another backup without the file failing to open.
import { envelopeLimits, type Envelope } from '../contract/envelope';
import { defaultKdfParams, type KdfParams } from '../contract/kdf';
import { secretFields, type SecretField } from '../contract/accounts';
import { encodeBase64 } from './base64';
import { concatBytes, decodeUtf8, encodeUtf8, randomBytes } from './bytes';
import { openEnvelope, sealEnvelope } from './envelope';
import { CryptoError, CryptoErrorCode } from './errors';
import { hkdfInfo, hkdfSha256 } from './hkdf';
import { assertKdfParams, deriveMasterKey } from './kdf';
import { newSaltBytes } from './registration';

export const vaultBackupType = 'secureaccess-backup';
export const vaultBackupVersion = 1;
/** The backup key has one version; envelopes carry it as their `kid`. */
const backupKid = 1;
const chunkBytes = envelopeLimits.maxCiphertextBytes;

/** One account of a backup: every secret field of the contract in clear ('' when empty). */
export type VaultBackupEntry = Record<SecretField, string>;

/** The file, as JSON. */
export interface VaultBackupFile {
  type: typeof vaultBackupType;
  version: typeof vaultBackupVersion;
  backupId: string;
  kdf: KdfParams;
  salt: string;
  chunks: Envelope[];
}

export interface VaultBackupContent {
  exportedAt: string;
  accounts: VaultBackupEntry[];
}

const invalid = (why: string) => new CryptoError(CryptoErrorCode.invalidArgument, `not a SecureAccess backup: ${why}`);

/** `true` for a parsed JSON value that declares itself a SecureAccess backup (not yet checked further). */
export function isVaultBackup(value: unknown): value is VaultBackupFile {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === vaultBackupType;
}

const chunkAssociatedData = (backupId: string, index: number, count: number) => `secureaccess/backup/v1/${backupId}/${index}/${count}`;

async function deriveBackupKey(password: string, salt: string, kdf: unknown): Promise<Uint8Array> {
  if (typeof password !== 'string' || password === '') throw new CryptoError(CryptoErrorCode.invalidArgument, 'the backup password is empty');
  return hkdfSha256(await deriveMasterKey(password, salt, kdf), hkdfInfo.backup);
}

/** Encrypts `accounts` under `password`; `kdf` defaults to the protocol's default argon2id. */
export async function sealVaultBackup(
  password: string,
  accounts: readonly VaultBackupEntry[],
  options: { kdf?: KdfParams; now?: Date } = {},
): Promise<VaultBackupFile> {
  const kdf = assertKdfParams(options.kdf ?? defaultKdfParams);
  const salt = encodeBase64(randomBytes(newSaltBytes));
  const backupId = crypto.randomUUID();
  const key = await deriveBackupKey(password, salt, kdf);
  const content: VaultBackupContent = {
    exportedAt: (options.now ?? new Date()).toISOString(),
    accounts: accounts.map((account) => Object.fromEntries(secretFields.map((field) => [field, account[field] ?? ''])) as VaultBackupEntry),
  };
  const plaintext = encodeUtf8(JSON.stringify(content));
  const count = Math.max(1, Math.ceil(plaintext.length / chunkBytes));
  const chunks: Envelope[] = [];
  for (let index = 0; index < count; index++) {
    const part = plaintext.subarray(index * chunkBytes, (index + 1) * chunkBytes);
    chunks.push(await sealEnvelope(key, backupKid, part, chunkAssociatedData(backupId, index, count)));
  }
  return { type: vaultBackupType, version: vaultBackupVersion, backupId, kdf, salt, chunks };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Opens a backup. A wrong password, or any change to the file, is `decryption_failed`; a file
 * that is not a version-1 backup is `invalid_argument`; weak KDF parameters are `kdf_too_weak`.
 */
export async function openVaultBackup(file: unknown, password: string): Promise<VaultBackupContent> {
  if (!isVaultBackup(file)) throw invalid('no "type": "secureaccess-backup"');
  if (file.version !== vaultBackupVersion) {
    throw new CryptoError(CryptoErrorCode.unsupportedVersion, `backup version ${JSON.stringify(file.version)} is not supported`);
  }
  if (typeof file.backupId !== 'string' || !uuidPattern.test(file.backupId)) throw invalid('bad backupId');
  if (typeof file.salt !== 'string') throw invalid('bad salt');
  if (!Array.isArray(file.chunks) || file.chunks.length === 0) throw invalid('no chunks');
  const key = await deriveBackupKey(password, file.salt, file.kdf);
  const count = file.chunks.length;
  const parts = await Promise.all(file.chunks.map((chunk, index) => openEnvelope(key, chunk, chunkAssociatedData(file.backupId, index, count))));
  let content: unknown;
  try {
    content = JSON.parse(decodeUtf8(concatBytes(...parts)));
  } catch (error) {
    throw new CryptoError(CryptoErrorCode.decryptionFailed, 'the backup decrypted to something that is not JSON', { cause: error });
  }
  const record = content as Partial<VaultBackupContent> | null;
  if (typeof record !== 'object' || record === null || !Array.isArray(record.accounts)) throw invalid('no accounts list');
  return {
    exportedAt: typeof record.exportedAt === 'string' ? record.exportedAt : '',
    accounts: record.accounts.map((account: unknown) => {
      const fields = (typeof account === 'object' && account !== null ? account : {}) as Record<string, unknown>;
      return Object.fromEntries(secretFields.map((field) => [field, typeof fields[field] === 'string' ? fields[field] : ''])) as VaultBackupEntry;
    }),
  };
}
