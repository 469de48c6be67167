// Sessions, logout and logout-all (DESIGN §6, §7): one session per login, at most 5 live (the
// oldest revoked first), own sessions only, and revocation seen by the next request on every
// API process.
import { createApp, createLogger } from '@secureaccess/server';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../helpers/app';
import { attemptLogin, authed, deriveTestKeys, loginUser, registerUser, type TestUser } from '../../helpers/auth';
import { testDialect } from '../../helpers/database';

let t: TestApp;
let user: TestUser;

const sessionsPath = '/api/v1/sessions';
const mePath = '/api/v1/me';

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  user = await registerUser(t);
});

function sessionUuidOf(accessToken: string): string {
  return JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()).sid as string;
}

async function dbUserId(u: TestUser): Promise<number> {
  return Number((await t.db.models.User.findOne({ where: { uuid: u.id } }))!.id);
}

describe('sessions', () => {
  test('when the user lists sessions, then every live one is there with its device and the current one is marked', async () => {
    const phone = await loginUser(t, user, { device: { name: 'Phone', type: 'mobile' }, userAgent: 'phone-agent' });
    t.clock.advance(1000);
    const laptop = await loginUser(t, user, { device: { name: 'Laptop', type: 'extension' }, userAgent: 'laptop-agent' });

    const response = await authed(t.api, laptop.accessToken).get(sessionsPath);

    expect(response.status).toBe(200);
    expect(response.body.sessions).toEqual([
      expect.objectContaining({ id: sessionUuidOf(laptop.accessToken), deviceName: 'Laptop', deviceType: 'extension', userAgent: 'laptop-agent', current: true }),
      expect.objectContaining({ id: sessionUuidOf(phone.accessToken), deviceName: 'Phone', deviceType: 'mobile', userAgent: 'phone-agent', current: false }),
    ]);
    expect(response.body.sessions[0]).toMatchObject({
      ip: expect.any(String),
      loginAt: t.clock.now().toISOString(),
      lastActivityAt: t.clock.now().toISOString(),
    });
  });

  test('when the 6th login happens, then the oldest session is revoked with its tokens, and 5 stay live', async () => {
    const logins = [];
    for (let i = 0; i < 6; i += 1) {
      logins.push(await loginUser(t, user, { device: { name: `device ${i}`, type: 'browser' } }));
      t.clock.advance(1000);
    }
    const [oldest, ...rest] = logins;

    const list = await authed(t.api, rest[4]!.accessToken).get(sessionsPath);

    expect(list.body.sessions.map((s: { deviceName: string }) => s.deviceName).sort()).toEqual(
      ['device 1', 'device 2', 'device 3', 'device 4', 'device 5'],
    );
    expect((await authed(t.api, oldest!.accessToken).get(mePath)).status).toBe(401);
    expect((await t.api.post('/api/v1/auth/refresh').send({ refreshToken: oldest!.refreshToken })).status).toBe(401);
    expect((await authed(t.api, rest[0]!.accessToken).get(mePath)).status).toBe(200);
    const { UserSession, JwtBlacklist, AuditLog } = t.db.models;
    const revoked = (await UserSession.findOne({ where: { uuid: sessionUuidOf(oldest!.accessToken) } }))!;
    expect(revoked).toMatchObject({ isActive: false, revokedReason: 'session_limit' });
    expect(await UserSession.count({ where: { userId: await dbUserId(user), isActive: true } })).toBe(5);
    const oldestJti = JSON.parse(Buffer.from(oldest!.accessToken.split('.')[1]!, 'base64url').toString()).jti;
    expect(await JwtBlacklist.count({ where: { jti: oldestJti } })).toBe(1);
    expect(await AuditLog.findOne({ where: { action: 'session.revoked', targetId: revoked.uuid } })).toMatchObject({
      success: true,
      details: { reason: 'session_limit', deviceName: 'device 0' },
    });
  });

  test('when the user deletes one of their sessions, then it is revoked at once and audited', async () => {
    const keep = await loginUser(t, user);
    const drop = await loginUser(t, user);
    const dropId = sessionUuidOf(drop.accessToken);

    const response = await authed(t.api, keep.accessToken).delete(`${sessionsPath}/${dropId}`);

    expect(response.status).toBe(204);
    expect((await authed(t.api, drop.accessToken).get(mePath)).status).toBe(401);
    expect((await t.api.post('/api/v1/auth/refresh').send({ refreshToken: drop.refreshToken })).status).toBe(401);
    expect((await authed(t.api, keep.accessToken).get(mePath)).status).toBe(200);
    expect(await t.db.models.UserSession.findOne({ where: { uuid: dropId } })).toMatchObject({ isActive: false, revokedReason: 'revoked_by_user' });
    expect(await t.db.models.AuditLog.findOne({ where: { action: 'session.revoked', targetId: dropId } })).toMatchObject({
      userUuid: user.id,
      success: true,
    });
  });

  test("when a user deletes another user's session, then 404 and that session stays live", async () => {
    const mine = await loginUser(t, user);
    const other = await registerUser(t);
    const theirs = await loginUser(t, other);
    const theirId = sessionUuidOf(theirs.accessToken);

    const response = await authed(t.api, mine.accessToken).delete(`${sessionsPath}/${theirId}`);

    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
    expect(await t.db.models.UserSession.findOne({ where: { uuid: theirId } })).toMatchObject({ isActive: true });
    expect((await authed(t.api, theirs.accessToken).get(mePath)).status).toBe(200);
  });

  test('when the session id is unknown or malformed, then 404 or 400', async () => {
    const mine = await loginUser(t, user);

    expect((await authed(t.api, mine.accessToken).delete(`${sessionsPath}/6f1c2b4a-9d8e-4f7a-b6c5-d4e3f2a1b0c9`)).status).toBe(404);
    expect((await authed(t.api, mine.accessToken).delete(`${sessionsPath}/not-a-uuid`)).status).toBe(400);
  });

  test('when the user logs out, then the current session ends and its tokens are refused', async () => {
    const other = await loginUser(t, user);
    const current = await loginUser(t, user);

    const response = await authed(t.api, current.accessToken).post('/api/v1/auth/logout').send({ refreshToken: current.refreshToken });

    expect(response.status).toBe(204);
    expect((await authed(t.api, current.accessToken).get(mePath)).status).toBe(401);
    expect((await t.api.post('/api/v1/auth/refresh').send({ refreshToken: current.refreshToken })).status).toBe(401);
    expect((await authed(t.api, other.accessToken).get(mePath)).status).toBe(200);
    const session = await t.db.models.UserSession.findOne({ where: { uuid: sessionUuidOf(current.accessToken) } });
    expect(session).toMatchObject({ isActive: false, revokedReason: 'logout' });
    expect(await t.db.models.AuditLog.findOne({ where: { action: 'auth.logout', userUuid: user.id } })).toMatchObject({ success: true });
  });

  test("when logout names the refresh token of another of the user's sessions, then that session ends too", async () => {
    const other = await loginUser(t, user);
    const current = await loginUser(t, user);

    await authed(t.api, current.accessToken).post('/api/v1/auth/logout').send({ refreshToken: other.refreshToken }).expect(204);

    expect((await authed(t.api, other.accessToken).get(mePath)).status).toBe(401);
    expect((await authed(t.api, current.accessToken).get(mePath)).status).toBe(401);
  });

  test("when logout names another user's refresh token, then only the caller's session ends", async () => {
    const stranger = await registerUser(t);
    const theirs = await loginUser(t, stranger);
    const current = await loginUser(t, user);

    await authed(t.api, current.accessToken).post('/api/v1/auth/logout').send({ refreshToken: theirs.refreshToken }).expect(204);

    expect((await authed(t.api, theirs.accessToken).get(mePath)).status).toBe(200);
  });

  test('when the user logs out everywhere, then every session ends, this one included', async () => {
    const a = await loginUser(t, user);
    const b = await loginUser(t, user);

    const response = await authed(t.api, a.accessToken).post('/api/v1/auth/logout-all').send({});

    expect(response.status).toBe(204);
    for (const login of [a, b]) {
      expect((await authed(t.api, login.accessToken).get(mePath)).status).toBe(401);
      expect((await t.api.post('/api/v1/auth/refresh').send({ refreshToken: login.refreshToken })).status).toBe(401);
    }
    expect(await t.db.models.UserSession.count({ where: { userId: await dbUserId(user), isActive: true } })).toBe(0);
    expect(await t.db.models.AuditLog.findOne({ where: { action: 'auth.logout_all', userUuid: user.id } })).toMatchObject({
      details: { sessions: 2 },
    });
  });

  test('when logout-all is posted by fetch without any body, then it is read as an empty body (204, not 415)', async () => {
    const login = await loginUser(t, user);

    const response = await fetch(`${t.baseUrl}/api/v1/auth/logout-all`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${login.accessToken}` },
    });

    expect(response.status).toBe(204);
    expect((await authed(t.api, login.accessToken).get(mePath)).status).toBe(401);
  });

  test('when a session is revoked through one API process, then the next request on another process is refused', async () => {
    // A second process: its own app instance and connection pool on the same database.
    const other = createApp({ config: t.config, db: t.db, logger: createLogger({ level: 'silent' }), secrets: t.secrets, clock: () => t.clock.now() });
    const api2 = request(other);
    const login = await loginUser(t, user);
    expect((await authed(api2, login.accessToken).get(mePath)).status).toBe(200);

    await authed(t.api, login.accessToken).post('/api/v1/auth/logout').send({}).expect(204);

    expect((await authed(api2, login.accessToken).get(mePath)).status).toBe(401);
  });
});

// Concurrent logins need concurrent transactions: MariaDB only.
if (testDialect() === 'mysql') {
  describe('sessions under concurrency (MariaDB)', () => {
    test('when eight logins of one user run at once, then all succeed and at most five sessions stay live', async () => {
      const logins = await Promise.all(Array.from({ length: 8 }, () => loginUser(t, user)));

      expect(logins).toHaveLength(8);
      expect(await t.db.models.UserSession.count({ where: { userId: await dbUserId(user), isActive: true } })).toBe(5);
      const working = await Promise.all(logins.map((login) => authed(t.api, login.accessToken).get(mePath)));
      expect(working.filter((response) => response.status === 200)).toHaveLength(5);
    });

    test('when logins, wrong passwords, refreshes and logouts of one user run at once, then no request fails with a 500', async () => {
      const { authHash: wrongHash } = await deriveTestKeys('wrong', user.salt);
      const [a, b] = [await loginUser(t, user), await loginUser(t, user)];

      const responses = await Promise.all([
        ...Array.from({ length: 3 }, () => attemptLogin(t, user)),
        ...Array.from({ length: 3 }, () => attemptLogin(t, { email: user.email, authHash: wrongHash })),
        ...Array.from({ length: 4 }, () => t.api.post('/api/v1/auth/refresh').send({ refreshToken: a.refreshToken })),
        authed(t.api, b.accessToken).post('/api/v1/auth/logout').send({}),
        authed(t.api, a.accessToken).delete(`${sessionsPath}/${sessionUuidOf(b.accessToken)}`),
      ]);

      expect(responses.filter((response) => response.status >= 500).map((response) => response.body)).toEqual([]);
    });
  });
}
