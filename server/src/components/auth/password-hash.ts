// argon2id of the client's auth hashes (DESIGN §5.3): the server never sees the master password,
// but a stolen users table must still cost an attacker a slow hash per guess of the auth hash.
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';

/** OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1 (≈ 25 ms here). */
export const serverArgon2Params = {
  type: argon2.argon2id,
  memoryCost: 19_456, // KiB
  timeCost: 2,
  parallelism: 1,
} as const;

/** The auth hash is canonical base64 of 32 bytes (the contract checked it); hash the bytes. */
function secretBytes(authHash: string): Buffer {
  return Buffer.from(authHash, 'base64');
}

export function hashAuthHash(authHash: string): Promise<string> {
  return argon2.hash(secretBytes(authHash), serverArgon2Params);
}

/** False for a wrong value and for a hash argon2 cannot read (never throws). */
export async function verifyAuthHash(storedHash: string, authHash: string): Promise<boolean> {
  try {
    return await argon2.verify(storedHash, secretBytes(authHash));
  } catch {
    return false;
  }
}

/** True when the stored hash was made with other parameters than today's (rehash on login). */
export function needsRehash(storedHash: string): boolean {
  try {
    return argon2.needsRehash(storedHash, serverArgon2Params);
  } catch {
    return true;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies against a hash of random bytes made with the same parameters, so that an unknown email
 * costs the same argon2 work as a wrong password (DESIGN §6: same answer, same timing). Always false.
 */
export async function verifyAgainstDummy(authHash: string): Promise<false> {
  dummyHash ??= argon2.hash(randomBytes(32), serverArgon2Params);
  await verifyAuthHash(await dummyHash, authHash);
  return false;
}
