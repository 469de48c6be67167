// Master-password change (DESIGN §5.6) and recovery with the recovery code (§5a). Both replace
// the auth hash and the wrapped user key (the user key itself, and so every field, stays), refuse
// the last 5 passwords, and end sessions: a change every other session, a recovery all of them.
import {
  ErrorCode,
  type Envelope,
  type KdfParams,
  type RecoveryKeyResponse,
  type changePasswordBodySchema,
  type recoveryKeyBodySchema,
  type recoveryRegenerateBodySchema,
  type recoveryResetBodySchema,
} from '@secureaccess/shared/contract';
import type { Transaction } from 'sequelize';
import type { z } from 'zod';
import type { Database, EncryptionKey, User } from '../../db';
import { AppError } from '../../http/app-error';
import type { Principal } from '../../http/route';
import { appendAudit } from '../audit/audit-chain';
import { invalidateAllSessions } from '../sessions/session-service';
import {
  assertAcceptableKdf,
  credentialRateLimit,
  findActiveKey,
  invalidCredentials,
  recoveryKdf,
  subjectOf,
} from './auth-service';
import { clockOf, userAuditEntry, type AuthDeps, type RequestMeta } from './context';
import { assertNotLocked, lockoutPolicy, recordFailedAttempt, recordSuccessfulAttempt } from './lockout';
import { hashAuthHash, verifyAgainstDummy, verifyAuthHash } from './password-hash';
import { assertWithinRateLimit } from './rate-limit';
import { lockUserRow } from './transactions';

type ChangePasswordInput = z.output<typeof changePasswordBodySchema>;
type RecoveryKeyInput = z.output<typeof recoveryKeyBodySchema>;
type RecoveryResetInput = z.output<typeof recoveryResetBodySchema>;
type RecoveryRegenerateInput = z.output<typeof recoveryRegenerateBodySchema>;

/** A new master password may not be any of this many most recent ones (the current one included). */
export const passwordHistoryDepth = 5;

function passwordReused(): AppError {
  return new AppError(ErrorCode.passwordReused, 409, `The new master password must differ from your last ${passwordHistoryDepth}`);
}

function invalidRecoveryCode(): AppError {
  return new AppError(ErrorCode.invalidRecoveryCode, 401, 'Email or recovery code is wrong');
}

function keyVersionMismatch(path: string): AppError {
  return new AppError(ErrorCode.validationFailed, 400, 'The wrapped key must be the same user key', {
    details: { fields: [{ location: 'body', path, code: 'key_version_mismatch', message: 'kid differs from the user key version' }] },
  });
}

/** The version of the user key (the kid of its active wrapped form). */
function userKeyVersion(key: EncryptionKey): number {
  return (JSON.parse(key.wrappedUserKey) as Envelope).kid;
}

/**
 * Refuses an auth hash that matches one of the last passwords. Each history row is argon2id with
 * its own salt, so the new hash is verified against each. Note: the auth hash depends on the KDF
 * salt, so this catches a reused password only when it is derived with the same salt (a client
 * that keeps its salt on a change, as `newSalt` omitted does).
 */
async function assertNotReused(db: Database, user: User, newAuthHash: string): Promise<void> {
  const history = await db.models.PasswordHistory.findAll({
    where: { userId: user.id },
    order: [
      ['createdAt', 'DESC'],
      ['id', 'DESC'],
    ],
    limit: passwordHistoryDepth,
  });
  const hashes = [user.masterPasswordHash, ...history.map((row) => row.passwordHash)];
  const matches = await Promise.all(hashes.map((hash) => verifyAuthHash(hash, newAuthHash)));
  if (matches.some(Boolean)) throw passwordReused();
}

interface NewPassword {
  hash: string;
  kdf: KdfParams;
  salt: string;
  wrappedUserKey: Envelope;
}

