// Failed-attempt lockout (DESIGN §6). Every attempt is a login_attempts row; the lock is derived
// from those rows, per identifier (the normalised email), whether or not an account exists, so an
// unknown email locks exactly like a known one and every API process sees the same state.
//
// Rule: `maxFailures` counted failures within `window` lock the identifier for `lock` from the
// failure that reached the count. Attempts during a lock are recorded as `account_locked` and do
// not count (they cannot extend the lock), and the window is never longer than the lock, so
// failures from before a lock never combine with failures after it. A success (or an admin
// unlock) starts the count afresh.
import { ErrorCode } from '@secureaccess/shared/contract';
import type { Transaction } from 'sequelize';
import type { Config } from '../../config';
import { readDate, runStatement, selectRows, type Database } from '../../db';
import { AppError } from '../../http/app-error';
import { appendAudit } from '../audit/audit-chain';
import { clockOf, type RequestMeta } from './context';

/** Reasons that count toward the lock: someone tried a secret and it was wrong. */
export const countedFailureReasons = ['invalid_credentials', 'invalid_mfa_code', 'invalid_recovery_code'] as const;
export type CountedFailureReason = (typeof countedFailureReasons)[number];
/** Recorded for the trail, never counted. */
export type UncountedFailureReason = 'account_locked' | 'account_inactive' | 'mfa_required';

/** failure_reason of the row an admin unlock writes (success = true: it restarts the count). */
export const adminUnlockReason = 'admin_unlock';

