import { CryptoError, CryptoErrorCode } from './errors';

// Standard base64 (RFC 4648 §4: `+` and `/`, `=` padding), canonical only: the padding is
// mandatory and the unused low bits of the last character must be zero, so that every byte
// string has exactly one accepted text form. The same rules back the zod schemas of the contract.

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const char = '[A-Za-z0-9+/]';
// Last character before `==` carries 2 data bits (+4 zero bits); before `=`, 4 data bits (+2 zero).
const tailOneByte = `${char}[AQgw]==`;
const tailTwoBytes = `${char}{2}[AEIMQUYcgkosw048]=`;

/** Canonical standard base64 of any length (including the empty string). */
export const base64Pattern = `^(?:${char}{4})*(?:${tailOneByte}|${tailTwoBytes})?$`;
const base64RegExp = new RegExp(base64Pattern);

/** Canonical standard base64 of exactly `byteLength` bytes. */
export function base64PatternForBytes(byteLength: number): string {
  const fullGroups = Math.floor(byteLength / 3);
  const tail = byteLength % 3 === 0 ? '' : byteLength % 3 === 1 ? tailOneByte : tailTwoBytes;
  return `^${char}{${fullGroups * 4}}${tail}$`;
}

/** Number of base64 characters that encode `byteLength` bytes. */
export function base64Length(byteLength: number): number {
  return Math.ceil(byteLength / 3) * 4;
}

/** Decoded length of a base64 text that matches `base64Pattern`. */
export function base64DecodedLength(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

export function isCanonicalBase64(text: string): boolean {
  return base64RegExp.test(text);
}

export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = i + 1 < bytes.length ? bytes[i + 1]! : 0;
    const b2 = i + 2 < bytes.length ? bytes[i + 2]! : 0;
    const triple = (b0 << 16) | (b1 << 8) | b2;
    out += alphabet[(triple >> 18) & 63]! + alphabet[(triple >> 12) & 63]!;
    out += i + 1 < bytes.length ? alphabet[(triple >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? alphabet[triple & 63]! : '=';
  }
  return out;
}

// Character code → 6-bit value, -1 outside the alphabet (a typed table: the vault decodes ~3
// envelopes per account when it opens, so this loop is on the 10 000-account path).
const decodeTable = new Int8Array(128).fill(-1);
for (let i = 0; i < alphabet.length; i++) decodeTable[alphabet.charCodeAt(i)] = i;

function invalidBase64(what: string): CryptoError {
  return new CryptoError(CryptoErrorCode.invalidBase64, `${what} is not canonical standard base64`);
}

const sextet = (text: string, i: number): number => {
  const code = text.charCodeAt(i);
  return code < 128 ? decodeTable[code]! : -1;
};

/**
 * Checks that `text` is canonical standard base64 (the rules of `base64Pattern`, in one pass)
 * and returns its decoded length; throws `invalid_base64` otherwise.
 */
function canonicalDecodedLength(text: unknown, what: string): number {
  if (typeof text !== 'string' || text.length % 4 !== 0) throw invalidBase64(what);
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const dataChars = text.length - padding;
  for (let i = 0; i < dataChars; i++) if (sextet(text, i) < 0) throw invalidBase64(what);
  // The unused low bits of the last data character must be zero (4 bits before `==`, 2 before `=`).
  if (padding > 0 && (sextet(text, dataChars - 1) & (padding === 2 ? 0b1111 : 0b11)) !== 0) throw invalidBase64(what);
  return (text.length / 4) * 3 - padding;
}

/** Decodes canonical base64 into `out` at `offset` (already checked by `canonicalDecodedLength`). */
function decodeChecked(text: string, length: number, out: Uint8Array, offset: number): void {
  let o = offset;
  const end = offset + length;
  for (let i = 0; i < text.length; i += 4) {
    const c2 = text.charCodeAt(i + 2) === 61 ? 0 : sextet(text, i + 2);
    const c3 = text.charCodeAt(i + 3) === 61 ? 0 : sextet(text, i + 3);
    const triple = (sextet(text, i) << 18) | (sextet(text, i + 1) << 12) | (c2 << 6) | c3;
    out[o++] = (triple >> 16) & 255;
    if (o < end) out[o++] = (triple >> 8) & 255;
    if (o < end) out[o++] = triple & 255;
  }
}

/**
 * Decodes canonical standard base64; anything else (URL-safe alphabet, missing padding,
 * whitespace, non-zero trailing bits) throws `CryptoError('invalid_base64')`.
 * With `expectedBytes`, a different decoded length also throws (`invalid_length`).
 */
export function decodeBase64(text: unknown, what = 'value', expectedBytes?: number): Uint8Array {
  const length = canonicalDecodedLength(text, what);
  if (expectedBytes !== undefined && length !== expectedBytes) {
    throw new CryptoError(CryptoErrorCode.invalidLength, `${what} must be ${expectedBytes} bytes, got ${length}`);
  }
  const out = new Uint8Array(length);
  decodeChecked(text as string, length, out, 0);
  return out;
}

/**
 * Decodes several canonical base64 texts back to back into one buffer (an envelope's ct ‖ tag, as
 * WebCrypto wants them), with the same checks as `decodeBase64`; returns the buffer and each part's length.
 */
export function decodeBase64Concat(parts: readonly { text: unknown; what: string }[]): { bytes: Uint8Array<ArrayBuffer>; lengths: number[] } {
  const lengths = parts.map((part) => canonicalDecodedLength(part.text, part.what));
  const bytes = new Uint8Array(lengths.reduce((sum, n) => sum + n, 0));
  let offset = 0;
  parts.forEach((part, i) => {
    decodeChecked(part.text as string, lengths[i]!, bytes, offset);
    offset += lengths[i]!;
  });
  return { bytes, lengths };
}
