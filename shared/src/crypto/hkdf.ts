import { copyBytes, encodeUtf8, subtleCrypto } from './bytes';

/** HKDF info strings of protocol v1 (ASCII, no terminator). */
export const hkdfInfo = {
  auth: 'secureaccess/auth/v1',
  wrap: 'secureaccess/wrap/v1',
  recovery: 'secureaccess/recovery/v1',
  recoveryAuth: 'secureaccess/recovery-auth/v1',
  /** The key of an encrypted backup file, from the password chosen for it (docs/protocol.md §8a). */
  backup: 'secureaccess/backup/v1',
} as const;

/** HKDF-SHA256 (RFC 5869) with an empty salt, 32 bytes of output. */
export async function hkdfSha256(ikm: Uint8Array, info: string, lengthBytes = 32): Promise<Uint8Array<ArrayBuffer>> {
  const subtle = subtleCrypto();
  const key = await subtle.importKey('raw', copyBytes(ikm), 'HKDF', false, ['deriveBits']);
  const bits = await subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encodeUtf8(info) },
    key,
    lengthBytes * 8,
  );
  return new Uint8Array(bits);
}
