// Issuing tokens and rotating refresh tokens (DESIGN §6).
//
// Every token issued is a jwt_tokens row holding only its SHA-256. A refresh token is opaque and
// belongs to its session's family (user_sessions.family_id). Rotation runs in one transaction
// holding the presented token's row lock (SELECT … FOR UPDATE on MySQL, the single writer on
// SQLite), and claims the row with a conditional UPDATE (used_at IS NULL), so of N concurrent
// refreshes exactly one creates the successor. The successor is kept for the reuse interval,
// encrypted under a key derived from the presented token; the others — and retries within the
// interval — get that same successor and a fresh access token. A used token presented after the
// interval is theft: the family and its session are revoked and the live access tokens blacklisted.
import { randomUUID } from 'node:crypto';
import { ErrorCode, type Role, type TokenPair } from '@secureaccess/shared/contract';
import type { Transaction } from 'sequelize';
import { lockClause, readBoolean, readDate, readOptionalDate, runStatement, selectRows, toJsonColumn, type Database, type User, type UserSession } from '../../db';
import { AppError } from '../../http/app-error';
import { appendAudit } from '../audit/audit-chain';
import { isSessionLive, revokeSessions, sessionEndsAt, sessionPolicy, type SessionTimes } from '../sessions/session-service';
import { signAccessToken, type AccessTokenSettings } from './access-tokens';
import { clockOf, type AuthDeps, type RequestMeta } from './context';
import { assertWithinRateLimit } from './rate-limit';
import { decryptSuccessor, encryptSuccessor, generateRefreshToken, sha256Hex } from './token-crypto';
import { lockAndReadUser } from './transactions';

export function accessTokenSettings(deps: Pick<AuthDeps, 'config'>): AccessTokenSettings {
  const { auth } = deps.config;
  return { issuer: auth.jwtIssuer, audience: auth.jwtAudience, ttlSeconds: auth.accessTokenTtlSeconds };
}

export interface IssuedAccessToken {
  token: string;
  tokenId: number;
  expiresIn: number;
}

// Token rows are written with one raw INSERT each (db/raw-rows.ts): every login and rotation
// writes two, and the model layer's create cost more CPU than the insert (docs/performance.md).
const insertTokenSql = `
INSERT INTO jwt_tokens (jti, user_id, session_id, token_type, token_hash, claims, issued_at, expires_at, revoked, family_id, parent_id, created_at, updated_at)
VALUES (:jti, :userId, :sessionId, :tokenType, :tokenHash, :claims, :issuedAt, :expiresAt, :no, :familyId, :parentId, :now, :now)`;

interface TokenRow {
  jti: string;
  userId: number;
  sessionId: number;
  tokenType: 'access' | 'refresh';
  tokenHash: string;
  claims: Record<string, unknown> | null;
  issuedAt: Date;
  expiresAt: Date;
  familyId: string;
  parentId: number | null;
}

async function insertToken(deps: AuthDeps, row: TokenRow, transaction: Transaction): Promise<number> {
  const { insertId } = await runStatement(
    deps.db,
    insertTokenSql,
    // Created and updated at the moment of writing, as the model's timestamps were.
    { ...row, claims: toJsonColumn(row.claims) ?? null, no: false, now: new Date() },
    transaction,
  );
  return insertId;
}

/** Signs an access token for the session and records it (hash, non-secret claims) in jwt_tokens. */
export async function issueAccessToken(
  deps: AuthDeps,
  user: Pick<User, 'id' | 'uuid' | 'role'>,
  session: Pick<UserSession, 'id' | 'uuid' | 'familyId'>,
  now: Date,
  transaction: Transaction,
): Promise<IssuedAccessToken> {
  const settings = accessTokenSettings(deps);
  const jti = randomUUID();
  const signed = signAccessToken(deps.secrets, settings, { userUuid: user.uuid, sessionUuid: session.uuid, role: user.role as Role, jti }, now);
  const tokenId = await insertToken(
    deps,
    {
      jti,
      userId: Number(user.id),
      sessionId: Number(session.id),
      tokenType: 'access',
      tokenHash: sha256Hex(signed.token),
      claims: { kid: signed.kid, role: user.role, iss: settings.issuer, aud: settings.audience },
      issuedAt: signed.issuedAt,
      expiresAt: signed.expiresAt,
      familyId: session.familyId,
      parentId: null,
    },
    transaction,
  );
  return { token: signed.token, tokenId, expiresIn: settings.ttlSeconds };
}

