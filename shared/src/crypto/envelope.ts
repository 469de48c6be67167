import { envelopeLimits, type Envelope } from '../contract/envelope';
import { decodeBase64, decodeBase64Concat, encodeBase64 } from './base64';
import { assertBytes, copyBytes, encodeUtf8, isBytes, randomBytes, subtleCrypto } from './bytes';
import { CryptoError, CryptoErrorCode } from './errors';

export type { Envelope };

export const envelopeVersion = 1;
export const envelopeAlgorithm = 'A256GCM';
const envelopeKeys = ['v', 'alg', 'kid', 'nonce', 'ct', 'tag'] as const;
const maxKid = 2_147_483_647;

/** An envelope with its binary parts decoded and checked. */
export interface DecodedEnvelope {
  kid: number;
  nonce: Uint8Array<ArrayBuffer>;
  ct: Uint8Array<ArrayBuffer>;
  tag: Uint8Array<ArrayBuffer>;
}

function malformed(why: string): CryptoError {
  return new CryptoError(CryptoErrorCode.malformedEnvelope, `malformed envelope: ${why}`);
}

/** The checks on the envelope's object, version, algorithm and kid (everything but the binary parts). */
function checkHeader(value: unknown): { record: Record<string, unknown>; kid: number } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed('not an object');
  const record = value as Record<string, unknown>;
  const extra = Object.keys(record).filter((k) => !(envelopeKeys as readonly string[]).includes(k));
  if (extra.length > 0) throw malformed(`unknown field(s) ${extra.join(', ')}`);
  const missing = envelopeKeys.filter((k) => !Object.hasOwn(record, k));
  if (missing.length > 0) throw malformed(`missing field(s) ${missing.join(', ')}`);
  if (record.v !== envelopeVersion) {
    throw new CryptoError(CryptoErrorCode.unsupportedVersion, `unsupported envelope version ${JSON.stringify(record.v)}`);
  }
  if (record.alg !== envelopeAlgorithm) {
    throw new CryptoError(CryptoErrorCode.unsupportedAlgorithm, `unsupported envelope algorithm ${JSON.stringify(record.alg)}`);
  }
  const kid = record.kid;
  if (typeof kid !== 'number' || !Number.isSafeInteger(kid) || kid < 1 || kid > maxKid) {
    throw malformed('kid must be an integer 1..2^31-1');
  }
  return { record, kid };
}

function decodeStrict(value: unknown): DecodedEnvelope {
  const { record, kid } = checkHeader(value);
  const nonce = decodeBase64(record.nonce, 'nonce', envelopeLimits.nonceBytes) as Uint8Array<ArrayBuffer>;
  const tag = decodeBase64(record.tag, 'tag', envelopeLimits.tagBytes) as Uint8Array<ArrayBuffer>;
  const ct = decodeBase64(record.ct, 'ct') as Uint8Array<ArrayBuffer>;
  if (ct.length > envelopeLimits.maxCiphertextBytes) {
    throw new CryptoError(CryptoErrorCode.invalidLength, `ciphertext over ${envelopeLimits.maxCiphertextBytes} bytes`);
  }
  return { kid, nonce, ct, tag };
}

/**
 * Decodes and checks an envelope: exactly the fields `v, alg, kid, nonce, ct, tag`, v = 1,
 * alg = A256GCM, canonical base64, 12-byte nonce, 16-byte tag. Anything else throws a
 * CryptoError (never another exception), whatever the input.
 */
export function decodeEnvelope(value: unknown): DecodedEnvelope {
  return withCryptoErrors(() => decodeStrict(value));
}

function withCryptoErrors<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof CryptoError) throw error;
    throw new CryptoError(CryptoErrorCode.malformedEnvelope, 'malformed envelope', { cause: error });
  }
}

/**
 * The same checks as `decodeEnvelope`, decoding `ct ‖ tag` straight into the one buffer WebCrypto
 * decrypts (each base64 text is read once, nothing is copied again).
 */
function decodeForDecrypt(value: unknown): { nonce: Uint8Array<ArrayBuffer>; sealed: Uint8Array<ArrayBuffer> } {
  return withCryptoErrors(() => {
    const { record } = checkHeader(value);
    const nonce = decodeBase64(record.nonce, 'nonce', envelopeLimits.nonceBytes) as Uint8Array<ArrayBuffer>;
    const { bytes, lengths } = decodeBase64Concat([
      { text: record.ct, what: 'ct' },
      { text: record.tag, what: 'tag' },
    ]);
    if (lengths[1] !== envelopeLimits.tagBytes) {
      throw new CryptoError(CryptoErrorCode.invalidLength, `tag must be ${envelopeLimits.tagBytes} bytes, got ${lengths[1]}`);
    }
    if (lengths[0]! > envelopeLimits.maxCiphertextBytes) {
      throw new CryptoError(CryptoErrorCode.invalidLength, `ciphertext over ${envelopeLimits.maxCiphertextBytes} bytes`);
    }
    return { nonce, sealed: bytes };
  });
}

