// Sign-up, prelogin, login and logout (DESIGN §5, §6, §7 auth). The story of each request:
//   prelogin  → the account's KDF and salt, or for an unknown email the default KDF and a salt
//               derived from the email with the server's prelogin secret (stable, indistinguishable);
//   register  → argon2id of the auth hash and of the recovery proof, the wrapped user keys, first
//               user admin — all in one transaction serialised on the sign-up setting row;
//   login     → rate limit, lock check, argon2 verify (a dummy hash for unknown emails), second
//               factor, then one transaction: session (oldest evicted past the limit), refresh and
//               access tokens, the attempt and the audit row.
import { createHmac, randomUUID } from 'node:crypto';
import {
  defaultKdfParams,
  ErrorCode,
  type Envelope,
  type KdfParams,
  type LoginResponse,
  type PreloginResponse,
  type Role,
  type UserKeys,
  type UserSummary,
  type loginBodySchema,
  type registerBodySchema,
  kdfParamsSchema,
  kdfSaltSchema,
} from '@secureaccess/shared/contract';
import { UniqueConstraintError, type Transaction } from 'sequelize';
import type { z } from 'zod';
import type { Database, EncryptionKey, User } from '../../db';
import { AppError } from '../../http/app-error';
import type { Principal } from '../../http/route';
import { appendAudit } from '../audit/audit-chain';
import { findEnabledMfa, verifySecondFactor, type SecondFactor } from '../mfa/mfa-service';
import { invalidateAllSessions, openSession, revokeOwnSession, sessionPolicy } from '../sessions/session-service';
import { clockOf, userAuditEntry, type AuthDeps, type RequestMeta } from './context';
import {
  assertNotLocked,
  lockoutPolicy,
  recordFailedAttempt,
  recordSuccessfulAttempt,
  type AttemptSubject,
} from './lockout';
import { hashAuthHash, needsRehash, verifyAgainstDummy, verifyAuthHash } from './password-hash';
import { assertWithinRateLimit, type RateLimitRule } from './rate-limit';
import { sha256Hex } from './token-crypto';
import { issueAccessToken, issueRefreshToken } from './token-service';
import { lockUserRow } from './transactions';

type RegisterInput = z.output<typeof registerBodySchema>;
type LoginInput = z.output<typeof loginBodySchema>;

/** Salt length of the default client (protocol `newSaltBytes`): fake salts must look the same. */
const fakeSaltBytes = 16;

/** Per-IP limit of one credential route (prelogin, register, login, recovery, mfa). */
export function credentialRateLimit(deps: Pick<AuthDeps, 'config'>, name: string): RateLimitRule {
  return { name, max: deps.config.auth.rateLimitMax, windowSeconds: deps.config.auth.rateLimitWindowSeconds };
}

export function toUserSummary(user: Pick<User, 'uuid' | 'email' | 'firstName' | 'lastName' | 'role'>): UserSummary {
  return { id: user.uuid, email: user.email, firstName: user.firstName, lastName: user.lastName, role: user.role };
}

/**
 * The KDF minimums of the protocol, checked again here (the contract schema already refuses
 * them) so that no code path can store parameters a client would then be talked into.
 */
export function assertAcceptableKdf(kdf: unknown, salt: string): KdfParams {
  const params = kdfParamsSchema.safeParse(kdf);
  const saltCheck = kdfSaltSchema.safeParse(salt);
  if (params.success && saltCheck.success) return params.data;
  const issues = [
    ...(params.success ? [] : params.error.issues.map((issue) => ({ ...issue, path: ['kdf', ...issue.path].join('.') }))),
    ...(saltCheck.success ? [] : saltCheck.error.issues.map((issue) => ({ ...issue, path: 'salt' }))),
  ];
  throw new AppError(ErrorCode.validationFailed, 400, 'The KDF parameters are below the protocol minimums or malformed', {
    details: { fields: issues.map((issue) => ({ location: 'body', path: String(issue.path), code: issue.code, message: issue.message })) },
  });
}

function mismatchedKeyVersion(path: string): AppError {
  return new AppError(ErrorCode.validationFailed, 400, 'The wrapped keys must carry the user key version', {
    details: { fields: [{ location: 'body', path, code: 'key_version_mismatch', message: 'kid differs from the user key version' }] },
  });
}

