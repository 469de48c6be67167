// Real envelopes for the vault suites: every secret field is encrypted with the shared crypto
// under a random user key, bound to its account uuid and field, as the extension does.
import { randomUUID } from 'node:crypto';
import { secretFields, type CreateAccountBody, type Envelope, type SecretField } from '@secureaccess/shared/contract';
import {
  decryptField,
  generateUserKey,
  openAccountSecrets,
  sealAccountSecrets,
  type AccountPlaintexts,
} from '@secureaccess/shared/crypto';

export interface VaultKey {
  userKey: Uint8Array;
  keyVersion: number;
}

export function newVaultKey(keyVersion = 1): VaultKey {
  return { userKey: generateUserKey(), keyVersion };
}

export type PlainAccount = { uuid?: string; applicationId?: string | null } & Partial<AccountPlaintexts>;

export type SealedAccount = CreateAccountBody & { uuid: string };

/** A create-account body with real envelopes (every secret field, through the shared loop); plaintexts default to something recognisable. */
export async function sealAccount(key: VaultKey, plain: PlainAccount = {}): Promise<SealedAccount> {
  const uuid = plain.uuid ?? randomUUID();
  const secrets = await sealAccountSecrets(key.userKey, key.keyVersion, uuid, {
    ...plain,
    username: plain.username ?? `user-${uuid.slice(0, 8)}@example.com`,
    password: plain.password ?? `pw-${randomUUID()}`,
  });
  return { uuid, applicationId: plain.applicationId ?? null, ...secrets };
}

/** The writable fields of an account for PUT (no uuid), re-encrypted with fresh nonces. */
export async function sealUpdate(key: VaultKey, uuid: string, plain: Omit<PlainAccount, 'uuid'> = {}) {
  const { uuid: _uuid, ...body } = await sealAccount(key, { ...plain, uuid });
  return body;
}

export function openField(key: VaultKey, uuid: string, field: SecretField, envelope: unknown) {
  return decryptField(key.userKey, uuid, field, envelope as Envelope);
}

/** Every secret field of an account as returned by the API, decrypted ('' for an empty optional one). */
export function openAccount(key: VaultKey, account: { uuid: string } & Partial<Record<SecretField, Envelope | null>>) {
  return openAccountSecrets(key.userKey, account, secretFields);
}
