import type { KdfParams } from '../contract/kdf';
import { defaultKdfParams, kdfLimits } from '../contract/kdf';
import type { RegisterBody } from '../contract/auth';
import type { Envelope } from '../contract/envelope';
import { encodeBase64 } from './base64';
import { randomBytes } from './bytes';
import { assertKdfParams } from './kdf';
import { deriveKeys, generateUserKey, wrapUserKey } from './keys';
import { normalizeEmail } from './email';
import { makeRecoveryKit } from './recovery';

/** Version of the first user key (the `kid` of its envelopes and `keys.keyVersion`). */
export const initialKeyVersion = 1;
/** Salt length used for new accounts and password changes (the protocol accepts 16..64). */
export const newSaltBytes = kdfLimits.minSaltBytes;

export interface RegistrationInput {
  email: string;
  firstName: string;
  lastName: string;
  password: string;
  kdf?: KdfParams;
}

export interface Registration {
  /** `POST /auth/register` body. */
  body: RegisterBody;
  /** The new user key: keep in memory (it encrypts every field). */
  userKey: Uint8Array;
  keyVersion: number;
  /** Show once to the user, with the warning that it is the only way back without the password. */
  recoveryCode: string;
}

/** Everything a client sends to sign up, made locally: the password and keys never leave it. */
export async function makeRegistration(input: RegistrationInput): Promise<Registration> {
  const kdf = assertKdfParams(input.kdf ?? defaultKdfParams);
  const salt = encodeBase64(randomBytes(newSaltBytes));
  const { authHash, wrapKey } = await deriveKeys(input.password, salt, kdf);
  const userKey = generateUserKey();
  const [wrappedUserKey, { recoveryCode, recovery }] = await Promise.all([
    wrapUserKey(wrapKey, userKey, initialKeyVersion),
    makeRecoveryKit(userKey, initialKeyVersion),
  ]);
  return {
    body: {
      email: normalizeEmail(input.email),
      firstName: input.firstName,
      lastName: input.lastName,
      authHash,
      kdf,
      salt,
      wrappedUserKey,
      recovery,
    },
    userKey,
    keyVersion: initialKeyVersion,
    recoveryCode,
  };
}

export interface NewPasswordKeys {
  newAuthHash: string;
  newKdf: KdfParams;
  newSalt: string;
  newWrappedUserKey: Envelope;
}

/**
 * Re-wraps the (unchanged) user key under a new password: the `new…` fields of
 * `POST /auth/password` and `POST /auth/recovery/reset`. No field is re-encrypted.
 * A fresh salt unless `options.salt` keeps the account's: the server can refuse one of the last
 * five passwords only when it is derived with the same salt (its history holds auth hashes), so
 * a client that wants that check keeps the salt — per account, like Bitwarden's email salt.
 */
export async function makeNewPasswordKeys(
  userKey: Uint8Array,
  keyVersion: number,
  newPassword: string,
  kdf: KdfParams = defaultKdfParams,
  options: { salt?: string } = {},
): Promise<NewPasswordKeys> {
  const newKdf = assertKdfParams(kdf);
  const newSalt = options.salt ?? encodeBase64(randomBytes(newSaltBytes));
  const { authHash, wrapKey } = await deriveKeys(newPassword, newSalt, newKdf);
  return { newAuthHash: authHash, newKdf, newSalt, newWrappedUserKey: await wrapUserKey(wrapKey, userKey, keyVersion) };
}
