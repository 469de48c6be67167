// Zero-knowledge protocol v1 (DESIGN §5, docs/protocol.md). Browser-safe: WebCrypto through
// `globalThis.crypto` and hash-wasm's argon2id; no Node built-ins.
export { CryptoError, CryptoErrorCode, isCryptoError } from './errors';
export { encodeBase64, decodeBase64, isCanonicalBase64 } from './base64';
export { constantTimeEqual, randomBytes, toHex, fromHex } from './bytes';
export { normalizeEmail } from './email';
export { hkdfInfo, hkdfSha256 } from './hkdf';
export {
  assertKdfParams,
  assertKdfSalt,
  deriveMasterKey,
  deriveMasterKeyUnsafeForTests,
  encodePassword,
  masterKeyBytes,
} from './kdf';
export {
  decodeEnvelope,
  envelopeAlgorithm,
  envelopeVersion,
  isEnvelope,
  openEnvelope,
  parseEnvelope,
  sealEnvelope,
  type AesKey,
  type DecodedEnvelope,
  type Envelope,
} from './envelope';
export {
  decryptField,
  deriveKeys,
  deriveKeysUnsafeForTests,
  encryptField,
  fieldAssociatedData,
  generateUserKey,
  unwrapUserKey,
  userKeyAssociatedData,
  userKeyBytes,
  wrapUserKey,
  type DerivedKeys,
} from './keys';
export {
  deriveRecoveryKeys,
  formatRecoveryCode,
  makeRecoveryKit,
  parseRecoveryCode,
  recoverySecretBytes,
  unwrapUserKeyWithRecoveryCode,
  type RecoveryKeys,
  type RecoveryKit,
} from './recovery';
export {
  initialKeyVersion,
  makeNewPasswordKeys,
  makeRegistration,
  newSaltBytes,
  type NewPasswordKeys,
  type Registration,
  type RegistrationInput,
} from './registration';
export { defaultKdfParams, kdfLimits, type KdfParams } from '../contract/kdf';
export {
  fieldsDecryptedOnOpen,
  importUserKey,
  normalizeSecretField,
  openAccountSecrets,
  sealAccountSecrets,
  sealLegacyPlaintext,
} from './account-secrets';
export type { AccountPlaintexts, SecretField } from '../contract/accounts';
export {
  isVaultBackup,
  openVaultBackup,
  sealVaultBackup,
  vaultBackupType,
  vaultBackupVersion,
  type VaultBackupContent,
  type VaultBackupEntry,
  type VaultBackupFile,
} from './backup';