export interface LockoutPolicy {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export function lockoutPolicy(config: Config): LockoutPolicy {
  const lockMs = config.auth.loginLockMinutes * 60_000;
  return { maxFailures: config.auth.loginMaxFailures, windowMs: lockMs, lockMs };
}

/** Counted failures that can still matter; more than this in (window + lock) is impossible without a lock. */
const maxFailuresRead = 200;

// The reasons as SQL literals: the code's own constants, never input.
const countedReasonsSql = countedFailureReasons.map((reason) => `'${reason}'`).join(', ');

interface AttemptRow {
  identifier: string;
  userId: number | null;
  ip: string | null;
  success: boolean;
  failureReason: string | null;
  userAgent: string | null | undefined;
  attemptedAt: Date;
}

/** One login_attempts row, in one raw INSERT (every login writes one). */
async function insertAttempt(db: Database, row: AttemptRow, transaction: Transaction): Promise<void> {
  await runStatement(
    db,
    `INSERT INTO login_attempts (identifier, user_id, ip, success, failure_reason, user_agent, attempted_at)
     VALUES (:identifier, :userId, :ip, :success, :failureReason, :userAgent, :attemptedAt)`,
    { ...row, userAgent: row.userAgent?.slice(0, 512) ?? null },
    transaction,
  );
}

/** Replays the rule over failure times (ascending ms) and returns when the last lock ends. */
export function lockEndFromFailures(failureTimes: readonly number[], policy: LockoutPolicy): number | null {
  let lockedUntil: number | null = null;
  const inWindow: number[] = [];
  for (const time of failureTimes) {
    if (lockedUntil !== null && time < lockedUntil) continue; // a race with the lock: not counted
    inWindow.push(time);
    while (inWindow.length > 0 && inWindow[0]! <= time - policy.windowMs) inWindow.shift();
    if (inWindow.length >= policy.maxFailures) {
      lockedUntil = time + policy.lockMs;
      inWindow.length = 0;
    }
  }
  return lockedUntil;
}

export interface LockState {
  /** Counted failures since the last success (or unlock) that are still in play. */
  recentFailures: number;
  /** Set while the identifier is locked. */
  lockedUntil: Date | null;
}

/** The lock state of an identifier at `now`, from login_attempts alone. */
export async function readLockState(
  db: Database,
  identifier: string,
  now: Date,
  policy: LockoutPolicy,
  transaction?: Transaction,
): Promise<LockState> {
  // One raw statement (db/raw-rows.ts): every login reads this. The last success (or unlock) is
  // found by id, not time: a success and a failure in the same millisecond must still be ordered.
  const rows = await selectRows<{ attempted_at: unknown }>(
    db,
    `SELECT attempted_at FROM login_attempts
      WHERE identifier = :identifier AND success = :no AND failure_reason IN (${countedReasonsSql})
        AND attempted_at > :horizon AND attempted_at <= :now
        AND id > COALESCE((SELECT MAX(r.id) FROM login_attempts r WHERE r.identifier = :identifier AND r.success = :yes), 0)
      ORDER BY attempted_at DESC, id DESC
      LIMIT ${maxFailuresRead}`,
    { identifier, no: false, yes: true, horizon: new Date(now.getTime() - policy.windowMs - policy.lockMs), now },
    transaction,
  );
  const times = rows.map((row) => readDate(row.attempted_at).getTime()).reverse();
  const lockEnd = lockEndFromFailures(times, policy);
  return {
    recentFailures: times.length,
    lockedUntil: lockEnd !== null && lockEnd > now.getTime() ? new Date(lockEnd) : null,
  };
}

export function accountLockedError(lockedUntil: Date, now: Date): AppError {
  const seconds = Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
  return new AppError(ErrorCode.accountLocked, 423, 'Too many failed attempts; try again later', {
    headers: { 'Retry-After': String(seconds) },
  });
}

export interface AttemptSubject {
  /** Normalised email as typed. */
  identifier: string;
  /** users.id when the identifier is an account (never revealed to the caller). */
  userId: number | null;
  userUuid: string | null;
}

export interface AttemptAudit {
  /** e.g. `auth.login`, `auth.recovery_key`, `mfa.verify`. */
  action: string;
  jwtTokenId?: number | null;
}

/**
 * Throws 423 account_locked (and records the refused attempt) while the identifier is locked.
 * Called before any secret is checked, so a locked identifier answers the same whatever was sent.
 */
export async function assertNotLocked(
  db: Database,
  policy: LockoutPolicy,
  subject: AttemptSubject,
  audit: AttemptAudit,
  meta: RequestMeta,
): Promise<void> {
  const { lockedUntil } = await readLockState(db, subject.identifier, meta.now, policy);
  if (!lockedUntil) return;
  await recordFailedAttempt(db, policy, subject, 'account_locked', audit, meta);
  throw accountLockedError(lockedUntil, meta.now);
}

/**
 * Records a failed attempt with its audit row and, when this failure reaches the limit, the lock
 * (users.locked_until for an account, and an `auth.lockout` audit row). The statements are the
 * same for a known and an unknown identifier (the users UPDATE matches no row for the latter), so
 * the two cost the same.
 */
export async function recordFailedAttempt(
  db: Database,
  policy: LockoutPolicy,
  subject: AttemptSubject,
  reason: CountedFailureReason | UncountedFailureReason,
  audit: AttemptAudit,
  meta: RequestMeta,
): Promise<{ lockedUntil: Date | null }> {
  const { User } = db.models;
  const counted = (countedFailureReasons as readonly string[]).includes(reason);
  // The user's row first (see lockUserRow in transactions.ts), then the attempt, the counters and
  // the audit rows.
  return db.transaction(async (transaction) => {
    // By email, so that a known and an unknown identifier run the same statements (for the
    // unknown one it locks the gap where that email would be).
    await User.findOne({ where: { email: subject.identifier }, attributes: ['id'], transaction, lock: transaction.LOCK.UPDATE });
    await insertAttempt(
      db,
      { identifier: subject.identifier, userId: subject.userId, ip: meta.ip, success: false, failureReason: reason, userAgent: meta.userAgent, attemptedAt: meta.now },
      transaction,
    );
    let lockedUntil: Date | null = null;
    let lockedNow = false;
    if (counted) {
      await User.increment('failedLoginAttempts', { where: { email: subject.identifier }, transaction, silent: true });
      const state = await readLockState(db, subject.identifier, meta.now, policy, transaction);
      lockedUntil = state.lockedUntil;
      lockedNow = lockedUntil !== null && lockedUntil.getTime() === meta.now.getTime() + policy.lockMs;
      if (lockedNow) {
        await User.update({ lockedUntil }, { where: { email: subject.identifier }, transaction, silent: true });
      }
    }
    const clock = clockOf(meta);
    const unknownIdentifier = subject.userId === null ? { identifier: subject.identifier } : {};
    await appendAudit(
      db,
      {
        action: audit.action,
        success: false,
        userId: subject.userId,
        userUuid: subject.userUuid,
        jwtTokenId: audit.jwtTokenId ?? null,
        targetType: 'user',
        targetId: subject.userUuid,
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: { reason, ...unknownIdentifier },
      },
      { transaction, clock },
    );
    if (lockedNow) {
      await appendAudit(
        db,
        {
          action: 'auth.lockout',
          success: false,
          userId: subject.userId,
          userUuid: subject.userUuid,
          targetType: 'user',
          targetId: subject.userUuid,
          ip: meta.ip,
          userAgent: meta.userAgent,
          details: { failures: policy.maxFailures, lockedUntil: lockedUntil!.toISOString(), ...unknownIdentifier },
        },
        { transaction, clock },
      );
    }
    return { lockedUntil };
  });
}

/** Records a successful attempt (restarting the failure count) inside the caller's transaction. */
export async function recordSuccessfulAttempt(
  db: Database,
  subject: AttemptSubject,
  meta: RequestMeta,
  transaction: Transaction,
): Promise<void> {
  await insertAttempt(
    db,
    { identifier: subject.identifier, userId: subject.userId, ip: meta.ip, success: true, failureReason: null, userAgent: meta.userAgent, attemptedAt: meta.now },
    transaction,
  );
}

export interface UnlockOptions {
  /** The admin doing it (audit). */
  actor?: { userId: number; userUuid: string; tokenId?: number | null } | null;
  meta: RequestMeta;
  /** Join the caller's transaction (the admin route may change other fields with it). */
  transaction?: Transaction;
}

/**
 * Ends a failed-login lock of a user at once (admin route): restarts the failure count, clears
 * users.locked_until and failed_login_attempts, and turns status `locked` back to `active`.
 * Returns false when there is no such user.
 */
export async function unlockUser(db: Database, userId: number, options: UnlockOptions): Promise<boolean> {
  const { meta } = options;
  const work = async (transaction: Transaction): Promise<boolean> => {
    const { User } = db.models;
    const user = await User.findByPk(userId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!user) return false;
    await insertAttempt(
      db,
      { identifier: user.email, userId: Number(user.id), ip: meta.ip, success: true, failureReason: adminUnlockReason, userAgent: meta.userAgent, attemptedAt: meta.now },
      transaction,
    );
    const wasLocked = user.status === 'locked';
    await user.update(
      { failedLoginAttempts: 0, lockedUntil: null, ...(wasLocked ? { status: 'active' as const } : {}) },
      { transaction },
    );
    await appendAudit(
      db,
      {
        action: 'auth.unlock',
        success: true,
        userId: options.actor?.userId ?? null,
        userUuid: options.actor?.userUuid ?? null,
        jwtTokenId: options.actor?.tokenId ?? null,
        targetType: 'user',
        targetId: user.uuid,
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: { statusWasLocked: wasLocked },
      },
      { transaction, clock: clockOf(meta) },
    );
    return true;
  };
  return options.transaction ? work(options.transaction) : db.transaction(work);
}
