// The Bearer check of every authenticated route (DESIGN §6). Signature and claims first (no
// database work for garbage), then the database on every request — no cache — so a revocation
// on one API process is seen by the next request on any other: the token must be a recorded,
// unrevoked, unexpired access token with the same hash, its jti not blacklisted, its session live
// and its user active.
import { ErrorCode } from '@secureaccess/shared/contract';
import type { Request } from 'express';
import type { Database } from '../../db';
import { AppError } from '../../http/app-error';
import type { Authenticator, Principal } from '../../http/route';
import type { AppContext } from '../types';
import { isSessionLive, sessionPolicy, type SessionPolicy } from '../sessions/session-service';
import { checkAccessToken, type AccessTokenClaims } from './access-tokens';
import { constantTimeEqualText, sha256Hex } from './token-crypto';

// RFC 6750 b64token, and the three dot-separated parts of a compact JWS.
const bearerPattern = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

function unauthorized(message: string, error: 'invalid_request' | 'invalid_token' = 'invalid_token'): AppError {
  return new AppError(ErrorCode.unauthorized, 401, message, {
    headers: { 'WWW-Authenticate': `Bearer error="${error}"` },
  });
}

/** The principal of a token whose signature and claims are valid, or null if the database says no. */
export async function loadPrincipal(
  db: Database,
  policy: SessionPolicy,
  token: string,
  claims: AccessTokenClaims,
  now: Date,
): Promise<Principal | null> {
  const { JwtToken, JwtBlacklist, UserSession, User } = db.models;
  const row = await JwtToken.findOne({ where: { jti: claims.jti, tokenType: 'access' } });
  if (
    !row ||
    row.revoked ||
    row.expiresAt.getTime() <= now.getTime() ||
    row.sessionId === null ||
    row.sessionId === undefined ||
    !constantTimeEqualText(row.tokenHash, sha256Hex(token))
  ) {
    return null;
  }
  const [blacklisted, session, user] = await Promise.all([
    JwtBlacklist.count({ where: { jti: claims.jti } }),
    UserSession.findByPk(row.sessionId),
    User.findByPk(row.userId),
  ]);
  if (blacklisted > 0) return null;
  if (!session || session.uuid !== claims.sid || !isSessionLive(session, now, policy)) return null;
  if (!user || user.uuid !== claims.sub || user.status !== 'active') return null;
  return {
    userId: Number(user.id),
    userUuid: user.uuid,
    // The role as it is now, not as it was at issuance: a demotion applies at once.
    role: user.role,
    sessionId: Number(session.id),
    jti: claims.jti,
    tokenId: Number(row.id),
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