// ---- prelogin --------------------------------------------------------------------------------

/** HMAC-SHA256(prelogin secret, normalised email), cut to the length of a real salt. */
export function fakeSaltFor(preloginSecret: Buffer, email: string): string {
  return createHmac('sha256', preloginSecret).update(email, 'utf8').digest().subarray(0, fakeSaltBytes).toString('base64');
}

export async function prelogin(deps: AuthDeps, email: string, meta: RequestMeta): Promise<PreloginResponse> {
  await assertWithinRateLimit(deps.db, credentialRateLimit(deps, 'prelogin'), meta.ip, meta.now);
  const user = await deps.db.models.User.findOne({ where: { email }, attributes: ['kdfParams', 'kdfSalt'] });
  if (user) return { kdf: user.kdfParams as KdfParams, salt: user.kdfSalt };
  return { kdf: { ...defaultKdfParams }, salt: fakeSaltFor(deps.secrets.preloginSecret, email) };
}

// ---- register --------------------------------------------------------------------------------

/** encryption_keys.kdf_* of a recovery row: the recovery key comes from the code by HKDF alone. */
export const recoveryKdf = { algorithm: 'hkdf-sha256', info: 'secureaccess/recovery/v1' } as const;

export async function register(deps: AuthDeps, body: RegisterInput, meta: RequestMeta): Promise<UserSummary> {
  const { db } = deps;
  await assertWithinRateLimit(db, credentialRateLimit(deps, 'register'), meta.ip, meta.now);
  const kdf = assertAcceptableKdf(body.kdf, body.salt);
  const keyVersion = body.wrappedUserKey.kid;
  if (body.recovery.wrappedUserKey.kid !== keyVersion) throw mismatchedKeyVersion('recovery.wrappedUserKey.kid');
  // Slow hashes before the transaction: no lock is held while argon2 runs.
  const [passwordHash, recoveryHash] = await Promise.all([hashAuthHash(body.authHash), hashAuthHash(body.recovery.authHash)]);
  const { User, EncryptionKey, PasswordHistory, Setting } = db.models;
  try {
    return await db.transaction(async (transaction) => {
      // Every sign-up locks the one sign-up setting row, so two first registrations run one after
      // the other and only the first sees an empty users table (SQLite: one writer anyway).
      const signups = await Setting.findByPk('signups_allowed', { transaction, lock: transaction.LOCK.UPDATE });
      const anyUser = await User.findOne({ attributes: ['id'], transaction, lock: transaction.LOCK.SHARE });
      // The very first account can always be made: otherwise nobody could ever open sign-ups.
      if (anyUser && signups?.value === false) {
        throw new AppError(ErrorCode.registrationClosed, 403, 'Sign-ups are closed by the organisation');
      }
      if (await User.findOne({ where: { email: body.email }, attributes: ['id'], transaction })) throw emailTaken();
      const role: Role = anyUser ? 'editor' : 'admin';
      const user = await User.create(
        {
          uuid: randomUUID(),
          firstName: body.firstName,
          lastName: body.lastName,
          email: body.email,
          masterPasswordHash: passwordHash,
          kdfSalt: body.salt,
          kdfParams: kdf,
          role,
          passwordChangedAt: meta.now,
        },
        { transaction },
      );
      await EncryptionKey.bulkCreate(
        [
          {
            userId: user.id,
            purpose: 'master',
            wrappedUserKey: JSON.stringify(body.wrappedUserKey),
            kdfAlgorithm: kdf.algorithm,
            kdfParams: kdf,
            kdfSalt: body.salt,
            keyVersion: 1,
            createdAt: meta.now,
          },
          {
            userId: user.id,
            purpose: 'recovery',
            wrappedUserKey: JSON.stringify(body.recovery.wrappedUserKey),
            kdfAlgorithm: recoveryKdf.algorithm,
            kdfParams: recoveryKdf,
            kdfSalt: '',
            keyVersion: 1,
            authHash: recoveryHash,
            createdAt: meta.now,
          },
        ],
        { transaction },
      );
      await PasswordHistory.create({ userId: user.id, passwordHash, createdAt: meta.now }, { transaction });
      await appendAudit(
        db,
        userAuditEntry(user, 'auth.register', meta, { details: { role, kdf: kdf.algorithm } }),
        { transaction, clock: clockOf(meta) },
      );
      return toUserSummary(user);
    });
  } catch (error) {
    if (error instanceof UniqueConstraintError) throw emailTaken();
    throw error;
  }
}

