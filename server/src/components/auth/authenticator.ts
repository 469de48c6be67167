// The Bearer check of every authenticated route (DESIGN §6). Signature and claims first (no
// database work for garbage), then ONE query on every request — no cache — so a revocation on one
// API process is seen by the next request on any other: the token must be a recorded, unrevoked,
// unexpired access token with the same hash, its jti not blacklisted, its session live and its
// user active. The principal carries the user as that query read it (PrincipalUser).
import { ErrorCode, type Role } from '@secureaccess/shared/contract';
import type { Request } from 'express';
import { readDate, readOptionalDate, selectRows, type Database } from '../../db';
import { AppError } from '../../http/app-error';
import type { Authenticator, Principal, PrincipalUser } from '../../http/route';
import type { AppContext } from '../types';
import { liveSessionSql, liveSessionValues, sessionPolicy, type SessionPolicy } from '../sessions/session-service';
import { checkAccessToken, type AccessTokenClaims } from './access-tokens';
import { constantTimeEqualText, sha256Hex } from './token-crypto';

// RFC 6750 b64token, and the three dot-separated parts of a compact JWS.
const bearerPattern = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

function unauthorized(message: string, error: 'invalid_request' | 'invalid_token' = 'invalid_token'): AppError {
  return new AppError(ErrorCode.unauthorized, 401, message, {
    headers: { 'WWW-Authenticate': `Bearer error="${error}"` },
  });
}

// One round trip: the token row joined to its session and user, the blacklist and the enabled MFA
// row. Every condition the request depends on is in the WHERE clause, so an answer means: the
// token is recorded as an unrevoked, unexpired access token of this session and user, its jti is
// not blacklisted, the session is live (liveSessionSql: active, before its absolute expiry, active
// within the idle limit) and the user is active. The hash is compared after, in constant time.
// Indexes: jwt_tokens.jti, jwt_blacklist.jti, the primary keys, user_mfa.user_id.
export const principalSql = `
SELECT t.id AS token_id, t.token_hash, s.id AS session_id,
       u.id AS user_id, u.uuid AS user_uuid, u.email, u.first_name, u.last_name, u.role, u.status,
       u.created_at, u.last_login_at, u.last_login_ip, u.password_changed_at, u.failed_login_attempts,
       u.vault_change_seq, m.id AS mfa_id
  FROM jwt_tokens t
  JOIN user_sessions s ON s.id = t.session_id AND s.user_id = t.user_id
  JOIN users u ON u.id = t.user_id
  LEFT JOIN jwt_blacklist b ON b.jti = t.jti
  LEFT JOIN user_mfa m ON m.user_id = u.id AND m.enabled_at IS NOT NULL
 WHERE t.jti = :jti AND t.token_type = 'access' AND t.revoked = :no AND t.expires_at > :now
   AND b.id IS NULL
   AND s.uuid = :sid AND ${liveSessionSql('s')}
   AND u.uuid = :sub AND u.status = 'active'`;

/** The replacements principalSql names, for the token's claims at `now`. */
export function principalValues(claims: Pick<AccessTokenClaims, 'jti' | 'sid' | 'sub'>, now: Date, policy: Pick<SessionPolicy, 'idleMs'>): Record<string, unknown> {
  return { jti: claims.jti, sid: claims.sid, sub: claims.sub, now, no: false, ...liveSessionValues(now, policy) };
}

/** The principal of a token whose signature and claims are valid, or null if the database says no. */
export async function loadPrincipal(
  db: Database,
  policy: SessionPolicy,
  token: string,
  claims: AccessTokenClaims,
  now: Date,
): Promise<Principal | null> {
  const [row] = await selectRows(db, principalSql, principalValues(claims, now, policy));
  if (!row || !constantTimeEqualText(String(row.token_hash), sha256Hex(token))) return null;
  const user: PrincipalUser = {
    id: Number(row.user_id),
    uuid: String(row.user_uuid),
    email: String(row.email),
    firstName: String(row.first_name),
    lastName: String(row.last_name),
    // The role as it is now, not as it was at issuance: a demotion applies at once.
    role: row.role as Role,
    status: 'active',
    createdAt: readDate(row.created_at),
    lastLoginAt: readOptionalDate(row.last_login_at),
    lastLoginIp: row.last_login_ip === null ? null : String(row.last_login_ip),
    passwordChangedAt: readOptionalDate(row.password_changed_at),
    failedLoginAttempts: Number(row.failed_login_attempts),
    mfaEnabled: row.mfa_id !== null && row.mfa_id !== undefined,
  };
  return {
    userId: user.id,
    userUuid: user.uuid,
    role: user.role,
    sessionId: Number(row.session_id),
    jti: claims.jti,
    tokenId: Number(row.token_id),
    user,
    vaultChangeSeq: Number(row.vault_change_seq),
  };
}

export function createAuthenticator(context: AppContext): Authenticator {
  const { db, secrets, config, clock } = context;
  const policy = sessionPolicy(config);
  const settings = { issuer: config.auth.jwtIssuer, audience: config.auth.jwtAudience };
  return async (req: Request): Promise<Principal> => {
    const now = clock();
    const header = req.get('authorization');
    const match = header ? bearerPattern.exec(header) : null;
    if (!match) throw unauthorized('A Bearer access token is required', 'invalid_request');
    const token = match[1]!;
    const check = checkAccessToken(token, secrets, settings, now);
    if (!check.ok) {
      throw unauthorized(check.reason === 'expired' ? 'The access token has expired' : 'The access token is not valid');
    }
    const principal = await loadPrincipal(db, policy, token, check.claims, now);
    if (!principal) throw unauthorized('The access token has been revoked or its session has ended');
    return principal;
  };
}