/** Writes the new password inside the caller's transaction: user row, a new master key row, history. */
async function storeNewPassword(db: Database, user: User, next: NewPassword, now: Date, transaction: Transaction): Promise<number> {
  const { EncryptionKey, PasswordHistory } = db.models;
  const lastVersion = (await EncryptionKey.max<number, EncryptionKey>('keyVersion', {
    where: { userId: user.id, purpose: 'master' },
    transaction,
  })) as number | null;
  await EncryptionKey.update(
    { isActive: false, rotatedAt: now },
    { where: { userId: user.id, purpose: 'master', isActive: true }, transaction },
  );
  const keyVersion = Number(lastVersion ?? 0) + 1;
  await EncryptionKey.create(
    {
      userId: user.id,
      purpose: 'master',
      wrappedUserKey: JSON.stringify(next.wrappedUserKey),
      kdfAlgorithm: next.kdf.algorithm,
      kdfParams: next.kdf,
      kdfSalt: next.salt,
      keyVersion,
      createdAt: now,
    },
    { transaction },
  );
  await user.update(
    { masterPasswordHash: next.hash, kdfParams: next.kdf, kdfSalt: next.salt, passwordChangedAt: now, failedLoginAttempts: 0, lockedUntil: null },
    { transaction },
  );
  await PasswordHistory.create({ userId: user.id, passwordHash: next.hash, createdAt: now }, { transaction });
  const stale = await PasswordHistory.findAll({
    where: { userId: user.id },
    order: [
      ['createdAt', 'DESC'],
      ['id', 'DESC'],
    ],
    offset: passwordHistoryDepth,
    attributes: ['id'],
    transaction,
  });
  if (stale.length > 0) await PasswordHistory.destroy({ where: { id: stale.map((row) => row.id) }, transaction });
  return keyVersion;
}

/** Retires the active recovery row and stores the new one (its own version), inside the caller's transaction. */
async function storeNewRecoveryKey(
  db: Database,
  user: User,
  wrappedUserKey: Envelope,
  authHash: string,
  now: Date,
  transaction: Transaction,
): Promise<number> {
  const { EncryptionKey } = db.models;
  await EncryptionKey.update({ isActive: false, rotatedAt: now }, { where: { userId: user.id, purpose: 'recovery', isActive: true }, transaction });
  const last = (await EncryptionKey.max<number, EncryptionKey>('keyVersion', {
    where: { userId: user.id, purpose: 'recovery' },
    transaction,
  })) as number | null;
  const keyVersion = Number(last ?? 0) + 1;
  await EncryptionKey.create(
    {
      userId: user.id,
      purpose: 'recovery',
      wrappedUserKey: JSON.stringify(wrappedUserKey),
      kdfAlgorithm: recoveryKdf.algorithm,
      kdfParams: recoveryKdf,
      kdfSalt: '',
      keyVersion,
      authHash,
      createdAt: now,
    },
    { transaction },
  );
  return keyVersion;
}

/**
 * The signed-in user, once `currentAuthHash` proves the master password. A stolen access token
 * must not become an unlimited oracle for it: failures count toward the login lockout.
 */
async function verifyCurrentPassword(deps: AuthDeps, principal: Principal, currentAuthHash: string, action: string, meta: RequestMeta): Promise<User> {
  const { db, config } = deps;
  const policy = lockoutPolicy(config);
  const user = await db.models.User.findByPk(principal.userId);
  if (!user) throw invalidCredentials();
  const subject = subjectOf(user.email, user);
  const audit = { action, jwtTokenId: principal.tokenId };
  await assertNotLocked(db, policy, subject, audit, meta);
  if (!(await verifyAuthHash(user.masterPasswordHash, currentAuthHash))) {
    await recordFailedAttempt(db, policy, subject, 'invalid_credentials', audit, meta);
    throw invalidCredentials();
  }
  return user;
}

