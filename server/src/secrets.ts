// Server-side secrets (DESIGN §6a): JWT signing keys (with a `kid` each, for rotation), the
// prelogin HMAC secret (fake salts for unknown emails, §5) and the key that encrypts TOTP secrets
// at rest. Taken from the environment when given there; otherwise generated once and kept in
// DATA_DIR/secrets.json with mode 0600. Every API process must see the same values: on one host
// they share the file, across hosts give them in the environment.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Env } from './config';

export interface Secrets {
  jwt: {
    /** The kid new tokens are signed with. */
    currentKid: string;
    /** Every key a token may have been signed with (current and not yet retired), by kid. */
    keys: ReadonlyMap<string, Buffer>;
  };
  /** HMAC-SHA256 key for the salts of unknown emails (stable across restarts and processes). */
  preloginSecret: Buffer;
  /** AES-256-GCM key for TOTP secrets at rest, with its id (stored next to each ciphertext). */
  mfaEncryption: { keyId: string; key: Buffer };
}

export const secretsFileName = 'secrets.json';
const secretBytes = 32; // 256 bits for every secret

const base64Key = z
  .string()
  .refine((value) => Buffer.from(value, 'base64').length >= secretBytes, {
    error: `must be base64 of at least ${secretBytes} bytes`,
  });
const kidSchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, { error: 'kid must be 1-32 of A-Z a-z 0-9 _ -' });

const fileSchema = z.object({
  version: z.literal(1),
  jwt: z.object({
    currentKid: kidSchema,
    keys: z.array(z.object({ kid: kidSchema, key: base64Key, createdAt: z.string() })).min(1),
  }),
  preloginSecret: base64Key,
  mfaEncryption: z.object({ keyId: kidSchema, key: base64Key }),
});
type SecretsFile = z.infer<typeof fileSchema>;

export class SecretsError extends Error {
  override name = 'SecretsError';
}

function newKid(now: Date): string {
  return `k${now.toISOString().slice(0, 10).replace(/-/g, '')}${randomBytes(3).toString('hex')}`;
}

function generateFile(now: Date): SecretsFile {
  const kid = newKid(now);
  return {
    version: 1,
    jwt: {
      currentKid: kid,
      keys: [{ kid, key: randomBytes(secretBytes).toString('base64'), createdAt: now.toISOString() }],
    },
    preloginSecret: randomBytes(secretBytes).toString('base64'),
    mfaEncryption: { keyId: 'm1', key: randomBytes(secretBytes).toString('base64') },
  };
}

function readFile(file: string): SecretsFile {
  const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new SecretsError(`${file} is not a valid secrets file: ${parsed.error.issues[0]?.message}`);
  }
  const { jwt } = parsed.data;
  if (!jwt.keys.some((k) => k.kid === jwt.currentKid)) {
    throw new SecretsError(`${file}: currentKid ${jwt.currentKid} has no key`);
  }
  return parsed.data;
}

function writeFileAtomically(file: string, content: SecretsFile, exclusive: boolean): void {
  // `wx` makes the first of several processes starting at once win; the others read its file.
  writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: exclusive ? 'wx' : 'w' });
  chmodSync(file, 0o600);
}

/** Reads DATA_DIR/secrets.json, creating it (mode 0600) when missing. */
export function loadOrCreateSecretsFile(dataDir: string, now = new Date()): SecretsFile {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, secretsFileName);
  try {
    writeFileAtomically(file, generateFile(now), true);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600); // tighten a copied-in file
  return readFile(file);
}

/**
 * Adds a new JWT signing key and makes it current; older keys stay for verification until tokens
 * signed with them have expired (remove them from the file after ACCESS_TOKEN_TTL_SECONDS).
 * Running processes pick the new key up on restart.
 */
export function rotateJwtSigningKey(dataDir: string, now = new Date()): string {
  const file = path.join(dataDir, secretsFileName);
  const current = loadOrCreateSecretsFile(dataDir, now);
  const kid = newKid(now);
  current.jwt.keys.push({ kid, key: randomBytes(secretBytes).toString('base64'), createdAt: now.toISOString() });
  current.jwt.currentKid = kid;
  writeFileAtomically(file, current, false);
  return kid;
}

function parseEnvKey(name: string, value: string): Buffer {
  const parsed = base64Key.safeParse(value);
  if (!parsed.success) throw new SecretsError(`${name} ${parsed.error.issues[0]?.message}`);
  return Buffer.from(value, 'base64');
}

function parseAes256Key(value: string): Buffer {
  const key = parseEnvKey('MFA_ENCRYPTION_KEY', value);
  if (key.length !== secretBytes) throw new SecretsError(`MFA_ENCRYPTION_KEY must be base64 of exactly ${secretBytes} bytes`);
  return key;
}

/**
 * JWT_SIGNING_KEYS="kid1:base64,kid2:base64" (the last one signs), PRELOGIN_SECRET=base64,
 * MFA_ENCRYPTION_KEY=base64 (with MFA_ENCRYPTION_KEY_ID, default "env1"). Each one given in the
 * environment replaces the file's; the file is only created when something is missing.
 */
export function loadSecrets(dataDir: string, env: Env = process.env, now = new Date()): Secrets {
  const fromEnv = {
    jwt: env.JWT_SIGNING_KEYS?.trim() || undefined,
    prelogin: env.PRELOGIN_SECRET?.trim() || undefined,
    mfa: env.MFA_ENCRYPTION_KEY?.trim() || undefined,
  };
  const file = fromEnv.jwt && fromEnv.prelogin && fromEnv.mfa ? undefined : loadOrCreateSecretsFile(dataDir, now);

  let jwt: Secrets['jwt'];
  if (fromEnv.jwt) {
    const entries = fromEnv.jwt.split(',').map((entry) => {
      const [kid = '', key = ''] = entry.trim().split(':');
      if (!kidSchema.safeParse(kid).success) {
        throw new SecretsError('JWT_SIGNING_KEYS must be "kid:base64key" entries separated by commas');
      }
      return [kid, parseEnvKey('JWT_SIGNING_KEYS', key)] as const;
    });
    jwt = { currentKid: entries[entries.length - 1]![0], keys: new Map(entries) };
  } else {
    jwt = {
      currentKid: file!.jwt.currentKid,
      keys: new Map(file!.jwt.keys.map((k) => [k.kid, Buffer.from(k.key, 'base64')])),
    };
  }

  return {
    jwt,
    preloginSecret: fromEnv.prelogin
      ? parseEnvKey('PRELOGIN_SECRET', fromEnv.prelogin)
      : Buffer.from(file!.preloginSecret, 'base64'),
    mfaEncryption: fromEnv.mfa
      ? { keyId: env.MFA_ENCRYPTION_KEY_ID?.trim() || 'env1', key: parseAes256Key(fromEnv.mfa) }
      : { keyId: file!.mfaEncryption.keyId, key: Buffer.from(file!.mfaEncryption.key, 'base64') },
  };
}
