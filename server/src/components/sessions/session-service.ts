// Sessions (DESIGN §6): one per login and device, 7 days idle, 60 days absolute with "remember
// me" (7 without), at most 5 live per user (the oldest goes first). Revoking a session revokes its
// refresh-token family and blacklists its live access tokens in the database, so the very next
// request on any API process is refused.
import { randomUUID } from 'node:crypto';
import type { Device, Session } from '@secureaccess/shared/contract';
import { Op, type Transaction } from 'sequelize';
import type { Config } from '../../config';
import { selectRows, type Database, type UserSession } from '../../db';
import { AppError } from '../../http/app-error';
import type { Principal } from '../../http/route';
import { appendAudit } from '../audit/audit-chain';
import { clockOf, secondsPerDay, type RequestMeta } from '../auth/context';
import { lockUserRow } from '../auth/transactions';

export interface SessionPolicy {
  idleMs: number;
  /** Absolute lifetime with "remember me". */
  rememberedMs: number;
  /** Absolute lifetime without it (= the idle limit). */
  unrememberedMs: number;
  maxPerUser: number;
}

export function sessionPolicy(config: Config): SessionPolicy {
  const idleMs = config.auth.sessionIdleDays * secondsPerDay * 1000;
  return {
    idleMs,
    rememberedMs: config.auth.sessionAbsoluteDays * secondsPerDay * 1000,
    unrememberedMs: idleMs,
    maxPerUser: config.auth.maxSessionsPerUser,
  };
}

/** Why a session ended (user_sessions.revoked_reason, jwt_tokens.revoked_reason, jwt_blacklist.reason). */
export type RevocationReason =
  | 'logout'
  | 'logout_all'
  | 'revoked_by_user'
  | 'session_limit'
  | 'token_reuse'
  | 'password_changed'
  | 'password_recovered'
  | 'revoked_by_admin'
  | 'user_deactivated';

/** Where-clause of sessions that still work at `now`: not revoked, not past either expiry. */
export function liveSessionWhere(now: Date, policy: SessionPolicy) {
  return {
    isActive: true,
    expiresAt: { [Op.gt]: now },
    lastActivityAt: { [Op.gt]: new Date(now.getTime() - policy.idleMs) },
  };
}

/**
 * The same rule for raw SQL (db/raw-rows.ts): the conditions on the sessions table under `alias`,
 * with the replacements they name (liveSessionValues).
 */
export function liveSessionSql(alias: string): string {
  return `${alias}.is_active = :live_yes AND ${alias}.expires_at > :live_now AND ${alias}.last_activity_at > :live_idle_cutoff`;
}

export function liveSessionValues(now: Date, policy: Pick<SessionPolicy, 'idleMs'>): Record<string, unknown> {
  return { live_yes: true, live_now: now, live_idle_cutoff: new Date(now.getTime() - policy.idleMs) };
}

/** What the liveness rule and a refresh token's expiry read of a session (a model instance or a raw row). */
export type SessionTimes = Pick<UserSession, 'id' | 'userId' | 'familyId' | 'isActive' | 'lastActivityAt' | 'expiresAt'>;

/** When the session ends if nothing happens: the earlier of its absolute and its idle expiry. */
export function sessionEndsAt(session: Pick<SessionTimes, 'lastActivityAt' | 'expiresAt'>, policy: SessionPolicy): Date {
  const idleEnd = session.lastActivityAt.getTime() + policy.idleMs;
  return new Date(Math.min(session.expiresAt.getTime(), idleEnd));
}

export function isSessionLive(session: Pick<SessionTimes, 'isActive' | 'lastActivityAt' | 'expiresAt'>, now: Date, policy: SessionPolicy): boolean {
  return session.isActive && sessionEndsAt(session, policy).getTime() > now.getTime();
}

/**
 * Revokes sessions of one user with their refresh families, and blacklists their unexpired access
 * tokens. Token rows are updated before session rows (the order refresh rotation locks them in),
 * so the two cannot deadlock on MySQL. Returns the sessions that were live and are now revoked.
 */