/** POST /auth/password. */
export async function changePassword(deps: AuthDeps, principal: Principal, body: ChangePasswordInput, meta: RequestMeta): Promise<void> {
  const { db } = deps;
  const user = await verifyCurrentPassword(deps, principal, body.currentAuthHash, 'auth.password_change', meta);
  const subject = subjectOf(user.email, user);
  const kdf = assertAcceptableKdf(body.newKdf ?? user.kdfParams, body.newSalt ?? user.kdfSalt);
  const salt = body.newSalt ?? user.kdfSalt;
  const masterKey = await findActiveKey(db, user.id, 'master');
  if (!masterKey) throw new Error(`user ${user.id} has no active master key`);
  if (body.newWrappedUserKey.kid !== userKeyVersion(masterKey)) throw keyVersionMismatch('newWrappedUserKey.kid');
  await assertNotReused(db, user, body.newAuthHash);
  const hash = await hashAuthHash(body.newAuthHash);

  await db.transaction(async (transaction) => {
    const current = await db.models.User.findByPk(user.id, { transaction, lock: transaction.LOCK.UPDATE });
    // Another change won the race since we verified: make the client start over.
    if (!current || current.masterPasswordHash !== user.masterPasswordHash) {
      throw new AppError(ErrorCode.conflict, 409, 'The master password was changed meanwhile; log in again');
    }
    const keyVersion = await storeNewPassword(db, current, { hash, kdf, salt, wrappedUserKey: body.newWrappedUserKey }, meta.now, transaction);
    const revoked = await invalidateAllSessions(
      db,
      { userId: principal.userId, userUuid: principal.userUuid, tokenId: principal.tokenId },
      { reason: 'password_changed', meta, exceptSessionId: principal.sessionId, transaction },
    );
    await recordSuccessfulAttempt(db, subject, meta, transaction);
    await appendAudit(
      db,
      userAuditEntry(user, 'auth.password_changed', meta, {
        jwtTokenId: principal.tokenId,
        details: {
          keyRowVersion: keyVersion,
          kdf: kdf.algorithm,
          kdfChanged: body.newKdf !== undefined,
          saltChanged: body.newSalt !== undefined,
          sessionsRevoked: revoked.length,
        },
      }),
      { transaction, clock: clockOf(meta) },
    );
  });
}

/**
 * The common first half of both recovery routes: rate limit, lock check, and the recovery proof
 * checked against the active recovery row (a dummy hash when there is none, so unknown emails
 * answer alike). Failures count toward the same lockout as logins.
 */
async function verifyRecoveryProof(
  deps: AuthDeps,
  email: string,
  recoveryAuthHash: string,
  action: string,
  meta: RequestMeta,
): Promise<{ user: User; recoveryKey: EncryptionKey }> {
  const { db, config } = deps;
  const policy = lockoutPolicy(config);
  await assertWithinRateLimit(db, credentialRateLimit(deps, 'recovery'), meta.ip, meta.now);
  const user = await db.models.User.findOne({ where: { email } });
  const subject = subjectOf(email, user);
  await assertNotLocked(db, policy, subject, { action }, meta);
  const recoveryKey = user ? await findActiveKey(db, user.id, 'recovery') : null;
  const ok = recoveryKey?.authHash ? await verifyAuthHash(recoveryKey.authHash, recoveryAuthHash) : await verifyAgainstDummy(recoveryAuthHash);
  if (!user || !recoveryKey || !ok) {
    await recordFailedAttempt(db, policy, subject, 'invalid_recovery_code', { action }, meta);
    throw invalidRecoveryCode();
  }
  if (user.status === 'locked') {
    await recordFailedAttempt(db, policy, subject, 'account_locked', { action }, meta);
    throw new AppError(ErrorCode.accountLocked, 423, 'This account is locked; ask an administrator');
  }
  if (user.status !== 'active') {
    await recordFailedAttempt(db, policy, subject, 'account_inactive', { action }, meta);
    throw new AppError(ErrorCode.accountInactive, 403, 'This account has been deactivated');
  }
  return { user, recoveryKey };
}

/** POST /auth/recovery/key: the user key wrapped under the recovery key, for a valid proof. */
export async function releaseRecoveryKey(deps: AuthDeps, body: RecoveryKeyInput, meta: RequestMeta): Promise<RecoveryKeyResponse> {
  const { db } = deps;
  const { user, recoveryKey } = await verifyRecoveryProof(deps, body.email, body.recoveryAuthHash, 'auth.recovery_key', meta);
  await db.transaction(async (transaction) => {
    await lockUserRow(db, Number(user.id), transaction);
    await recordSuccessfulAttempt(db, subjectOf(body.email, user), meta, transaction);
    await appendAudit(
      db,
      userAuditEntry(user, 'auth.recovery_key', meta),
      { transaction, clock: clockOf(meta) },
    );
  });
  const wrappedUserKey = JSON.parse(recoveryKey.wrappedUserKey) as Envelope;
  return { wrappedUserKey, keyVersion: wrappedUserKey.kid };
}

