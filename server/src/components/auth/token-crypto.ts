// Token material (STYLE "tokens the Lucia way"): secrets come from the CSPRNG, the database keeps
// only SHA-256 of them, and comparisons are constant-time.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits: refresh tokens (DESIGN §6). */
export const refreshTokenBytes = 32;

/** An opaque refresh token: 32 random bytes as base64url without padding (43 characters). */
export function generateRefreshToken(): string {
  return randomBytes(refreshTokenBytes).toString('base64url');
}

/** SHA-256 as 64 lower-case hex characters (jwt_tokens.token_hash, jwt_blacklist.token_hash). */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function constantTimeEqualText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

// ---- the successor kept for the reuse interval (DESIGN §6) ------------------------------------
// key = HKDF-SHA256(parent token bytes, info "secureaccess/refresh-successor/v1"), AES-256-GCM
// with the parent's jti as associated data. Only someone presenting the parent token can read the
// successor, so a database dump yields nothing usable.

const successorInfo = 'secureaccess/refresh-successor/v1';
const successorPrefix = 'v1';
const nonceBytes = 12;
const tagBytes = 16;

function successorKey(parentToken: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(parentToken, 'base64url'), Buffer.alloc(0), successorInfo, 32));
}

export function encryptSuccessor(parentToken: string, parentJti: string, successorToken: string): string {
  const nonce = randomBytes(nonceBytes);
  const cipher = createCipheriv('aes-256-gcm', successorKey(parentToken), nonce);
  cipher.setAAD(Buffer.from(`${successorInfo}/${parentJti}`, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(successorToken, 'utf8'), cipher.final()]);
  return `${successorPrefix}.${Buffer.concat([nonce, ciphertext, cipher.getAuthTag()]).toString('base64url')}`;
}

/** The successor token, or null when the ciphertext is malformed or does not open with this parent. */
export function decryptSuccessor(parentToken: string, parentJti: string, stored: string): string | null {
  const [prefix, payload] = stored.split('.');
  if (prefix !== successorPrefix || !payload) return null;
  const bytes = Buffer.from(payload, 'base64url');
  if (bytes.length <= nonceBytes + tagBytes) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', successorKey(parentToken), bytes.subarray(0, nonceBytes));
    decipher.setAAD(Buffer.from(`${successorInfo}/${parentJti}`, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - tagBytes));
    return Buffer.concat([decipher.update(bytes.subarray(nonceBytes, bytes.length - tagBytes)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
