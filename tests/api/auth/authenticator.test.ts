// The Bearer check (DESIGN §6, issue item 2): every way an access token can be wrong is a 401,
// each in its own test, against the real app and database. Forged tokens are built here by hand
// (base64url + HMAC), independently of the server's jsonwebtoken.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { errorBodySchema } from '@secureaccess/shared/contract';
import { createApp, createLogger, type Secrets } from '@secureaccess/server';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../helpers/app';
import { authed, registerAndLogin, type TestUser } from '../../helpers/auth';

let t: TestApp;
let user: TestUser;
let accessToken: string;
let refreshToken: string;

const mePath = '/api/v1/me';

function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** A compact JWS signed with HMAC-SHA-`bits`. */
function forge(header: Record<string, unknown>, payload: Record<string, unknown>, key: Buffer, bits = 256): string {
  const signingInput = `${b64url(header)}.${b64url(payload)}`;
  const signature = createHmac(`sha${bits}`, key).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

function decodePart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function currentKey(): { kid: string; key: Buffer } {
  const kid = t.secrets.jwt.currentKid;
  return { kid, key: t.secrets.jwt.keys.get(kid)! };
}

/** The real token's claims re-signed with changes: same jti, so only the change can be the reason. */
function resign(changes: { header?: Record<string, unknown>; payload?: Record<string, unknown>; key?: Buffer; bits?: number }): string {
  const { key } = currentKey();
  return forge(
    { ...decodePart(accessToken, 0), ...changes.header },
    { ...decodePart(accessToken, 1), ...changes.payload },
    changes.key ?? key,
    changes.bits,
  );
}

async function expectUnauthorized(token: string | null, header?: string) {
  const call = t.api.get(mePath);
  if (header !== undefined) call.set('Authorization', header);
  else if (token !== null) call.set('Authorization', `Bearer ${token}`);
  const response = await call;
  expect(response.status).toBe(401);
  expect(errorBodySchema.parse(response.body).error.code).toBe('unauthorized');
  expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
  return response;
}

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  ({ user, session: { accessToken, refreshToken } } = await registerAndLogin(t));
});

