// Accounts for API suites, made with the real client protocol (@secureaccess/shared/crypto):
// real auth hashes, a real user key wrapped under a real wrap key, a real recovery kit.
//
// Speed: the protocol's KDF minimums (argon2id 64 MiB × 3) would cost ~100 ms per derivation, so
// the helpers DERIVE with tiny parameters (`testDerivationKdf`, via deriveKeysUnsafeForTests) but
// SEND the protocol default in `kdf` (`advertisedKdf`). The server only ever sees the auth hash,
// which is 32 bytes either way: it cannot tell, and it must (and does) refuse weak parameters in
// `kdf` itself. A real client would derive with what prelogin returns; these test users cannot be
// logged into from a real client — use the returned `authHash`/`wrapKey` instead.
import { createHmac, randomUUID } from 'node:crypto';
import {
  defaultKdfParams,
  type KdfParams,
  type LoginBody,
  type LoginResponse,
  type RegisterBody,
  type UserSummary,
} from '@secureaccess/shared/contract';
import {
  deriveKeysUnsafeForTests,
  encodeBase64,
  generateUserKey,
  initialKeyVersion,
  makeRecoveryKit,
  randomBytes,
  unwrapUserKey,
  wrapUserKey,
} from '@secureaccess/shared/crypto';
import type request from 'supertest';

type Agent = ReturnType<typeof request>;
type HasApi = { api: Agent };

/** What the helpers derive with: far below the protocol minimums, for speed only (see above). */
export const testDerivationKdf = { algorithm: 'argon2id', memoryKiB: 64, iterations: 1, parallelism: 1 } as const;
/** What the helpers send in `kdf`: the protocol default, which the server accepts. */
export const advertisedKdf: KdfParams = { ...defaultKdfParams };

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.test`;
}

/** The auth hash and wrap key of `password` with `salt`, derived with the tiny test parameters. */
export async function deriveTestKeys(password: string, salt: string): Promise<{ authHash: string; wrapKey: Uint8Array }> {
  const { authHash, wrapKey } = await deriveKeysUnsafeForTests(password, salt, testDerivationKdf);
  return { authHash, wrapKey };
}

export interface TestUser {
  /** The user's UUID (JWT `sub`), known once registered. */
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  role: UserSummary['role'];
  password: string;
  salt: string;
  authHash: string;
  wrapKey: Uint8Array;
  userKey: Uint8Array;
  keyVersion: number;
  recoveryCode: string;
  recoveryAuthHash: string;
  /** The body sent to /auth/register (for assertions and dumps). */
  registerBody: RegisterBody;
}

export interface RegistrationOptions {
  email?: string;
  firstName?: string;
  lastName?: string;
  password?: string;
}

/** A register body made as a client makes it (without sending it). */
export async function makeRegistration(options: RegistrationOptions = {}): Promise<Omit<TestUser, 'id' | 'role'>> {
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? `correct horse ${randomUUID()}`;
  const salt = encodeBase64(randomBytes(16));
  const { authHash, wrapKey } = await deriveTestKeys(password, salt);
  const userKey = generateUserKey();
  const [wrappedUserKey, kit] = await Promise.all([
    wrapUserKey(wrapKey, userKey, initialKeyVersion),
    makeRecoveryKit(userKey, initialKeyVersion),
  ]);
  const firstName = options.firstName ?? 'Test';
  const lastName = options.lastName ?? 'User';
  const registerBody: RegisterBody = {
    email,
    firstName,
    lastName,
    authHash,
    kdf: advertisedKdf,
    salt,
    wrappedUserKey,
    recovery: kit.recovery,
  };
  return {
    email,
    firstName,
    lastName,
    password,
    salt,
    authHash,
    wrapKey,
    userKey,
    keyVersion: initialKeyVersion,
    recoveryCode: kit.recoveryCode,
    recoveryAuthHash: kit.recovery.authHash,
    registerBody,
  };
}

/** Registers a user through POST /auth/register and fails the test unless it answers 201. */
export async function registerUser(app: HasApi, options: RegistrationOptions = {}): Promise<TestUser> {
  const made = await makeRegistration(options);
  const response = await app.api.post('/api/v1/auth/register').send(made.registerBody);
  if (response.status !== 201) {
    throw new Error(`register answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  const user = response.body.user as UserSummary;
  return { ...made, id: user.id, role: user.role };
}