export async function revokeSessions(
  db: Database,
  target: { userId: number; sessionIds: readonly number[] },
  reason: RevocationReason,
  now: Date,
  transaction: Transaction,
): Promise<UserSession[]> {
  if (target.sessionIds.length === 0) return [];
  const { UserSession, JwtToken, JwtBlacklist } = db.models;
  const sessions = await UserSession.findAll({
    where: { id: { [Op.in]: [...target.sessionIds] }, userId: target.userId, isActive: true },
    transaction,
  });
  if (sessions.length === 0) return [];
  const ids = sessions.map((s) => s.id);

  const liveAccessTokens = await JwtToken.findAll({
    where: { sessionId: { [Op.in]: ids }, tokenType: 'access', revoked: false, expiresAt: { [Op.gt]: now } },
    attributes: ['jti', 'tokenHash', 'userId', 'expiresAt'],
    transaction,
  });
  if (liveAccessTokens.length > 0) {
    await JwtBlacklist.bulkCreate(
      liveAccessTokens.map((token) => ({
        jti: token.jti,
        tokenHash: token.tokenHash,
        userId: token.userId,
        reason,
        expiresAt: token.expiresAt,
        blacklistedAt: now,
      })),
      { transaction, ignoreDuplicates: true },
    );
  }
  await JwtToken.update(
    { revoked: true, revokedAt: now, revokedReason: reason },
    { where: { sessionId: { [Op.in]: ids }, revoked: false }, transaction },
  );
  await UserSession.update(
    { isActive: false, revokedAt: now, revokedReason: reason },
    { where: { id: { [Op.in]: ids }, isActive: true }, transaction },
  );
  return sessions;
}

export interface SessionAuditActor {
  userId: number;
  userUuid: string;
  tokenId?: number | null;
}

async function auditRevoked(
  db: Database,
  actor: SessionAuditActor,
  sessions: readonly UserSession[],
  reason: RevocationReason,
  meta: RequestMeta,
  transaction: Transaction,
): Promise<void> {
  for (const session of sessions) {
    await appendAudit(
      db,
      {
        action: 'session.revoked',
        success: true,
        userId: actor.userId,
        userUuid: actor.userUuid,
        jwtTokenId: actor.tokenId ?? null,
        targetType: 'session',
        targetId: session.uuid,
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: { reason, deviceName: session.deviceName },
      },
      { transaction, clock: clockOf(meta) },
    );
  }
}

export interface OpenSessionInput {
  userId: number;
  userUuid: string;
  device: Device | undefined;
  rememberMe: boolean;
  meta: RequestMeta;
}

/**
 * Opens a session for a login inside the caller's transaction (which holds the user's row lock,
 * so two logins of one user cannot both see room for one more). When the user already has the
 * maximum of live sessions, the oldest ones are revoked (`session_limit`) and audited.
 */
export async function openSession(
  db: Database,
  policy: SessionPolicy,
  input: OpenSessionInput,
  transaction: Transaction,
): Promise<{ session: UserSession; evicted: UserSession[] }> {
  const { UserSession } = db.models;
  const { now } = input.meta;
  // Raw (every login runs it): the user's live sessions, oldest first.
  const live = await selectRows<{ id: number }>(
    db,
    `SELECT s.id FROM user_sessions s WHERE s.user_id = :userId AND ${liveSessionSql('s')} ORDER BY s.login_at ASC, s.id ASC`,
    { userId: input.userId, ...liveSessionValues(now, policy) },
    transaction,
  );
  const excess = live.length - (policy.maxPerUser - 1);
  const evicted =
    excess > 0
      ? await revokeSessions(db, { userId: input.userId, sessionIds: live.slice(0, excess).map((s) => Number(s.id)) }, 'session_limit', now, transaction)
      : [];
  await auditRevoked(db, { userId: input.userId, userUuid: input.userUuid }, evicted, 'session_limit', input.meta, transaction);

  const session = await UserSession.create(
    {
      uuid: randomUUID(),
      userId: input.userId,
      familyId: randomUUID(),
      deviceName: input.device?.name ?? null,
      deviceType: input.device?.type ?? null,
      userAgent: input.meta.userAgent?.slice(0, 512) ?? null,
      ip: input.meta.ip,
      rememberMe: input.rememberMe,
      loginAt: now,
      lastActivityAt: now,
      expiresAt: new Date(now.getTime() + (input.rememberMe ? policy.rememberedMs : policy.unrememberedMs)),
    },
    { transaction },
  );
  return { session, evicted };
}

/**
 * Revokes every live session of a user (Lucia's invalidateAllSessions), except `exceptSessionId`
 * when given, with one `session.revoked` audit row each. Joins `transaction` when given.
 */