/** Creates a refresh token in the session's family; it lives until the session's idle or absolute end. */
export async function issueRefreshToken(
  deps: AuthDeps,
  session: SessionTimes,
  parentId: number | null,
  now: Date,
  transaction: Transaction,
  token: string = generateRefreshToken(),
): Promise<{ token: string; id: number; jti: string }> {
  const jti = randomUUID();
  const id = await insertToken(
    deps,
    {
      jti,
      userId: Number(session.userId),
      sessionId: Number(session.id),
      tokenType: 'refresh',
      tokenHash: sha256Hex(token),
      claims: null,
      issuedAt: now,
      expiresAt: sessionEndsAt(session, sessionPolicy(deps.config)),
      familyId: session.familyId,
      parentId,
    },
    transaction,
  );
  return { token, id, jti };
}

type RotationOutcome =
  | { kind: 'rotated'; pair: TokenPair }
  | { kind: 'invalid' }
  | { kind: 'reused' };

/** What rotation reads of the presented refresh token, under its row lock. */
interface PresentedToken {
  id: number;
  jti: string;
  userId: number;
  sessionId: number | null;
  revoked: boolean;
  expiresAt: Date;
  usedAt: Date | null;
  successorCiphertext: string | null;
}

async function readPresentedToken(db: Database, tokenHash: string, transaction: Transaction): Promise<PresentedToken | null> {
  const [row] = await selectRows(
    db,
    `SELECT id, jti, user_id, session_id, revoked, expires_at, used_at, successor_ciphertext
       FROM jwt_tokens WHERE token_hash = :tokenHash AND token_type = 'refresh'${lockClause(db, 'update')}`,
    { tokenHash },
    transaction,
  );
  if (!row) return null;
  return {
    id: Number(row.id),
    jti: String(row.jti),
    userId: Number(row.user_id),
    sessionId: row.session_id === null ? null : Number(row.session_id),
    revoked: readBoolean(row.revoked),
    expiresAt: readDate(row.expires_at),
    usedAt: readOptionalDate(row.used_at),
    successorCiphertext: row.successor_ciphertext === null ? null : String(row.successor_ciphertext),
  };
}

async function readSession(db: Database, id: number, transaction: Transaction): Promise<SessionTimes & Pick<UserSession, 'uuid'> | null> {
  const [row] = await selectRows(
    db,
    'SELECT id, uuid, user_id, family_id, is_active, last_activity_at, expires_at FROM user_sessions WHERE id = :id',
    { id },
    transaction,
  );
  if (!row) return null;
  return {
    id: Number(row.id),
    uuid: String(row.uuid),
    userId: Number(row.user_id),
    familyId: String(row.family_id),
    isActive: readBoolean(row.is_active),
    lastActivityAt: readDate(row.last_activity_at),
    expiresAt: readDate(row.expires_at),
  };
}

function invalidRefreshToken(): AppError {
  return new AppError(ErrorCode.invalidRefreshToken, 401, 'The refresh token is invalid or expired');
}

/**
 * POST /auth/refresh. Rotates the presented refresh token (see the header comment). Throws 401
 * invalid_refresh_token for unknown, revoked or expired tokens and dead sessions, and 401
 * refresh_token_reused (after revoking the family) for reuse after the interval.
 */