export type LoginExtras = Partial<Pick<LoginBody, 'mfaCode' | 'device' | 'rememberMe'>> & {
  /** Sent as the User-Agent header. */
  userAgent?: string;
};

/** POST /auth/login with the user's auth hash; the raw supertest response. */
export function attemptLogin(app: HasApi, user: Pick<TestUser, 'email' | 'authHash'>, extras: LoginExtras = {}) {
  const { userAgent, ...body } = extras;
  const call = app.api.post('/api/v1/auth/login');
  if (userAgent) call.set('User-Agent', userAgent);
  return call.send({ email: user.email, authHash: user.authHash, ...body });
}

/** Logs in and fails the test unless it answers 200; checks the returned key unwraps. */
export async function loginUser(app: HasApi, user: TestUser, extras: LoginExtras = {}): Promise<LoginResponse> {
  const response = await attemptLogin(app, user, extras);
  if (response.status !== 200) {
    throw new Error(`login answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  const body = response.body as LoginResponse;
  await unwrapUserKey(user.wrapKey, body.keys.wrappedUserKey);
  return body;
}

/** Registers and logs in. */
export async function registerAndLogin(
  app: HasApi,
  options: RegistrationOptions = {},
  extras: LoginExtras = {},
): Promise<{ user: TestUser; session: LoginResponse }> {
  const user = await registerUser(app, options);
  return { user, session: await loginUser(app, user, extras) };
}

/** supertest calls with `Authorization: Bearer <token>`: `authed(t.api, token).get('/api/v1/me')`. */
export function authed(agent: Agent, token: string) {
  const bearer = `Bearer ${token}`;
  return {
    get: (url: string) => agent.get(url).set('Authorization', bearer),
    post: (url: string) => agent.post(url).set('Authorization', bearer),
    put: (url: string) => agent.put(url).set('Authorization', bearer),
    patch: (url: string) => agent.patch(url).set('Authorization', bearer),
    delete: (url: string) => agent.delete(url).set('Authorization', bearer),
  };
}

/**
 * The `POST /auth/password` body for a new password. By default the salt is kept (newSalt
 * omitted), which is what lets the server recognise a reused password (it compares auth hashes).
 */
export async function makePasswordChange(
  user: TestUser,
  newPassword: string,
  options: { newSalt?: boolean } = {},
): Promise<{ body: Record<string, unknown>; authHash: string; salt: string; wrapKey: Uint8Array }> {
  const salt = options.newSalt ? encodeBase64(randomBytes(16)) : user.salt;
  const { authHash, wrapKey } = await deriveTestKeys(newPassword, salt);
  const newWrappedUserKey = await wrapUserKey(wrapKey, user.userKey, user.keyVersion);
  return {
    body: {
      currentAuthHash: user.authHash,
      newAuthHash: authHash,
      newWrappedUserKey,
      ...(options.newSalt ? { newSalt: salt, newKdf: advertisedKdf } : {}),
    },
    authHash,
    salt,
    wrapKey,
  };
}

// ---- TOTP (RFC 6238), implemented here independently of the server's otplib -------------------

const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function decodeBase32(text: string): Buffer {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text.replace(/=+$/, '').toUpperCase()) {
    const index = base32Alphabet.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The 6-digit TOTP code (HMAC-SHA1, 30-second steps) of a base32 secret at `at`. */
export function totpCode(secret: string, at: Date, stepOffset = 0): string {
  const counter = Math.floor(at.getTime() / 1000 / 30) + stepOffset;
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', decodeBase32(secret)).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return binary.toString().padStart(6, '0');
}