function emailTaken(): AppError {
  return new AppError(ErrorCode.conflict, 409, 'An account with this email already exists');
}

// ---- login -----------------------------------------------------------------------------------

export function invalidCredentials(): AppError {
  return new AppError(ErrorCode.invalidCredentials, 401, 'Email or master password is wrong');
}

/** The active wrapped user key of a purpose ('master' for login, 'recovery' for recovery). */
export async function findActiveKey(
  db: Database,
  userId: number,
  purpose: 'master' | 'recovery',
  transaction?: Transaction,
): Promise<EncryptionKey | null> {
  return db.models.EncryptionKey.findOne({
    where: { userId, purpose, isActive: true },
    order: [['keyVersion', 'DESC']],
    transaction,
  });
}

/**
 * What the client needs to unwrap the user key. keyVersion is the user key's version (the `kid`
 * of its wrapped envelope and of every field envelope); encryption_keys.key_version instead numbers
 * the rows, which a password change adds although the user key stays the same.
 */
export function userKeysOf(user: User, key: EncryptionKey): UserKeys {
  const wrappedUserKey = JSON.parse(key.wrappedUserKey) as Envelope;
  return { wrappedUserKey, kdf: user.kdfParams as KdfParams, salt: user.kdfSalt, keyVersion: wrappedUserKey.kid };
}

export function subjectOf(identifier: string, user: User | null): AttemptSubject {
  return { identifier, userId: user ? Number(user.id) : null, userUuid: user?.uuid ?? null };
}

export async function login(deps: AuthDeps, body: LoginInput, meta: RequestMeta): Promise<LoginResponse> {
  const { db, config } = deps;
  const policy = lockoutPolicy(config);
  await assertWithinRateLimit(db, credentialRateLimit(deps, 'login'), meta.ip, meta.now);
  const user = await db.models.User.findOne({ where: { email: body.email } });
  const subject = subjectOf(body.email, user);
  const audit = { action: 'auth.login' };
  await assertNotLocked(db, policy, subject, audit, meta);

  const passwordOk = user ? await verifyAuthHash(user.masterPasswordHash, body.authHash) : await verifyAgainstDummy(body.authHash);
  if (!user || !passwordOk) {
    await recordFailedAttempt(db, policy, subject, 'invalid_credentials', audit, meta);
    throw invalidCredentials();
  }
  // From here on the caller has proven the password: naming the account's state reveals nothing.
  if (user.status === 'locked') {
    await recordFailedAttempt(db, policy, subject, 'account_locked', audit, meta);
    throw new AppError(ErrorCode.accountLocked, 423, 'This account is locked; ask an administrator');
  }
  if (user.status !== 'active') {
    await recordFailedAttempt(db, policy, subject, 'account_inactive', audit, meta);
    throw new AppError(ErrorCode.accountInactive, 403, 'This account has been deactivated');
  }

  let secondFactor: SecondFactor | null = null;
  const mfa = await findEnabledMfa(db, user.id);
  if (mfa) {
    if (!body.mfaCode) {
      await recordFailedAttempt(db, policy, subject, 'mfa_required', audit, meta);
      throw new AppError(ErrorCode.mfaRequired, 401, 'A two-factor code is required');
    }
    secondFactor = await verifySecondFactor(deps, user, mfa, body.mfaCode, meta);
    if (!secondFactor) {
      await recordFailedAttempt(db, policy, subject, 'invalid_mfa_code', audit, meta);
      throw new AppError(ErrorCode.invalidMfaCode, 401, 'The two-factor code is not valid');
    }
  }

  const rehashed = needsRehash(user.masterPasswordHash) ? await hashAuthHash(body.authHash) : null;
  const preferences = await db.models.UserPreference.findOne({ where: { userId: user.id }, attributes: ['rememberMeByDefault'] });
  const rememberMe = body.rememberMe ?? preferences?.rememberMeByDefault ?? true;

  const issued = await db.transaction(async (transaction) => {
    // The user's row lock serialises this user's logins: the session limit holds under concurrency.
    const current = await db.models.User.findByPk(user.id, { transaction, lock: transaction.LOCK.UPDATE });
    if (!current || current.status !== 'active') return null;
    const { session } = await openSession(
      db,
      sessionPolicy(config),
      { userId: Number(user.id), userUuid: user.uuid, device: body.device, rememberMe, meta },
      transaction,
    );
    const refresh = await issueRefreshToken(deps, session, null, meta.now, transaction);
    const access = await issueAccessToken(deps, current, session, meta.now, transaction);
    await current.update(
      {
        lastLoginAt: meta.now,
        lastLoginIp: meta.ip,
        failedLoginAttempts: 0,
        lockedUntil: null,
        ...(rehashed ? { masterPasswordHash: rehashed } : {}),
      },
      { transaction },
    );
    await recordSuccessfulAttempt(db, subject, meta, transaction);
    await appendAudit(
      db,
      {
        action: 'auth.login',
        success: true,
        userId: user.id,
        userUuid: user.uuid,
        jwtTokenId: access.tokenId,
        targetType: 'session',
        targetId: session.uuid,
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: { secondFactor, rememberMe, deviceType: session.deviceType, refreshJti: refresh.jti, rehashed: rehashed !== null },
      },
      // The user's row is locked above (FOR UPDATE): no shared lock to take again.
      { transaction, clock: clockOf(meta), userRowLocked: true },
    );
    const key = await findActiveKey(db, user.id, 'master', transaction);
    if (!key) throw new Error(`user ${user.id} has no active master key`);
    return { refresh, access, keys: userKeysOf(current, key), summary: toUserSummary(current) };
  });
  if (!issued) throw invalidCredentials();

  return {
    accessToken: issued.access.token,
    refreshToken: issued.refresh.token,
    tokenType: 'Bearer',
    expiresIn: issued.access.expiresIn,
    user: issued.summary,
    keys: issued.keys,
  };
}

