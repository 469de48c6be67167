// One-time backup codes: 10 per enrolment, 60 random bits each, shown once as XXXX-XXXX-XXXX in
// Crockford base32 (no I, L, O, U: easy to read back). The database keeps an HMAC-SHA256 of each,
// keyed with a key derived from the server's MFA key and bound to the user: a dump alone does not
// allow guessing them offline, and spending one is a single conditional UPDATE on its hash.
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { backupCodeCount } from '@secureaccess/shared/contract';
import type { Secrets } from '../../secrets';

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const codeCharacters = 12; // 12 × 5 bits = 60 bits

function randomCode(): string {
  // 32 divides 256, so `byte % 32` is uniform.
  const bytes = randomBytes(codeCharacters);
  let code = '';
  for (const byte of bytes) code += alphabet[byte % 32];
  return code.match(/.{4}/g)!.join('-');
}

export function generateBackupCodes(): string[] {
  return Array.from({ length: backupCodeCount }, randomCode);
}

/** As a person types it: case, spaces and hyphens ignored; O read as 0, I and L as 1. */
export function normaliseBackupCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

function hmacKey(secrets: Secrets): Buffer {
  return Buffer.from(hkdfSync('sha256', secrets.mfaEncryption.key, Buffer.alloc(0), 'secureaccess/backup-codes/v1', 32));
}

/** user_mfa_backup_codes.code_hash: `hmac-sha256:<mfa key id>:<hex>`. */
export function hashBackupCode(secrets: Secrets, userUuid: string, code: string): string {
  const mac = createHmac('sha256', hmacKey(secrets)).update(`${userUuid}:${normaliseBackupCode(code)}`, 'utf8').digest('hex');
  return `hmac-sha256:${secrets.mfaEncryption.keyId}:${mac}`;
}
