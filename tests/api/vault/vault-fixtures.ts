// Real envelopes for the vault suites: every secret field is encrypted with the shared crypto
// under a random user key, bound to its account uuid and field, as the extension does.
import { randomUUID } from 'node:crypto';
import type { CreateAccountBody, Envelope } from '@secureaccess/shared/contract';
import { decryptField, encryptField, generateUserKey } from '@secureaccess/shared/crypto';

export interface VaultKey {
  userKey: Uint8Array;
  keyVersion: number;
}

export function newVaultKey(keyVersion = 1): VaultKey {
  return { userKey: generateUserKey(), keyVersion };
}

export interface PlainAccount {
  uuid?: string;
  username?: string;
  password?: string;
  notes?: string | null;
  applicationId?: string | null;
  url?: string | null;
  folder?: string | null;
}

export type SealedAccount = CreateAccountBody & { uuid: string };

/** A create-account body with real envelopes; plaintexts default to something recognisable. */
export async function sealAccount(key: VaultKey, plain: PlainAccount = {}): Promise<SealedAccount> {
  const uuid = plain.uuid ?? randomUUID();
  const seal = (field: 'username' | 'password' | 'notes', text: string) =>
    encryptField(key.userKey, key.keyVersion, uuid, field, text);
  return {
    uuid,
    applicationId: plain.applicationId ?? null,
    url: plain.url ?? null,
    folder: plain.folder ?? null,
    username: await seal('username', plain.username ?? `user-${uuid.slice(0, 8)}@example.com`),
    password: await seal('password', plain.password ?? `pw-${randomUUID()}`),
    notes: plain.notes ? await seal('notes', plain.notes) : null,
  };
}

/** The writable fields of an account for PUT (no uuid), re-encrypted with fresh nonces. */
export async function sealUpdate(key: VaultKey, uuid: string, plain: Omit<PlainAccount, 'uuid'> = {}) {
  const { uuid: _uuid, ...body } = await sealAccount(key, { ...plain, uuid });
  return body;
}

export function openField(key: VaultKey, uuid: string, field: 'username' | 'password' | 'notes', envelope: unknown) {
  return decryptField(key.userKey, uuid, field, envelope as Envelope);
}
