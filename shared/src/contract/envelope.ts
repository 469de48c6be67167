import { z } from 'zod';
import { base64Bytes, base64Range } from './common';

/** Protocol v1 envelope sizes. */
export const envelopeLimits = {
  nonceBytes: 12, // 96-bit AES-GCM nonce
  tagBytes: 16, // 128-bit AES-GCM tag
  /** Largest ciphertext of one secret field (notes included): 64 KiB. */
  maxCiphertextBytes: 65_536,
  userKeyBytes: 32,
} as const;

/** Key version (`kid`): the `keyVersion` of the user key that encrypted the field. */
export const keyVersionSchema = z.number().int().min(1).max(2_147_483_647);

function envelopeObject(ct: z.ZodString) {
  return z
    .object({
      v: z.literal(1),
      alg: z.literal('A256GCM'),
      kid: keyVersionSchema,
      nonce: base64Bytes(envelopeLimits.nonceBytes),
      ct,
      tag: base64Bytes(envelopeLimits.tagBytes),
    })
    .strict();
}

/**
 * An encrypted secret field (DESIGN §5.5): AES-256-GCM under the user key, associated data
 * `secureaccess/v1/<accountUuid>/<field>`. The server checks the shape only; it cannot decrypt.
 */
export const envelopeSchema = envelopeObject(base64Range(0, envelopeLimits.maxCiphertextBytes));

/** An envelope whose ciphertext (= plaintext length, GCM) is at most `maxBytes`: one secret field's limit. */
export function fieldEnvelope(maxBytes: number) {
  return envelopeObject(base64Range(0, Math.min(maxBytes, envelopeLimits.maxCiphertextBytes)));
}
export type Envelope = z.infer<typeof envelopeSchema>;

/** The user key wrapped by a key-encryption key: exactly 32 bytes of ciphertext. */
export const wrappedUserKeySchema = envelopeObject(base64Bytes(envelopeLimits.userKeyBytes));
