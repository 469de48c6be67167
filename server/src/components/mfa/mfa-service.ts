// Two-factor login with TOTP (DESIGN §6, §7 mfa): setup makes a pending secret, enable confirms it
// with a code and hands out 10 backup codes once, login then needs a TOTP code (each time step
// accepted once: user_mfa.last_used_step) or an unused backup code. Wrong codes count toward the
// same lockout as wrong passwords, and the routes are rate-limited per IP.
import { ErrorCode, type BackupCodesResponse, type TotpSetupResponse } from '@secureaccess/shared/contract';
import QRCode from 'qrcode';
import { Op, type Transaction } from 'sequelize';
import type { Database, User, UserMfa } from '../../db';
import { AppError } from '../../http/app-error';
import type { Principal, PrincipalUser } from '../../http/route';
import { appendAudit } from '../audit/audit-chain';
import { clockOf, userAuditEntry, type AuthDeps, type RequestMeta } from '../auth/context';
import { assertNotLocked, lockoutPolicy, recordFailedAttempt, type AttemptSubject } from '../auth/lockout';
import { assertWithinRateLimit } from '../auth/rate-limit';
import { lockUserRow } from '../auth/transactions';
import { generateBackupCodes, hashBackupCode } from './backup-codes';
import { generateTotpSecret, isTotpCode, matchTotpStep, openTotpSecret, sealTotpSecret, totpKeyUri } from './totp';

/** Shown by authenticator apps above the account name. */
export const totpIssuer = 'SecureAccess';

export type SecondFactor = 'totp' | 'backup_code';

/** The user's enabled TOTP enrolment, or null (none, or set up but not confirmed). */
export async function findEnabledMfa(db: Database, userId: number, transaction?: Transaction): Promise<UserMfa | null> {
  return db.models.UserMfa.findOne({ where: { userId, enabledAt: { [Op.ne]: null } }, transaction });
}

function invalidCode(): AppError {
  return new AppError(ErrorCode.invalidMfaCode, 401, 'The two-factor code is not valid');
}

/** Accepts a TOTP code once: the step must be newer than every step accepted before. */
async function consumeTotp(deps: AuthDeps, user: Pick<User, 'uuid'>, mfa: UserMfa, code: string, now: Date): Promise<boolean> {
  const secret = openTotpSecret(deps.secrets, user.uuid, { ciphertext: mfa.secretCiphertext, keyId: mfa.secretKeyId });
  const step = matchTotpStep(secret, code, now);
  if (step === null) return false;
  const [updated] = await deps.db.models.UserMfa.update(
    { lastUsedStep: step },
    {
      where: {
        id: mfa.id,
        [Op.or]: [{ lastUsedStep: null }, { lastUsedStep: { [Op.lt]: step } }],
      },
    },
  );
  return updated === 1;
}

/** Spends an unused backup code (one conditional UPDATE, so two requests cannot both spend it). */
async function consumeBackupCode(deps: AuthDeps, user: Pick<User, 'id' | 'uuid'>, code: string, now: Date): Promise<boolean> {
  const [updated] = await deps.db.models.UserMfaBackupCode.update(
    { usedAt: now },
    { where: { userId: user.id, codeHash: hashBackupCode(deps.secrets, user.uuid, code), usedAt: null } },
  );
  return updated === 1;
}

/**
 * Checks and spends a second factor: a 6-digit TOTP code, or (when `allowBackupCode`) a backup
 * code. Returns which one worked, or null. Spending a backup code is audited here.
 */
export async function verifySecondFactor(
  deps: AuthDeps,
  user: Pick<User, 'id' | 'uuid'>,
  mfa: UserMfa,
  code: string,
  meta: RequestMeta,
  options: { allowBackupCode: boolean; jwtTokenId?: number | null } = { allowBackupCode: true },
): Promise<SecondFactor | null> {
  if (isTotpCode(code)) return (await consumeTotp(deps, user, mfa, code, meta.now)) ? 'totp' : null;
  if (!options.allowBackupCode || !(await consumeBackupCode(deps, user, code, meta.now))) return null;
  await deps.db.transaction(async (transaction) => {
    await lockUserRow(deps.db, Number(user.id), transaction);
    const remaining = await deps.db.models.UserMfaBackupCode.count({ where: { userId: user.id, usedAt: null }, transaction });
    await appendAudit(
      deps.db,
      userAuditEntry(user, 'mfa.backup_code_used', meta, { details: { remaining }, jwtTokenId: options.jwtTokenId ?? null }),
      { transaction, clock: clockOf(meta) },
    );
  });
  return 'backup_code';
}