export async function invalidateAllSessions(
  db: Database,
  actor: SessionAuditActor,
  options: {
    reason: RevocationReason;
    meta: RequestMeta;
    exceptSessionId?: number;
    /** The user whose sessions end; defaults to the actor (an admin passes the target). */
    userId?: number;
    transaction?: Transaction;
  },
): Promise<UserSession[]> {
  const userId = options.userId ?? actor.userId;
  const work = async (transaction: Transaction) => {
    const sessions = await db.models.UserSession.findAll({
      where: {
        userId,
        isActive: true,
        ...(options.exceptSessionId !== undefined ? { id: { [Op.ne]: options.exceptSessionId } } : {}),
      },
      attributes: ['id'],
      transaction,
    });
    const revoked = await revokeSessions(db, { userId, sessionIds: sessions.map((s) => s.id) }, options.reason, options.meta.now, transaction);
    await auditRevoked(db, actor, revoked, options.reason, options.meta, transaction);
    return revoked;
  };
  return options.transaction
    ? work(options.transaction)
    : db.transaction(async (transaction) => {
        await lockUserRow(db, userId, transaction);
        return work(transaction);
      });
}

/** Revokes one session of the principal and audits it; used by logout and DELETE /sessions/:id. */
export async function revokeOwnSession(
  db: Database,
  principal: Principal,
  sessionId: number,
  reason: RevocationReason,
  meta: RequestMeta,
  transaction?: Transaction,
): Promise<UserSession[]> {
  const work = async (t: Transaction) => {
    const revoked = await revokeSessions(db, { userId: principal.userId, sessionIds: [sessionId] }, reason, meta.now, t);
    await auditRevoked(db, { userId: principal.userId, userUuid: principal.userUuid, tokenId: principal.tokenId }, revoked, reason, meta, t);
    return revoked;
  };
  return transaction
    ? work(transaction)
    : db.transaction(async (t) => {
        await lockUserRow(db, principal.userId, t);
        return work(t);
      });
}

/** The principal's live sessions, newest activity first, the current one marked. */
export async function listSessions(db: Database, policy: SessionPolicy, principal: Principal, now: Date): Promise<Session[]> {
  const sessions = await db.models.UserSession.findAll({
    where: { userId: principal.userId, ...liveSessionWhere(now, policy) },
    order: [
      ['lastActivityAt', 'DESC'],
      ['id', 'DESC'],
    ],
  });
  return sessions.map((session) => ({
    id: session.uuid,
    deviceName: session.deviceName ?? null,
    deviceType: session.deviceType ?? null,
    userAgent: session.userAgent ?? null,
    ip: session.ip ?? null,
    loginAt: session.loginAt.toISOString(),
    lastActivityAt: session.lastActivityAt.toISOString(),
    expiresAt: sessionEndsAt(session, policy).toISOString(),
    current: Number(session.id) === Number(principal.sessionId),
  }));
}

/**
 * DELETE /sessions/:id: revokes one of the principal's live sessions. Anyone else's session, a
 * revoked one and an unknown id all answer the same 404.
 */
export async function revokeSessionByUuid(
  db: Database,
  policy: SessionPolicy,
  principal: Principal,
  sessionUuid: string,
  meta: RequestMeta,
): Promise<void> {
  const session = await db.models.UserSession.findOne({
    where: { uuid: sessionUuid, userId: principal.userId, ...liveSessionWhere(meta.now, policy) },
    attributes: ['id'],
  });
  if (!session) throw AppError.notFound('No such session');
  await revokeOwnSession(db, principal, session.id, 'revoked_by_user', meta);
}

/**
 * Cleanup job: deletes sessions that ended (revoked, expired, or idle) more than `retentionDays`
 * ago — the sessions list only shows live ones, and their tokens (deleted with them) expired long
 * before. Idempotent, so several processes may run it at once.
 */
export async function purgeEndedSessions(db: Database, now: Date, retentionDays: number): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * secondsPerDay * 1000);
  return db.models.UserSession.destroy({
    where: {
      [Op.or]: [{ revokedAt: { [Op.lt]: cutoff } }, { expiresAt: { [Op.lt]: cutoff } }, { lastActivityAt: { [Op.lt]: cutoff } }],
    },
  });
}
