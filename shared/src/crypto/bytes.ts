import { CryptoError, CryptoErrorCode } from './errors';

// Small byte helpers over WebCrypto (`globalThis.crypto`), the only crypto this package uses, so
// that it runs unchanged in extension contexts, browsers and Node ≥ 20.

/** WebCrypto's SubtleCrypto, or a typed error where there is none (e.g. an insecure context). */
export function subtleCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new CryptoError(CryptoErrorCode.cryptoUnavailable, 'WebCrypto (globalThis.crypto.subtle) is not available');
  }
  return subtle;
}

/** `length` bytes from the platform CSPRNG. */
export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  if (!globalThis.crypto?.getRandomValues) {
    throw new CryptoError(CryptoErrorCode.cryptoUnavailable, 'crypto.getRandomValues is not available');
  }
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

/** True for a Uint8Array from any realm (extension pages, test sandboxes, Node Buffers). */
export function isBytes(value: unknown): value is Uint8Array {
  return ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]';
}

/** A copy backed by a plain ArrayBuffer, as WebCrypto's BufferSource wants. */
export function copyBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

export function assertBytes(value: unknown, what: string, length?: number): asserts value is Uint8Array {
  if (!isBytes(value)) throw new CryptoError(CryptoErrorCode.invalidArgument, `${what} must be a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new CryptoError(CryptoErrorCode.invalidLength, `${what} must be ${length} bytes, got ${value.length}`);
  }
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function encodeUtf8(text: string): Uint8Array<ArrayBuffer> {
  return utf8Encoder.encode(text) as Uint8Array<ArrayBuffer>;
}

/** Strict UTF-8 (a malformed sequence throws instead of becoming U+FFFD). */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Compares two byte strings (or the UTF-8 of two strings) in time that depends only on their
 * lengths, not on where they differ — for MACs, hashes and codes.
 */
export function constantTimeEqual(a: Uint8Array | string, b: Uint8Array | string): boolean {
  const x = typeof a === 'string' ? encodeUtf8(a) : a;
  const y = typeof b === 'string' ? encodeUtf8(b) : b;
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) throw new CryptoError(CryptoErrorCode.invalidArgument, 'not a hex string');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
