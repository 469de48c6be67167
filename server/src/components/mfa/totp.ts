// TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, as every authenticator app expects) via
// otplib, with time from the injected clock; and the TOTP secret sealed at rest with the MFA key
// of secrets.ts (AES-256-GCM, bound to the user so a ciphertext cannot be moved to another row).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { authenticator } from 'otplib';
import type { Secrets } from '../../secrets';

export const totpStepSeconds = 30;
/** One step either side of now: clocks drift, people type slowly. */
export const totpWindowSteps = 1;
/** 160-bit secrets (RFC 4226 §4 recommends them); 32 base32 characters. */
const secretBytes = 20;

export function generateTotpSecret(): string {
  return authenticator.generateSecret(secretBytes);
}

export function totpKeyUri(secret: string, accountName: string, issuer: string): string {
  return authenticator.keyuri(accountName, issuer, secret);
}

/** A 6-digit code is a TOTP code; anything else the user types is a backup code. */
export function isTotpCode(code: string): boolean {
  return /^\d{6}$/.test(code.replace(/\s/g, ''));
}

/** The RFC 6238 time step the code belongs to (within ±1 step of `now`), or null. */
export function matchTotpStep(secret: string, code: string, now: Date): number | null {
  const normalised = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(normalised)) return null;
  const checker = authenticator.clone({ epoch: now.getTime(), step: totpStepSeconds, window: totpWindowSteps });
  const delta = checker.checkDelta(normalised, secret);
  if (delta === null) return null;
  return Math.floor(now.getTime() / 1000 / totpStepSeconds) + delta;
}

// ---- at rest ---------------------------------------------------------------------------------

const sealPrefix = 'v1';
const nonceBytes = 12;
const tagBytes = 16;

function associatedData(userUuid: string): Buffer {
  return Buffer.from(`secureaccess/mfa-secret/v1/${userUuid}`, 'utf8');
}

export function sealTotpSecret(secrets: Secrets, userUuid: string, secret: string): { ciphertext: string; keyId: string } {
  const nonce = randomBytes(nonceBytes);
  const cipher = createCipheriv('aes-256-gcm', secrets.mfaEncryption.key, nonce);
  cipher.setAAD(associatedData(userUuid));
  const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return {
    ciphertext: `${sealPrefix}.${Buffer.concat([nonce, ct, cipher.getAuthTag()]).toString('base64url')}`,
    keyId: secrets.mfaEncryption.keyId,
  };
}

export class MfaKeyError extends Error {
  override name = 'MfaKeyError';
}

/** Throws MfaKeyError when the row was sealed under another key or does not open (a 500: operator problem). */
export function openTotpSecret(secrets: Secrets, userUuid: string, sealed: { ciphertext: string; keyId: string }): string {
  if (sealed.keyId !== secrets.mfaEncryption.keyId) {
    throw new MfaKeyError(`TOTP secret sealed under MFA key ${sealed.keyId}, but the server has ${secrets.mfaEncryption.keyId}`);
  }
  const [prefix, payload] = sealed.ciphertext.split('.');
  const bytes = Buffer.from(payload ?? '', 'base64url');
  if (prefix !== sealPrefix || bytes.length <= nonceBytes + tagBytes) throw new MfaKeyError('malformed TOTP secret ciphertext');
  try {
    const decipher = createDecipheriv('aes-256-gcm', secrets.mfaEncryption.key, bytes.subarray(0, nonceBytes));
    decipher.setAAD(associatedData(userUuid));
    decipher.setAuthTag(bytes.subarray(bytes.length - tagBytes));
    return Buffer.concat([decipher.update(bytes.subarray(nonceBytes, bytes.length - tagBytes)), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new MfaKeyError('TOTP secret ciphertext does not open with the MFA key', { cause: error });
  }
}
