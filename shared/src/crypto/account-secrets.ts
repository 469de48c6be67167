// The secret fields of one account, sealed and opened together by looping over the contract's
// `secretFieldSpecs` (protocol v1.1, docs/protocol.md §5): every client path that writes an
// account (the extension's save, imports, the v1 → v1.1 upgrade, tests) goes through here.
import {
  legacyPlaintextFields,
  mapSecretFields,
  secretFieldSpecs,
  secretFields,
  type AccountSecrets,
  type LegacyPlaintextField,
  type SecretField,
  type SecretFieldSpec,
  type AccountPlaintexts,
  type FieldDecryptedOnOpen,
} from '../contract/accounts';
import type { Envelope } from '../contract/envelope';
import { encodeUtf8 } from './bytes';
import { importAesKey, type AesKey } from './envelope';
import { CryptoError, CryptoErrorCode } from './errors';
import { decryptField, encryptField } from './keys';

/** The client-side normalisation of one field (the server only ever sees ciphertext). */
export function normalizeSecretField(field: SecretField, text: string): string {
  const rule: SecretFieldSpec['normalize'] = secretFieldSpecs[field].normalize;
  if (rule === 'trim') return text.trim();
  if (rule === 'trim-nfc') return text.trim().normalize('NFC');
  return text;
}

/** Imports the user key once for many fields (WebCrypto `CryptoKey`, not extractable). */
export function importUserKey(userKey: Uint8Array): Promise<CryptoKey> {
  return importAesKey(userKey);
}

async function sealOne(key: AesKey, kid: number, uuid: string, field: SecretField, value: string | null | undefined) {
  const spec = secretFieldSpecs[field];
  const text = normalizeSecretField(field, value ?? '');
  if (!spec.required && text === '') return null;
  if (encodeUtf8(text).length > spec.maxBytes) {
    throw new CryptoError(CryptoErrorCode.invalidLength, `${field} is over ${spec.maxBytes} bytes`);
  }
  return encryptField(key, kid, uuid, field, text);
}

/**
 * Encrypts every secret field for account `uuid`. Optional fields that are empty after their
 * normalisation become null (nothing is stored for them); required ones are encrypted even empty.
 */
export async function sealAccountSecrets(
  userKey: AesKey,
  kid: number,
  uuid: string,
  plaintexts: AccountPlaintexts,
): Promise<AccountSecrets> {
  const sealed = await Promise.all(secretFields.map((field) => sealOne(userKey, kid, uuid, field, plaintexts[field])));
  const byField = new Map(secretFields.map((field, i) => [field, sealed[i]!]));
  return mapSecretFields<Envelope, Envelope | null>((field) => byField.get(field) ?? null) as AccountSecrets;
}

/** Decrypts the given fields of an account (absent optional ones read as ''). */
export async function openAccountSecrets<F extends SecretField>(
  userKey: AesKey,
  account: { uuid: string } & Partial<Record<SecretField, Envelope | null>>,
  fields: readonly F[],
): Promise<Record<F, string>> {
  const texts = await Promise.all(
    fields.map((field) => {
      const envelope = account[field];
      return envelope ? decryptField(userKey, account.uuid, field, envelope) : Promise.resolve('');
    }),
  );
  return Object.fromEntries(fields.map((field, i) => [field, texts[i]!])) as Record<F, string>;
}

/** The secret fields a client decrypts when the vault opens (the rest only when used). */
export const fieldsDecryptedOnOpen = secretFields.filter(
  (field): field is FieldDecryptedOnOpen => secretFieldSpecs[field].decryptOnOpen,
);

/**
 * The v1.1 upgrade of a v1 account (`POST /accounts/encrypt-legacy`): its plaintext url/folder
 * sealed as envelopes, or null when the v1 row had none.
 */
export async function sealLegacyPlaintext(
  userKey: AesKey,
  kid: number,
  account: { uuid: string; revision: number; legacyPlaintext: Record<LegacyPlaintextField, string | null> },
): Promise<{ uuid: string; revision: number } & Record<LegacyPlaintextField, Envelope | null>> {
  const sealed = await Promise.all(
    legacyPlaintextFields.map((field) => {
      const value = account.legacyPlaintext[field];
      return value === null ? Promise.resolve(null) : encryptField(userKey, kid, account.uuid, field, value);
    }),
  );
  return {
    uuid: account.uuid,
    revision: account.revision,
    ...(Object.fromEntries(legacyPlaintextFields.map((field, i) => [field, sealed[i]!])) as Record<
      LegacyPlaintextField,
      Envelope | null
    >),
  };
}
