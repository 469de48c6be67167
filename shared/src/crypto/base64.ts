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

const decodeTable = new Map<string, number>([...alphabet].map((c, i) => [c, i]));

/**
 * Decodes canonical standard base64; anything else (URL-safe alphabet, missing padding,
 * whitespace, non-zero trailing bits) throws `CryptoError('invalid_base64')`.
 * With `expectedBytes`, a different decoded length also throws (`invalid_length`).
 */
export function decodeBase64(text: unknown, what = 'value', expectedBytes?: number): Uint8Array {
  if (typeof text !== 'string' || !base64RegExp.test(text)) {
    throw new CryptoError(CryptoErrorCode.invalidBase64, `${what} is not canonical standard base64`);
  }
  const length = base64DecodedLength(text);
  if (expectedBytes !== undefined && length !== expectedBytes) {
    throw new CryptoError(
      CryptoErrorCode.invalidLength,
      `${what} must be ${expectedBytes} bytes, got ${length}`,
    );
  }
  const out = new Uint8Array(length);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const c0 = decodeTable.get(text[i]!)!;
    const c1 = decodeTable.get(text[i + 1]!)!;
    const c2 = text[i + 2] === '=' ? 0 : decodeTable.get(text[i + 2]!)!;
    const c3 = text[i + 3] === '=' ? 0 : decodeTable.get(text[i + 3]!)!;
    const triple = (c0 << 18) | (c1 << 12) | (c2 << 6) | c3;
    out[o++] = (triple >> 16) & 255;
    if (o < length) out[o++] = (triple >> 8) & 255;
    if (o < length) out[o++] = triple & 255;
  }
  return out;
}
