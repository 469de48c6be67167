import { argon2id } from 'hash-wasm';
import { kdfLimits, type KdfParams } from '../contract/kdf';
import { base64DecodedLength, decodeBase64, isCanonicalBase64 } from './base64';
import { copyBytes, encodeUtf8, isBytes, subtleCrypto } from './bytes';
import { CryptoError, CryptoErrorCode } from './errors';

export const masterKeyBytes = 32;

/** The password as the KDF sees it: Unicode NFKC, then UTF-8 (no trimming — spaces are typed). */
export function encodePassword(password: string): Uint8Array<ArrayBuffer> {
  if (typeof password !== 'string') throw new CryptoError(CryptoErrorCode.invalidArgument, 'password must be a string');
  return encodeUtf8(password.normalize('NFKC'));
}

/** A KDF salt given as the API's base64 text or as bytes. */
export function decodeSalt(salt: string | Uint8Array): Uint8Array {
  if (isBytes(salt)) return salt;
  return decodeBase64(salt, 'salt');
}

function isIntIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

const knownKeys: Record<KdfParams['algorithm'], readonly string[]> = {
  argon2id: ['algorithm', 'memoryKiB', 'iterations', 'parallelism'],
  'pbkdf2-sha256': ['algorithm', 'iterations'],
};

/**
 * Checks the shape of KDF parameters (known algorithm, exactly its fields, positive integers)
 * without the protocol minimums. Returns a clean copy.
 */
function readKdfShape(kdf: unknown): KdfParams {
  const invalid = (why: string) => new CryptoError(CryptoErrorCode.invalidKdfParams, `KDF parameters: ${why}`);
  if (typeof kdf !== 'object' || kdf === null || Array.isArray(kdf)) throw invalid('not an object');
  const record = kdf as Record<string, unknown>;
  const algorithm = record.algorithm;
  if (algorithm !== 'argon2id' && algorithm !== 'pbkdf2-sha256') throw invalid(`unknown algorithm ${String(algorithm)}`);
  const extra = Object.keys(record).filter((k) => !knownKeys[algorithm].includes(k));
  if (extra.length > 0) throw invalid(`unknown field(s) ${extra.join(', ')}`);
  const positive = (name: string): number => {
    const value = record[name];
    if (!isIntIn(value, 1, Number.MAX_SAFE_INTEGER)) throw invalid(`${name} must be a positive integer`);
    return value;
  };
  if (algorithm === 'pbkdf2-sha256') return { algorithm, iterations: positive('iterations') };
  const params = {
    algorithm,
    memoryKiB: positive('memoryKiB'),
    iterations: positive('iterations'),
    parallelism: positive('parallelism'),
  } as const;
  // Argon2 (RFC 9106 §3.1) needs at least 8 KiB per lane.
  if (params.memoryKiB < 8 * params.parallelism) throw invalid('memoryKiB must be at least 8 × parallelism');
  return params;
}

/**
 * Throws unless `kdf` is well-formed protocol v1 parameters within the limits: below a minimum →
 * `kdf_too_weak` (a server may not talk a client into a weak key), above a maximum or malformed →
 * `invalid_kdf_params`. Returns a clean copy with exactly the algorithm's fields.
 */
export function assertKdfParams(kdf: unknown): KdfParams {
  const params = readKdfShape(kdf);
  const weak = (why: string) => new CryptoError(CryptoErrorCode.kdfTooWeak, `KDF parameters too weak: ${why}`);
  const tooBig = (why: string) => new CryptoError(CryptoErrorCode.invalidKdfParams, `KDF parameters too large: ${why}`);
  if (params.algorithm === 'pbkdf2-sha256') {
    const { minIterations, maxIterations } = kdfLimits.pbkdf2Sha256;
    if (params.iterations < minIterations) throw weak(`pbkdf2-sha256 iterations < ${minIterations}`);
    if (params.iterations > maxIterations) throw tooBig(`pbkdf2-sha256 iterations > ${maxIterations}`);
    return params;
  }
  const a = kdfLimits.argon2id;
  if (params.memoryKiB < a.minMemoryKiB) throw weak(`argon2id memoryKiB < ${a.minMemoryKiB}`);
  if (params.iterations < a.minIterations) throw weak(`argon2id iterations < ${a.minIterations}`);
  if (params.memoryKiB > a.maxMemoryKiB) throw tooBig(`argon2id memoryKiB > ${a.maxMemoryKiB}`);
  if (params.iterations > a.maxIterations) throw tooBig(`argon2id iterations > ${a.maxIterations}`);
  if (params.parallelism > a.maxParallelism) throw tooBig(`argon2id parallelism > ${a.maxParallelism}`);
  return params;
}

/** Throws `kdf_too_weak` for a salt under 16 bytes and `invalid_kdf_params` above 64. */
export function assertKdfSalt(salt: string | Uint8Array): Uint8Array {
  if (typeof salt === 'string' && isCanonicalBase64(salt) && base64DecodedLength(salt) < kdfLimits.minSaltBytes) {
    throw new CryptoError(CryptoErrorCode.kdfTooWeak, `salt shorter than ${kdfLimits.minSaltBytes} bytes`);
  }
  const bytes = decodeSalt(salt);
  if (bytes.length < kdfLimits.minSaltBytes) {
    throw new CryptoError(CryptoErrorCode.kdfTooWeak, `salt shorter than ${kdfLimits.minSaltBytes} bytes`);
  }
  if (bytes.length > kdfLimits.maxSaltBytes) {
    throw new CryptoError(CryptoErrorCode.invalidKdfParams, `salt longer than ${kdfLimits.maxSaltBytes} bytes`);
  }
  return bytes;
}

async function runKdf(password: string, salt: Uint8Array, kdf: KdfParams): Promise<Uint8Array<ArrayBuffer>> {
  const passwordBytes = encodePassword(password);
  if (kdf.algorithm === 'argon2id') {
    const hash = await argon2id({
      password: passwordBytes,
      salt: copyBytes(salt),
      memorySize: kdf.memoryKiB,
      iterations: kdf.iterations,
      parallelism: kdf.parallelism,
      hashLength: masterKeyBytes,
      outputType: 'binary',
    });
    return copyBytes(hash);
  }
  const subtle = subtleCrypto();
  const key = await subtle.importKey('raw', passwordBytes, 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: copyBytes(salt), iterations: kdf.iterations },
    key,
    masterKeyBytes * 8,
  );
  return new Uint8Array(bits);
}

/** `masterKey = KDF(NFKC(password), salt)`, 32 bytes, refusing parameters outside the limits. */
export async function deriveMasterKey(password: string, salt: string | Uint8Array, kdf: unknown): Promise<Uint8Array> {
  const params = assertKdfParams(kdf);
  return runKdf(password, assertKdfSalt(salt), params);
}

/**
 * UNSAFE — for tests and test vectors only: the same derivation without the protocol minimums,
 * so that suites can use small parameters. Product code must call `deriveMasterKey`/`deriveKeys`,
 * which refuse what this accepts. Salt must still be at least 8 bytes (Argon2's own minimum).
 */
export async function deriveMasterKeyUnsafeForTests(
  password: string,
  salt: string | Uint8Array,
  kdf: unknown,
): Promise<Uint8Array> {
  const params = readKdfShape(kdf);
  const saltBytes = decodeSalt(salt);
  if (saltBytes.length < 8) throw new CryptoError(CryptoErrorCode.kdfTooWeak, 'salt shorter than 8 bytes');
  return runKdf(password, saltBytes, params);
}

