import type { Envelope } from '../contract/envelope';
import type { RecoveryKeyMaterial } from '../contract/auth';
import { encodeBase64 } from './base64';
import { constantTimeEqual, randomBytes, subtleCrypto } from './bytes';
import { CryptoError, CryptoErrorCode } from './errors';
import { hkdfInfo, hkdfSha256 } from './hkdf';
import { unwrapUserKey, wrapUserKey } from './keys';

// Recovery code (DESIGN §5a). 16 random bytes (128 bits) plus a 4-byte check value
// (the first 4 bytes of SHA-256 of the 16 bytes) = 20 bytes = 160 bits = exactly 32 Crockford
// base32 characters, shown as 8 groups of 4: `7QH3-0ZK9-…`. The check value only catches typos;
// the secret is the 16 bytes. From them: recoveryKey = HKDF(secret, "secureaccess/recovery/v1")
// wraps the user key; authHash = base64(HKDF(secret, "secureaccess/recovery-auth/v1")) proves
// knowledge of the code to the server (which stores only an argon2id hash of it).

export const recoverySecretBytes = 16;
const checkBytes = 4;
const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function encodeCrockford(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += crockford[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out; // 20 bytes → 32 characters, no leftover bits
}

function decodeCrockford(text: string): Uint8Array | null {
  const out = new Uint8Array((text.length * 5) / 8);
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (const ch of text) {
    const value = crockford.indexOf(ch);
    if (value < 0) return null;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      out[o++] = (buffer >> (bits - 8)) & 255;
      bits -= 8;
      buffer &= (1 << bits) - 1;
    }
  }
  return out;
}

async function checkValue(secret: Uint8Array): Promise<Uint8Array> {
  const digest = await subtleCrypto().digest('SHA-256', new Uint8Array(secret));
  return new Uint8Array(digest, 0, checkBytes);
}

/** Formats 16 secret bytes as a recovery code: 32 characters in groups of 4. */
export async function formatRecoveryCode(secret: Uint8Array): Promise<string> {
  if (secret.length !== recoverySecretBytes) {
    throw new CryptoError(CryptoErrorCode.invalidLength, 'recovery secret must be 16 bytes');
  }
  const payload = new Uint8Array(recoverySecretBytes + checkBytes);
  payload.set(secret);
  payload.set(await checkValue(secret), recoverySecretBytes);
  return encodeCrockford(payload).match(/.{4}/g)!.join('-');
}

/**
 * Reads a recovery code as a person types it: case, spaces and hyphens ignored, O read as 0,
 * I and L as 1. A wrong length, character or check value → `invalid_recovery_code`.
 */
export async function parseRecoveryCode(code: string): Promise<Uint8Array> {
  const invalid = () => new CryptoError(CryptoErrorCode.invalidRecoveryCode, 'not a valid recovery code');
  if (typeof code !== 'string' || code.length > 100) throw invalid();
  const cleaned = code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (cleaned.length !== 32) throw invalid();
  const payload = decodeCrockford(cleaned);
  if (!payload) throw invalid();
  const secret = payload.slice(0, recoverySecretBytes);
  if (!constantTimeEqual(payload.subarray(recoverySecretBytes), await checkValue(secret))) throw invalid();
  return secret;
}

export interface RecoveryKeys {
  /** Wraps the user key. */
  recoveryKey: Uint8Array;
  /** Proof of the code for the recovery routes (base64 of 32 bytes). */
  authHash: string;
}

export async function deriveRecoveryKeys(code: string): Promise<RecoveryKeys> {
  const secret = await parseRecoveryCode(code);
  const [recoveryKey, auth] = await Promise.all([
    hkdfSha256(secret, hkdfInfo.recovery),
    hkdfSha256(secret, hkdfInfo.recoveryAuth),
  ]);
  return { recoveryKey, authHash: encodeBase64(auth) };
}

export interface RecoveryKit {
  /** Show once; never store or send it. */
  recoveryCode: string;
  /** What the server stores (register body `recovery`, or `newRecovery` after a reset). */
  recovery: RecoveryKeyMaterial;
}

/** Makes a new recovery code and the user key wrapped under it. */
export async function makeRecoveryKit(userKey: Uint8Array, keyVersion: number): Promise<RecoveryKit> {
  const recoveryCode = await formatRecoveryCode(randomBytes(recoverySecretBytes));
  const { recoveryKey, authHash } = await deriveRecoveryKeys(recoveryCode);
  return { recoveryCode, recovery: { authHash, wrappedUserKey: await wrapUserKey(recoveryKey, userKey, keyVersion) } };
}

/** The user key from a recovery code and the envelope `POST /auth/recovery/key` returned. */
export async function unwrapUserKeyWithRecoveryCode(code: string, wrappedUserKey: Envelope | unknown): Promise<Uint8Array> {
  const { recoveryKey } = await deriveRecoveryKeys(code);
  return unwrapUserKey(recoveryKey, wrappedUserKey);
}