/** What MFA needs of its user: the principal's (no second read of the user row). */
type MfaUser = Pick<PrincipalUser, 'id' | 'uuid' | 'email'>;

function subjectOf(user: MfaUser): AttemptSubject {
  return { identifier: user.email, userId: Number(user.id), userUuid: user.uuid };
}

/** Rate limit and lockout in front of every MFA route that checks a code. */
async function guardCodeCheck(deps: AuthDeps, user: MfaUser, principal: Principal, action: string, meta: RequestMeta): Promise<void> {
  const { config } = deps;
  await assertWithinRateLimit(
    deps.db,
    { name: 'mfa', max: config.auth.rateLimitMax, windowSeconds: config.auth.rateLimitWindowSeconds },
    meta.ip,
    meta.now,
  );
  await assertNotLocked(deps.db, lockoutPolicy(config), subjectOf(user), { action, jwtTokenId: principal.tokenId }, meta);
}

async function failCodeCheck(deps: AuthDeps, user: MfaUser, principal: Principal, action: string, meta: RequestMeta): Promise<never> {
  await recordFailedAttempt(deps.db, lockoutPolicy(deps.config), subjectOf(user), 'invalid_mfa_code', { action, jwtTokenId: principal.tokenId }, meta);
  throw invalidCode();
}

async function replaceBackupCodes(deps: AuthDeps, user: MfaUser, now: Date, transaction: Transaction): Promise<string[]> {
  const { UserMfaBackupCode } = deps.db.models;
  const codes = generateBackupCodes();
  await UserMfaBackupCode.destroy({ where: { userId: user.id }, transaction });
  await UserMfaBackupCode.bulkCreate(
    codes.map((code) => ({ userId: user.id, codeHash: hashBackupCode(deps.secrets, user.uuid, code), createdAt: now })),
    { transaction },
  );
  return codes;
}

/** POST /mfa/totp/setup: a new pending secret (replacing an unconfirmed one), its URI and QR code. */
export async function startTotpSetup(deps: AuthDeps, principal: Principal, meta: RequestMeta): Promise<TotpSetupResponse> {
  const { user } = principal;
  const secret = generateTotpSecret();
  const sealed = sealTotpSecret(deps.secrets, user.uuid, secret);
  await deps.db.transaction(async (transaction) => {
    await lockUserRow(deps.db, Number(user.id), transaction);
    const { UserMfa } = deps.db.models;
    const existing = await UserMfa.findOne({ where: { userId: user.id }, transaction, lock: transaction.LOCK.UPDATE });
    if (existing?.enabledAt) throw new AppError(ErrorCode.mfaAlreadyEnabled, 409, 'Two-factor login is already on');
    if (existing) {
      await existing.update({ secretCiphertext: sealed.ciphertext, secretKeyId: sealed.keyId, lastUsedStep: null }, { transaction });
    } else {
      await UserMfa.create({ userId: user.id, method: 'totp', secretCiphertext: sealed.ciphertext, secretKeyId: sealed.keyId }, { transaction });
    }
    await appendAudit(deps.db, userAuditEntry(user, 'mfa.setup_started', meta, { jwtTokenId: principal.tokenId }), { transaction, clock: clockOf(meta) });
  });
  const otpauthUrl = totpKeyUri(secret, user.email, totpIssuer);
  const qrDataUrl = await QRCode.toDataURL(otpauthUrl, { errorCorrectionLevel: 'M', margin: 1 });
  return { secret, otpauthUrl, qrDataUrl };
}

