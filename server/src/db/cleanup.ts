// Purges rows that no longer mean anything (DESIGN §4): expired tokens and blacklist entries,
// old login attempts and finished rate-limit windows. Runs in the server on an interval and as
// `npm run db:cleanup`; every statement is idempotent, so several processes may run it at once.
import { Op } from 'sequelize';
import type { Database } from './database';

export interface CleanupOptions {
  now: Date;
  /** Login attempts are kept this long for lockout checks and the security overview. */
  loginAttemptsRetentionDays: number;
  /** Encrypted refresh successors are only needed for this long after rotation (DESIGN §6). */
  refreshReuseIntervalSeconds: number;
}

export interface CleanupResult {
  jwtTokens: number;
  jwtBlacklist: number;
  loginAttempts: number;
  rateLimits: number;
  refreshSuccessorsCleared: number;
}

const msPerDay = 24 * 60 * 60 * 1000;

export async function purgeExpiredRows(db: Database, options: CleanupOptions): Promise<CleanupResult> {
  const { models } = db;
  const now = options.now;
  const loginAttemptsBefore = new Date(now.getTime() - options.loginAttemptsRetentionDays * msPerDay);
  const reuseEndedBefore = new Date(now.getTime() - options.refreshReuseIntervalSeconds * 1000);

  const jwtTokens = await models.JwtToken.destroy({ where: { expiresAt: { [Op.lt]: now } } });
  const jwtBlacklist = await models.JwtBlacklist.destroy({ where: { expiresAt: { [Op.lt]: now } } });
  const loginAttempts = await models.LoginAttempt.destroy({
    where: { attemptedAt: { [Op.lt]: loginAttemptsBefore } },
  });
  const rateLimits = await models.RateLimit.destroy({ where: { expiresAt: { [Op.lt]: now } } });
  const [refreshSuccessorsCleared] = await models.JwtToken.update(
    { successorCiphertext: null },
    { where: { successorCiphertext: { [Op.ne]: null }, usedAt: { [Op.lt]: reuseEndedBefore } } },
  );
  return { jwtTokens, jwtBlacklist, loginAttempts, rateLimits, refreshSuccessorsCleared };
}