export async function rotateRefreshToken(deps: AuthDeps, refreshToken: string, meta: RequestMeta): Promise<TokenPair> {
  const { db, config } = deps;
  const { now } = meta;
  await assertWithinRateLimit(
    db,
    { name: 'refresh', max: config.auth.refreshRateLimitMax, windowSeconds: config.auth.rateLimitWindowSeconds },
    meta.ip,
    now,
  );
  const policy = sessionPolicy(config);
  const reuseIntervalMs = config.auth.refreshReuseIntervalSeconds * 1000;
  const tokenHash = sha256Hex(refreshToken);
  const { JwtToken } = db.models;

  // Whose token it is, read without a lock: the transaction locks the user's row first (see
  // lockUserRow), then the presented token's row. The reads and writes of a rotation are raw
  // statements (db/raw-rows.ts): through the model layer they cost the API more CPU than MariaDB's
  // work, and the chain head is held the longer for it (docs/performance.md, session 7).
  const [owner] = await selectRows(db, "SELECT user_id FROM jwt_tokens WHERE token_hash = :tokenHash AND token_type = 'refresh'", { tokenHash });
  if (!owner) throw invalidRefreshToken();

  const outcome = await db.transaction<RotationOutcome>(async (transaction) => {
    // The user's row lock and what rotation needs of the user, in one statement.
    const user = await lockAndReadUser(db, Number(owner.user_id), transaction);
    const presented = await readPresentedToken(db, tokenHash, transaction);
    if (!presented || presented.revoked || presented.expiresAt.getTime() <= now.getTime()) return { kind: 'invalid' };
    const session = presented.sessionId === null ? null : await readSession(db, presented.sessionId, transaction);
    if (presented.userId !== Number(owner.user_id)) return { kind: 'invalid' };
    if (!session || !isSessionLive(session, now, policy) || !user || user.status !== 'active') return { kind: 'invalid' };

    const audit = (action: string, success: boolean, jwtTokenId: number | null, details: Record<string, unknown>) =>
      appendAudit(
        db,
        {
          action,
          success,
          userId: user.id,
          userUuid: user.uuid,
          jwtTokenId,
          targetType: 'session',
          targetId: session.uuid,
          ip: meta.ip,
          userAgent: meta.userAgent,
          details,
        },
        // The user's row is locked above: the audit append need not take its shared lock too.
        { transaction, clock: clockOf(meta), userRowLocked: true },
      );

    if (presented.usedAt === null) {
      const successor = generateRefreshToken();
      const claimed = await runStatement(
        db,
        'UPDATE jwt_tokens SET used_at = :now, successor_ciphertext = :ciphertext, updated_at = :written WHERE id = :id AND used_at IS NULL AND revoked = :no',
        { now, ciphertext: encryptSuccessor(refreshToken, presented.jti, successor), written: new Date(), id: presented.id, no: false },
        transaction,
      );
      if (claimed.changes !== 1) return { kind: 'invalid' }; // cannot happen under the row lock; never rotate twice
      // Activity first: the successor's expiry follows the new idle end.
      await runStatement(db, 'UPDATE user_sessions SET last_activity_at = :now, updated_at = :written WHERE id = :id', { now, written: new Date(), id: session.id }, transaction);
      session.lastActivityAt = now;
      const next = await issueRefreshToken(deps, session, presented.id, now, transaction, successor);
      const access = await issueAccessToken(deps, user, session, now, transaction);
      // Successors of earlier rotations in this family are past their interval: wipe them now
      // rather than at the next cleanup run.
      await runStatement(
        db,
        'UPDATE jwt_tokens SET successor_ciphertext = NULL, updated_at = :written WHERE family_id = :familyId AND successor_ciphertext IS NOT NULL AND used_at < :cutoff',
        { written: new Date(), familyId: session.familyId, cutoff: new Date(now.getTime() - reuseIntervalMs) },
        transaction,
      );
      await audit('auth.token_refreshed', true, access.tokenId, { replay: false, refreshJti: next.jti });
      return { kind: 'rotated', pair: { accessToken: access.token, refreshToken: successor, tokenType: 'Bearer', expiresIn: access.expiresIn } };
    }

    const sinceUseMs = now.getTime() - presented.usedAt.getTime();
    if (sinceUseMs <= reuseIntervalMs) {
      // A retry or a concurrent refresh with the token just rotated: the same successor again.
      const successor =
        presented.successorCiphertext === null || presented.successorCiphertext === undefined
          ? null
          : decryptSuccessor(refreshToken, presented.jti, presented.successorCiphertext);
      const successorRow = successor
        ? await JwtToken.findOne({ where: { tokenHash: sha256Hex(successor), parentId: presented.id }, transaction })
        : null;
      if (!successor || !successorRow || successorRow.revoked || successorRow.expiresAt.getTime() <= now.getTime()) {
        return { kind: 'invalid' };
      }
      const access = await issueAccessToken(deps, user, session, now, transaction);
      await audit('auth.token_refreshed', true, access.tokenId, { replay: true, refreshJti: successorRow.jti });
      return { kind: 'rotated', pair: { accessToken: access.token, refreshToken: successor, tokenType: 'Bearer', expiresIn: access.expiresIn } };
    }

    // Used before, outside the interval: someone else holds (or held) this token.
    await revokeSessions(db, { userId: user.id, sessionIds: [session.id] }, 'token_reuse', now, transaction);
    await JwtToken.update(
      { revoked: true, revokedAt: now, revokedReason: 'token_reuse', successorCiphertext: null },
      { where: { familyId: session.familyId }, transaction },
    );
    await audit('auth.token_reuse_detected', false, null, {
      reusedJti: presented.jti,
      usedAt: presented.usedAt.toISOString(),
      familyId: session.familyId,
    });
    return { kind: 'reused' };
  });

  if (outcome.kind === 'rotated') return outcome.pair;
  if (outcome.kind === 'reused') {
    throw new AppError(ErrorCode.refreshTokenReused, 401, 'This refresh token was already used; the session has been revoked');
  }
  throw invalidRefreshToken();
}
