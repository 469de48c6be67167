// Access tokens (DESIGN §6): JWTs signed with HS256 only, a `kid` naming the signing key so keys
// rotate by adding one, and the claims iss, aud, sub (user uuid), sid (session uuid), jti, iat,
// exp and role. This module is pure: it signs and checks signatures and claims against the
// injected time; whether the token is still recorded, unrevoked and its session alive is the
// authenticator's database check.
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Role } from '@secureaccess/shared/contract';
import type { Secrets } from '../../secrets';

export const accessTokenAlgorithm = 'HS256';

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface AccessTokenClaims {
  sub: string;
  sid: string;
  jti: string;
  role: Role;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
}

export interface SignedAccessToken {
  token: string;
  kid: string;
  issuedAt: Date;
  expiresAt: Date;
}

// jsonwebtoken turns a Buffer key into a KeyObject on every call, first trying to parse it as a
// PEM public/private key and catching the failure: ~5 % of the API's CPU under load. Each signing
// key becomes a secret KeyObject once (keys only change at a restart).
const keyObjects = new WeakMap<Buffer, KeyObject>();
function keyObjectOf(key: Buffer): KeyObject {
  let keyObject = keyObjects.get(key);
  if (!keyObject) {
    keyObject = createSecretKey(key);
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}

/** Whole seconds, as JWT NumericDate; the database records the same instants. */
function toSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

export function signAccessToken(
  secrets: Secrets,
  settings: AccessTokenSettings,
  subject: { userUuid: string; sessionUuid: string; role: Role; jti: string },
  now: Date,
): SignedAccessToken {
  const kid = secrets.jwt.currentKid;
  const key = secrets.jwt.keys.get(kid);
  if (!key) throw new Error(`JWT signing key ${kid} is missing`);
  const iat = toSeconds(now);
  const exp = iat + settings.ttlSeconds;
  const claims: AccessTokenClaims = {
    sub: subject.userUuid,
    sid: subject.sessionUuid,
    jti: subject.jti,
    role: subject.role,
    iat,
    exp,
    iss: settings.issuer,
    aud: settings.audience,
  };
  const token = jwt.sign(claims, keyObjectOf(key), { algorithm: accessTokenAlgorithm, keyid: kid });
  return { token, kid, issuedAt: new Date(iat * 1000), expiresAt: new Date(exp * 1000) };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const roles: readonly string[] = ['reader', 'editor', 'admin'];

export type AccessTokenRejection =
  | 'malformed'
  | 'algorithm'
  | 'unknown_kid'
  | 'signature'
  | 'expired'
  | 'claims';

export type AccessTokenCheck = { ok: true; claims: AccessTokenClaims; kid: string } | { ok: false; reason: AccessTokenRejection };

/**
 * Checks a compact JWT: header alg exactly HS256 (so `none`, RS256 with the HMAC key as "public
 * key" and everything else are refused before any key is used), a known kid, the signature with
 * that kid's key, iss, aud and exp against `now` (not the process clock), and the claim shapes.
 */
export function checkAccessToken(
  token: string,
  secrets: Secrets,
  settings: Pick<AccessTokenSettings, 'issuer' | 'audience'>,
  now: Date,
): AccessTokenCheck {
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded.payload === 'string') return { ok: false, reason: 'malformed' };
  const { header } = decoded;
  if (header.alg !== accessTokenAlgorithm) return { ok: false, reason: 'algorithm' };
  const kid = header.kid;
  const key = typeof kid === 'string' ? secrets.jwt.keys.get(kid) : undefined;
  if (!kid || !key) return { ok: false, reason: 'unknown_kid' };

  let payload: jwt.JwtPayload;
  try {
    payload = jwt.verify(token, keyObjectOf(key), {
      algorithms: [accessTokenAlgorithm],
      issuer: settings.issuer,
      audience: settings.audience,
      clockTimestamp: toSeconds(now),
      clockTolerance: 0,
      complete: false,
    }) as jwt.JwtPayload;
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) return { ok: false, reason: 'expired' };
    if (error instanceof jwt.JsonWebTokenError && /signature/.test(error.message)) return { ok: false, reason: 'signature' };
    return { ok: false, reason: 'claims' };
  }

  const { sub, sid, jti, role, iat, exp, iss, aud } = payload as Record<string, unknown>;
  if (
    typeof sub !== 'string' ||
    !uuidPattern.test(sub) ||
    typeof sid !== 'string' ||
    !uuidPattern.test(sid) ||
    typeof jti !== 'string' ||
    !uuidPattern.test(jti) ||
    typeof role !== 'string' ||
    !roles.includes(role) ||
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    typeof iss !== 'string' ||
    typeof aud !== 'string'
  ) {
    return { ok: false, reason: 'claims' };
  }
  return { ok: true, kid, claims: { sub, sid, jti, role: role as Role, iat, exp, iss, aud } };
}
