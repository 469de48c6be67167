import { envelopeLimits, type Envelope } from '../contract/envelope';
import { secretFieldSpecs, secretFields, type SecretField } from '../contract/accounts';
import { encodeBase64 } from './base64';
import { assertBytes, decodeUtf8, encodeUtf8, isBytes, randomBytes } from './bytes';
import { openEnvelope, sealEnvelope, type AesKey } from './envelope';
import { CryptoError, CryptoErrorCode } from './errors';
import { hkdfInfo, hkdfSha256 } from './hkdf';
import { deriveMasterKey, deriveMasterKeyUnsafeForTests } from './kdf';

export const userKeyBytes = envelopeLimits.userKeyBytes;

/** Associated data of the wrapped user key (under the wrap key or the recovery key). */
export const userKeyAssociatedData = 'secureaccess/v1/user-key';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** `secureaccess/v1/<accountUuid>/<field>`: binds a ciphertext to one field of one account. */
export function fieldAssociatedData(accountUuid: string, field: SecretField): string {
  if (typeof accountUuid !== 'string' || !uuidPattern.test(accountUuid)) {
    throw new CryptoError(CryptoErrorCode.invalidArgument, 'accountUuid must be a lower-case UUID');
  }
  if (!Object.hasOwn(secretFieldSpecs, field)) {
    throw new CryptoError(CryptoErrorCode.invalidArgument, `field must be one of ${secretFields.join(', ')}`);
  }
  return `secureaccess/v1/${accountUuid}/${field}`;
}

export interface DerivedKeys {
  /** KDF output; keep only as long as needed (it derives both of the others). */
  masterKey: Uint8Array;
  /** What the server sees instead of the password: base64 of 32 bytes. */
  authHash: string;
  /** Key-encryption key of the user key. */
  wrapKey: Uint8Array;
}

async function splitMasterKey(masterKey: Uint8Array): Promise<DerivedKeys> {
  const [auth, wrapKey] = await Promise.all([hkdfSha256(masterKey, hkdfInfo.auth), hkdfSha256(masterKey, hkdfInfo.wrap)]);
  return { masterKey, authHash: encodeBase64(auth), wrapKey };
}

/**
 * Protocol v1 key derivation (DESIGN §5.2): masterKey = KDF(NFKC(password), salt),
 * authHash = base64(HKDF(masterKey, "secureaccess/auth/v1")), wrapKey = HKDF(masterKey,
 * "secureaccess/wrap/v1"). Refuses KDF parameters or salts under the protocol minimums.
 */
export async function deriveKeys(password: string, salt: string | Uint8Array, kdf: unknown): Promise<DerivedKeys> {
  return splitMasterKey(await deriveMasterKey(password, salt, kdf));
}

/** UNSAFE — tests and vectors only: `deriveKeys` without the KDF minimums. */
export async function deriveKeysUnsafeForTests(
  password: string,
  salt: string | Uint8Array,
  kdf: unknown,
): Promise<DerivedKeys> {
  return splitMasterKey(await deriveMasterKeyUnsafeForTests(password, salt, kdf));
}

/** A fresh random 256-bit user key: the key of every field of the vault. */
export function generateUserKey(): Uint8Array {
  return randomBytes(userKeyBytes);
}

/** Wraps the user key under a wrap key (or recovery key); `kid` is the user key's version. */
export async function wrapUserKey(
  wrapKey: Uint8Array,
  userKey: Uint8Array,
  kid: number,
  nonce?: Uint8Array,
): Promise<Envelope> {
  assertBytes(userKey, 'userKey', userKeyBytes);
  return sealEnvelope(wrapKey, kid, userKey, userKeyAssociatedData, nonce);
}

/** Unwraps the user key; a wrong password/recovery code shows up as `decryption_failed`. */
export async function unwrapUserKey(wrapKey: Uint8Array, wrappedUserKey: unknown): Promise<Uint8Array> {
  const userKey = await openEnvelope(wrapKey, wrappedUserKey, userKeyAssociatedData);
  if (userKey.length !== userKeyBytes) {
    throw new CryptoError(CryptoErrorCode.invalidLength, `unwrapped user key is ${userKey.length} bytes, expected 32`);
  }
  return userKey;
}

/** Encrypts one secret field of an account (UTF-8 of `plaintext`, byte for byte — no normalising). */
export async function encryptField(
  userKey: AesKey,
  kid: number,
  accountUuid: string,
  field: SecretField,
  plaintext: string,
  nonce?: Uint8Array,
): Promise<Envelope> {
  if (typeof plaintext !== 'string') throw new CryptoError(CryptoErrorCode.invalidArgument, 'plaintext must be a string');
  // A lone UTF-16 surrogate has no UTF-8 form: encoding would silently turn it into U+FFFD.
  if (/\p{Cs}/u.test(plaintext)) {
    throw new CryptoError(CryptoErrorCode.invalidArgument, 'plaintext contains a lone surrogate (not valid Unicode)');
  }
  if (isBytes(userKey)) assertBytes(userKey, 'userKey', userKeyBytes);
  return sealEnvelope(userKey, kid, encodeUtf8(plaintext), fieldAssociatedData(accountUuid, field), nonce);
}

/** Decrypts one secret field; it must have been encrypted for this account and this field. */
export async function decryptField(
  userKey: AesKey,
  accountUuid: string,
  field: SecretField,
  envelope: unknown,
): Promise<string> {
  if (isBytes(userKey)) assertBytes(userKey, 'userKey', userKeyBytes);
  const plaintext = await openEnvelope(userKey, envelope, fieldAssociatedData(accountUuid, field));
  try {
    return decodeUtf8(plaintext);
  } catch (error) {
    throw new CryptoError(CryptoErrorCode.decryptionFailed, 'field plaintext is not UTF-8', { cause: error });
  }
}