/** POST /auth/recovery/reset: a new master password (and optionally a new recovery code); ends every session. */
export async function resetWithRecoveryCode(deps: AuthDeps, body: RecoveryResetInput, meta: RequestMeta): Promise<void> {
  const { db } = deps;
  const { user, recoveryKey } = await verifyRecoveryProof(deps, body.email, body.recoveryAuthHash, 'auth.recovery_reset', meta);
  const kdf = assertAcceptableKdf(body.newKdf, body.newSalt);
  const keyVersion = userKeyVersion(recoveryKey);
  if (body.newWrappedUserKey.kid !== keyVersion) throw keyVersionMismatch('newWrappedUserKey.kid');
  if (body.newRecovery && body.newRecovery.wrappedUserKey.kid !== keyVersion) throw keyVersionMismatch('newRecovery.wrappedUserKey.kid');
  await assertNotReused(db, user, body.newAuthHash);
  const [hash, newRecoveryHash] = await Promise.all([
    hashAuthHash(body.newAuthHash),
    body.newRecovery ? hashAuthHash(body.newRecovery.authHash) : Promise.resolve(null),
  ]);

  await db.transaction(async (transaction) => {
    const current = await db.models.User.findByPk(user.id, { transaction, lock: transaction.LOCK.UPDATE });
    if (!current || current.masterPasswordHash !== user.masterPasswordHash) {
      throw new AppError(ErrorCode.conflict, 409, 'The master password was changed meanwhile; start again');
    }
    await storeNewPassword(db, current, { hash, kdf, salt: body.newSalt, wrappedUserKey: body.newWrappedUserKey }, meta.now, transaction);
    if (body.newRecovery && newRecoveryHash) {
      await storeNewRecoveryKey(db, user, body.newRecovery.wrappedUserKey, newRecoveryHash, meta.now, transaction);
    }
    const revoked = await invalidateAllSessions(
      db,
      { userId: Number(user.id), userUuid: user.uuid },
      { reason: 'password_recovered', meta, transaction },
    );
    await recordSuccessfulAttempt(db, subjectOf(body.email, user), meta, transaction);
    await appendAudit(
      db,
      userAuditEntry(user, 'auth.recovery_reset', meta, {
        details: {
          recoveryCodeReplaced: body.newRecovery !== undefined,
          kdf: kdf.algorithm,
          sessionsRevoked: revoked.length,
        },
      }),
      { transaction, clock: clockOf(meta) },
    );
  });
}

/** POST /auth/recovery/regenerate: a new recovery code for the signed-in user; the old one stops working. */
export async function regenerateRecoveryCode(deps: AuthDeps, principal: Principal, body: RecoveryRegenerateInput, meta: RequestMeta): Promise<void> {
  const { db } = deps;
  const user = await verifyCurrentPassword(deps, principal, body.currentAuthHash, 'auth.recovery_regenerate', meta);
  const masterKey = await findActiveKey(db, user.id, 'master');
  if (!masterKey) throw new Error(`user ${user.id} has no active master key`);
  if (body.recovery.wrappedUserKey.kid !== userKeyVersion(masterKey)) throw keyVersionMismatch('recovery.wrappedUserKey.kid');
  const hash = await hashAuthHash(body.recovery.authHash);
  await db.transaction(async (transaction) => {
    await lockUserRow(db, Number(user.id), transaction);
    const recoveryRowVersion = await storeNewRecoveryKey(db, user, body.recovery.wrappedUserKey, hash, meta.now, transaction);
    await recordSuccessfulAttempt(db, subjectOf(user.email, user), meta, transaction);
    await appendAudit(
      db,
      userAuditEntry(user, 'auth.recovery_regenerated', meta, { jwtTokenId: principal.tokenId, details: { recoveryRowVersion } }),
      { transaction, clock: clockOf(meta) },
    );
  });
}