/** POST /mfa/totp/enable: confirms the pending secret with a current code; returns the backup codes once. */
export async function enableTotp(deps: AuthDeps, principal: Principal, code: string, meta: RequestMeta): Promise<BackupCodesResponse> {
  const { user } = principal;
  const { UserMfa } = deps.db.models;
  const pending = await UserMfa.findOne({ where: { userId: user.id } });
  if (!pending) throw new AppError(ErrorCode.mfaSetupRequired, 409, 'Start two-factor setup first');
  if (pending.enabledAt) throw new AppError(ErrorCode.mfaAlreadyEnabled, 409, 'Two-factor login is already on');
  await guardCodeCheck(deps, user, principal, 'mfa.enable', meta);
  if (!(await consumeTotp(deps, user, pending, code, meta.now))) return failCodeCheck(deps, user, principal, 'mfa.enable', meta);

  const backupCodes = await deps.db.transaction(async (transaction) => {
    await lockUserRow(deps.db, Number(user.id), transaction);
    const [enabled] = await UserMfa.update({ enabledAt: meta.now }, { where: { id: pending.id, enabledAt: null }, transaction });
    if (enabled !== 1) throw new AppError(ErrorCode.mfaAlreadyEnabled, 409, 'Two-factor login is already on');
    const codes = await replaceBackupCodes(deps, user, meta.now, transaction);
    await appendAudit(deps.db, userAuditEntry(user, 'mfa.enabled', meta, { details: { method: 'totp' }, jwtTokenId: principal.tokenId }), { transaction, clock: clockOf(meta) });
    return codes;
  });
  return { backupCodes };
}

/** POST /mfa/totp/disable: needs a current TOTP code or a backup code. */
export async function disableTotp(deps: AuthDeps, principal: Principal, code: string, meta: RequestMeta): Promise<void> {
  const { user } = principal;
  const mfa = await findEnabledMfa(deps.db, user.id);
  if (!mfa) throw new AppError(ErrorCode.mfaNotEnabled, 409, 'Two-factor login is off');
  await guardCodeCheck(deps, user, principal, 'mfa.disable', meta);
  const factor = await verifySecondFactor(deps, user, mfa, code, meta, { allowBackupCode: true, jwtTokenId: principal.tokenId });
  if (!factor) return failCodeCheck(deps, user, principal, 'mfa.disable', meta);

  await deps.db.transaction(async (transaction) => {
    await lockUserRow(deps.db, Number(user.id), transaction);
    await deps.db.models.UserMfaBackupCode.destroy({ where: { userId: user.id }, transaction });
    await deps.db.models.UserMfa.destroy({ where: { userId: user.id }, transaction });
    await appendAudit(deps.db, userAuditEntry(user, 'mfa.disabled', meta, { details: { verifiedWith: factor }, jwtTokenId: principal.tokenId }), { transaction, clock: clockOf(meta) });
  });
}

/** POST /mfa/backup-codes/regenerate: needs a current TOTP code; every old backup code stops working. */
export async function regenerateBackupCodes(
  deps: AuthDeps,
  principal: Principal,
  code: string,
  meta: RequestMeta,
): Promise<BackupCodesResponse> {
  const { user } = principal;
  const mfa = await findEnabledMfa(deps.db, user.id);
  if (!mfa) throw new AppError(ErrorCode.mfaNotEnabled, 409, 'Two-factor login is off');
  await guardCodeCheck(deps, user, principal, 'mfa.regenerate_backup_codes', meta);
  const factor = await verifySecondFactor(deps, user, mfa, code, meta, { allowBackupCode: false });
  if (!factor) return failCodeCheck(deps, user, principal, 'mfa.regenerate_backup_codes', meta);

  const backupCodes = await deps.db.transaction(async (transaction) => {
    await lockUserRow(deps.db, Number(user.id), transaction);
    const codes = await replaceBackupCodes(deps, user, meta.now, transaction);
    await appendAudit(deps.db, userAuditEntry(user, 'mfa.backup_codes_regenerated', meta, { jwtTokenId: principal.tokenId }), { transaction, clock: clockOf(meta) });
    return codes;
  });
  return { backupCodes };
}