describe('access-token authenticator', () => {
  test('when a valid access token is sent, then the route answers for its user', async () => {
    const response = await authed(t.api, accessToken).get(mePath);

    expect(response.status).toBe(200);
    expect(response.body.user.id).toBe(user.id);
  });

  test('when a valid token is re-signed unchanged by the test forger, then it is accepted (the forger is faithful)', async () => {
    const response = await authed(t.api, resign({})).get(mePath);

    expect(response.status).toBe(200);
  });

  test('when the token carries every claim of the contract, then header and payload are as designed', () => {
    const header = decodePart(accessToken, 0);
    const payload = decodePart(accessToken, 1);

    expect(header).toEqual({ alg: 'HS256', typ: 'JWT', kid: t.secrets.jwt.currentKid });
    expect(payload).toEqual({
      sub: user.id,
      sid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      role: user.role,
      iat: Math.floor(t.clock.now().getTime() / 1000),
      exp: Math.floor(t.clock.now().getTime() / 1000) + t.config.auth.accessTokenTtlSeconds,
      iss: t.config.auth.jwtIssuer,
      aud: t.config.auth.jwtAudience,
    });
  });

  test('when the Authorization header is missing, then 401', async () => {
    await expectUnauthorized(null);
  });

  test('when the Authorization header is malformed, then 401', async () => {
    await expectUnauthorized(null, `Basic ${Buffer.from('a:b').toString('base64')}`);
    await expectUnauthorized(null, 'Bearer');
    await expectUnauthorized(null, `Bearer ${accessToken} extra`);
    await expectUnauthorized(null, `Token ${accessToken}`);
  });

  test('when the token is not a JWT at all, then 401', async () => {
    await expectUnauthorized('not-a-jwt');
    await expectUnauthorized('a.b.c');
  });

  test('when the token says alg none without a signature, then 401', async () => {
    const header = { ...decodePart(accessToken, 0), alg: 'none' };
    const unsigned = `${b64url(header)}.${b64url(decodePart(accessToken, 1))}.`;

    await expectUnauthorized(unsigned);
  });

  test('when the token is HS256 over the wrong key, then 401', async () => {
    await expectUnauthorized(resign({ key: randomBytes(32) }));
  });

  test('when the token uses another algorithm (HS512, HS384) with the right key, then 401', async () => {
    await expectUnauthorized(resign({ header: { alg: 'HS512' }, bits: 512 }));
    await expectUnauthorized(resign({ header: { alg: 'HS384' }, bits: 384 }));
  });

  test('when the token names an unknown kid, then 401', async () => {
    await expectUnauthorized(resign({ header: { kid: 'k-unknown' }, key: randomBytes(32) }));
    // Even with the real key under the unknown kid: only listed kids are accepted.
    await expectUnauthorized(resign({ header: { kid: 'k-unknown' } }));
  });

  test('when the token has no kid, then 401', async () => {
    const header = decodePart(accessToken, 0);
    delete header.kid;
    await expectUnauthorized(forge(header, decodePart(accessToken, 1), currentKey().key));
  });

  test('when the issuer is wrong, then 401', async () => {
    await expectUnauthorized(resign({ payload: { iss: 'someone-else' } }));
  });

  test('when the audience is wrong, then 401', async () => {
    await expectUnauthorized(resign({ payload: { aud: 'another-app' } }));
  });

  test('when the token has expired on the injected clock, then 401 (and one second before, 200)', async () => {
    const ttlMs = t.config.auth.accessTokenTtlSeconds * 1000;
    t.clock.advance(ttlMs - 1000);
    expect((await authed(t.api, accessToken).get(mePath)).status).toBe(200);

    t.clock.advance(1000);
    const response = await expectUnauthorized(accessToken);

    expect(response.body.error.message).toMatch(/expired/);
  });

  test('when the exp claim is moved into the future by a forger with the wrong key, then 401', async () => {
    await expectUnauthorized(resign({ payload: { exp: 4_102_444_800 }, key: randomBytes(32) }));
  });

  test('when the signature is valid but the jti was never issued, then 401', async () => {
    await expectUnauthorized(resign({ payload: { jti: randomUUID() } }));
  });

  test('when the token was issued but its hash does not match the recorded one (claims altered), then 401', async () => {
    await expectUnauthorized(resign({ payload: { role: 'admin', iat: (decodePart(accessToken, 1).iat as number) - 1 } }));
  });

  test('when the jti is blacklisted (by another process), then 401', async () => {
    const jti = decodePart(accessToken, 1).jti as string;
    await t.db.models.JwtBlacklist.create({
      jti,
      reason: 'test',
      expiresAt: new Date(t.clock.now().getTime() + 600_000),
      blacklistedAt: t.clock.now(),
    });

    await expectUnauthorized(accessToken);
  });

  test('when the session was revoked (directly in the database), then 401 on the very next request', async () => {
    const sid = decodePart(accessToken, 1).sid as string;
    await t.db.models.UserSession.update({ isActive: false, revokedAt: t.clock.now() }, { where: { uuid: sid } });

    await expectUnauthorized(accessToken);
  });

  test('when the session has passed its absolute expiry, then 401', async () => {
    const sid = decodePart(accessToken, 1).sid as string;
    await t.db.models.UserSession.update({ expiresAt: new Date(t.clock.now().getTime() - 1) }, { where: { uuid: sid } });

    await expectUnauthorized(accessToken);
  });

  test('when the session has been idle longer than the idle limit, then 401', async () => {
    const sid = decodePart(accessToken, 1).sid as string;
    const idleMs = t.config.auth.sessionIdleDays * 24 * 3600 * 1000;
    await t.db.models.UserSession.update(
      { lastActivityAt: new Date(t.clock.now().getTime() - idleMs - 1) },
      { where: { uuid: sid } },
    );

    await expectUnauthorized(accessToken);
  });

  test('when the user has been deactivated, then 401', async () => {
    await t.db.models.User.update({ status: 'inactive' }, { where: { uuid: user.id } });

    await expectUnauthorized(accessToken);
  });

  test('when the user has been locked by an admin, then 401', async () => {
    await t.db.models.User.update({ status: 'locked' }, { where: { uuid: user.id } });

    await expectUnauthorized(accessToken);
  });

  test('when the access token row is marked revoked, then 401', async () => {
    const jti = decodePart(accessToken, 1).jti as string;
    await t.db.models.JwtToken.update({ revoked: true }, { where: { jti } });

    await expectUnauthorized(accessToken);
  });

  test('when a refresh token is used as a Bearer token, then 401', async () => {
    await expectUnauthorized(refreshToken);
  });

  test('when the role is changed in the database after issuance, then the principal carries the current role', async () => {
    await t.db.models.User.update({ role: 'reader' }, { where: { uuid: user.id } });

    const response = await authed(t.api, accessToken).get(mePath);

    expect(response.status).toBe(200);
    expect(response.body.user.role).toBe('reader');
  });
});

describe('signing-key rotation', () => {
  test('when a new kid is added, then tokens of the old kid still verify and new tokens carry the new kid', async () => {
    // A second API process restarted with a rotated key set: the old key stays for verification.
    const newKid = 'k-rotated';
    const rotated: Secrets = {
      ...t.secrets,
      jwt: { currentKid: newKid, keys: new Map([...t.secrets.jwt.keys, [newKid, randomBytes(32)]]) },
    };
    const app2 = createApp({
      config: t.config,
      db: t.db,
      logger: createLogger({ level: 'silent' }),
      secrets: rotated,
      clock: () => t.clock.now(),
    });
    const api2 = request(app2);

    const oldTokenOnNewProcess = await authed(api2, accessToken).get(mePath);
    const login2 = await api2.post('/api/v1/auth/login').send({ email: user.email, authHash: user.authHash });
    const newToken = login2.body.accessToken as string;
    const newTokenOnOldProcess = await authed(t.api, newToken).get(mePath);
    const newTokenOnNewProcess = await authed(api2, newToken).get(mePath);

    expect(oldTokenOnNewProcess.status).toBe(200);
    expect(login2.status).toBe(200);
    expect(decodePart(newToken, 0).kid).toBe(newKid);
    expect(newTokenOnNewProcess.status).toBe(200);
    // The old process does not know the new kid (it picks it up on restart).
    expect(newTokenOnOldProcess.status).toBe(401);
  });
});
