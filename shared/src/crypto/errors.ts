/**
 * Why a crypto operation refused its input. Callers switch on `code`; `message` is for logs.
 * Every failure of this module — malformed input, weak parameters, a failed authentication tag —
 * surfaces as a CryptoError, never as a TypeError or a DOMException from WebCrypto.
 */
export const CryptoErrorCode = {
  /** Not valid canonical standard base64, or not the expected number of bytes. */
  invalidBase64: 'invalid_base64',
  /** The value is not an envelope object with exactly the v1 fields. */
  malformedEnvelope: 'malformed_envelope',
  unsupportedVersion: 'unsupported_version',
  unsupportedAlgorithm: 'unsupported_algorithm',
  /** Nonce, tag, key or ciphertext of the wrong length. */
  invalidLength: 'invalid_length',
  /** Authentication failed: wrong key, tampered bytes, or another account/field's ciphertext. */
  decryptionFailed: 'decryption_failed',
  /** KDF parameters below the protocol minimums (possibly sent by a hostile server). */
  kdfTooWeak: 'kdf_too_weak',
  /** KDF parameters that are not well formed or above the protocol maximums. */
  invalidKdfParams: 'invalid_kdf_params',
  invalidArgument: 'invalid_argument',
  invalidRecoveryCode: 'invalid_recovery_code',
  /** No WebCrypto (`globalThis.crypto.subtle`) in this environment. */
  cryptoUnavailable: 'crypto_unavailable',
} as const;
export type CryptoErrorCode = (typeof CryptoErrorCode)[keyof typeof CryptoErrorCode];

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isCryptoError(value: unknown): value is CryptoError {
  return value instanceof CryptoError;
}