/** Validates an envelope and returns a clean copy of it (same checks as `decodeEnvelope`). */
export function parseEnvelope(value: unknown): Envelope {
  const { kid, nonce, ct, tag } = decodeEnvelope(value);
  return { v: 1, alg: 'A256GCM', kid, nonce: encodeBase64(nonce), ct: encodeBase64(ct), tag: encodeBase64(tag) };
}

/** `true` when `parseEnvelope` would accept the value. */
export function isEnvelope(value: unknown): value is Envelope {
  try {
    decodeEnvelope(value);
    return true;
  } catch {
    return false;
  }
}

/** A 32-byte key, or one already imported with `importAesKey` (many envelopes, one import). */
export type AesKey = Uint8Array | CryptoKey;

/** Imports a 32-byte AES-256-GCM key once, non-extractable, for both directions. */
export async function importAesKey(key: Uint8Array): Promise<CryptoKey> {
  assertBytes(key, 'key', 32);
  return subtleCrypto().importKey('raw', copyBytes(key), 'AES-GCM', false, ['encrypt', 'decrypt']);
}

function assertCryptoKey(key: unknown): asserts key is CryptoKey {
  if (typeof key !== 'object' || key === null || (key as CryptoKey).type !== 'secret') {
    throw new CryptoError(CryptoErrorCode.invalidArgument, 'key must be 32 bytes or an imported AES-GCM CryptoKey');
  }
}

/**
 * The key as a CryptoKey. An imported key is used as is, without an `await`: a caller that opens
 * thousands of envelopes then hands each to WebCrypto while it decodes the next.
 */
async function asCryptoKey(key: AesKey): Promise<CryptoKey> {
  if (isBytes(key)) return importAesKey(key);
  assertCryptoKey(key);
  return key;
}

/**
 * AES-256-GCM with a fresh random 96-bit nonce and the given associated data (its UTF-8 bytes).
 * `nonce` may be fixed only to reproduce test vectors — reusing a nonce under one key is fatal.
 */
export async function sealEnvelope(
  key: AesKey,
  kid: number,
  plaintext: Uint8Array,
  associatedData: string,
  nonce: Uint8Array = randomBytes(envelopeLimits.nonceBytes),
): Promise<Envelope> {
  if (!Number.isSafeInteger(kid) || kid < 1 || kid > maxKid) {
    throw new CryptoError(CryptoErrorCode.invalidArgument, 'kid must be an integer 1..2^31-1');
  }
  assertBytes(plaintext, 'plaintext');
  assertBytes(nonce, 'nonce', envelopeLimits.nonceBytes);
  if (plaintext.length > envelopeLimits.maxCiphertextBytes) {
    throw new CryptoError(CryptoErrorCode.invalidLength, `plaintext over ${envelopeLimits.maxCiphertextBytes} bytes`);
  }
  const aesKey = await asCryptoKey(key);
  const sealed = new Uint8Array(
    await subtleCrypto().encrypt(
      { name: 'AES-GCM', iv: copyBytes(nonce), additionalData: encodeUtf8(associatedData), tagLength: 128 },
      aesKey,
      copyBytes(plaintext),
    ),
  );
  // WebCrypto returns ciphertext ‖ tag; the envelope stores them apart.
  const split = sealed.length - envelopeLimits.tagBytes;
  return {
    v: 1,
    alg: 'A256GCM',
    kid,
    nonce: encodeBase64(nonce),
    ct: encodeBase64(sealed.subarray(0, split)),
    tag: encodeBase64(sealed.subarray(split)),
  };
}

/** Checks and decrypts an envelope; any tampering, wrong key or wrong AD → `decryption_failed`. */
export async function openEnvelope(key: AesKey, envelope: unknown, associatedData: string): Promise<Uint8Array> {
  const { nonce, sealed } = decodeForDecrypt(envelope);
  let aesKey: CryptoKey;
  if (isBytes(key)) {
    aesKey = await importAesKey(key);
  } else {
    assertCryptoKey(key);
    aesKey = key;
  }
  try {
    const plaintext = await subtleCrypto().decrypt(
      { name: 'AES-GCM', iv: nonce, additionalData: encodeUtf8(associatedData), tagLength: 128 },
      aesKey,
      sealed,
    );
    return new Uint8Array(plaintext);
  } catch (error) {
    throw new CryptoError(CryptoErrorCode.decryptionFailed, 'envelope does not authenticate (wrong key, data or tampering)', {
      cause: error,
    });
  }
}
