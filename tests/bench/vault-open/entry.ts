// What the vault-open bench loads into the extension's service worker: the background's real
// VaultIndex and the shared crypto it uses, bundled by the extension's own Vite (IIFE).
export { VaultIndex } from '../../../extension/utils/background/vault-index';
export { decodeEnvelope, decryptField, fieldAssociatedData, fieldsDecryptedOnOpen, generateUserKey, importUserKey, sealAccountSecrets } from '@secureaccess/shared/crypto';