// ---- logout ----------------------------------------------------------------------------------

/** POST /auth/logout: ends the current session, and the given refresh token's session if it is the user's. */
export async function logout(deps: AuthDeps, principal: Principal, refreshToken: string | undefined, meta: RequestMeta): Promise<void> {
  const { db } = deps;
  await db.transaction(async (transaction) => {
    await lockUserRow(db, principal.userId, transaction);
    const other = refreshToken
      ? await db.models.JwtToken.findOne({
          where: { tokenHash: sha256Hex(refreshToken), tokenType: 'refresh', userId: principal.userId },
          attributes: ['sessionId'],
          transaction,
        })
      : null;
    const sessionIds = [principal.sessionId];
    if (other?.sessionId && Number(other.sessionId) !== principal.sessionId) sessionIds.push(Number(other.sessionId));
    for (const sessionId of sessionIds) await revokeOwnSession(db, principal, sessionId, 'logout', meta, transaction);
    await appendAudit(
      db,
      {
        action: 'auth.logout',
        success: true,
        userId: principal.userId,
        userUuid: principal.userUuid,
        jwtTokenId: principal.tokenId,
        targetType: 'session',
        targetId: null,
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: { sessions: sessionIds.length },
      },
      { transaction, clock: clockOf(meta) },
    );
  });
}

/** POST /auth/logout-all: ends every session of the user, this one included. */
export async function logoutAll(deps: AuthDeps, principal: Principal, meta: RequestMeta): Promise<void> {
  const { db } = deps;
  await db.transaction(async (transaction) => {
    await lockUserRow(db, principal.userId, transaction);
    const revoked = await invalidateAllSessions(
      db,
      { userId: principal.userId, userUuid: principal.userUuid, tokenId: principal.tokenId },
      { reason: 'logout_all', meta, transaction },
    );
    await appendAudit(
      db,
      {
        action: 'auth.logout_all',
        success: true,
        userId: principal.userId,
        userUuid: principal.userUuid,
        jwtTokenId: principal.tokenId,
        targetType: 'user',
        targetId: principal.userUuid,
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: { sessions: revoked.length },
      },
      { transaction, clock: clockOf(meta) },
    );
  });
}
