import { z } from 'zod';
import { base64Range } from './common';

/**
 * Protocol v1 KDF limits (DESIGN §5). The minimums keep a hostile or misconfigured server from
 * making clients derive weak keys; the maximums keep one from freezing or exhausting a browser.
 */
export const kdfLimits = {
  argon2id: {
    minMemoryKiB: 65_536, // 64 MiB
    maxMemoryKiB: 1_048_576, // 1 GiB
    minIterations: 3,
    maxIterations: 64,
    minParallelism: 1,
    maxParallelism: 16,
  },
  pbkdf2Sha256: {
    minIterations: 600_000,
    maxIterations: 10_000_000,
  },
  minSaltBytes: 16,
  maxSaltBytes: 64,
} as const;

/** The default for new accounts (OWASP 2023 argon2id "m=64 MiB, t=3, p=4"). */
export const defaultKdfParams = {
  algorithm: 'argon2id',
  memoryKiB: 65_536,
  iterations: 3,
  parallelism: 4,
} as const satisfies KdfParams;

const { argon2id: a, pbkdf2Sha256: p } = kdfLimits;

export const argon2idParamsSchema = z
  .object({
    algorithm: z.literal('argon2id'),
    memoryKiB: z.number().int().min(a.minMemoryKiB).max(a.maxMemoryKiB),
    iterations: z.number().int().min(a.minIterations).max(a.maxIterations),
    parallelism: z.number().int().min(a.minParallelism).max(a.maxParallelism),
  })
  .strict();

export const pbkdf2Sha256ParamsSchema = z
  .object({
    algorithm: z.literal('pbkdf2-sha256'),
    iterations: z.number().int().min(p.minIterations).max(p.maxIterations),
  })
  .strict();

/** KDF algorithm and parameters; anything below the minimums or above the maximums is refused. */
export const kdfParamsSchema = z.discriminatedUnion('algorithm', [argon2idParamsSchema, pbkdf2Sha256ParamsSchema]);
export type Argon2idParams = z.infer<typeof argon2idParamsSchema>;
export type Pbkdf2Sha256Params = z.infer<typeof pbkdf2Sha256ParamsSchema>;
export type KdfParams = z.infer<typeof kdfParamsSchema>;

/** Per-user KDF salt: random, 16..64 bytes, standard base64. */
export const kdfSaltSchema = base64Range(kdfLimits.minSaltBytes, kdfLimits.maxSaltBytes);
