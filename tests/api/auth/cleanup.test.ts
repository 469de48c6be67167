// What the cleanup job (runCleanup: the interval job and `db:cleanup`) does to auth data, and the
// successor wipe that rotation does itself (DESIGN §4, §6; issue item 10).
import { createHash } from 'node:crypto';
import { runCleanup } from '@secureaccess/server';
import { startTestApp, type TestApp } from '../../helpers/app';
import { attemptLogin, authed, deriveTestKeys, loginUser, registerUser, type TestUser } from '../../helpers/auth';

let t: TestApp;
let user: TestUser;

const dayMs = 86_400_000;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const cleanup = () => runCleanup({ db: t.db, config: t.config, clock: () => t.clock.now() });

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  user = await registerUser(t);
});

describe('auth cleanup', () => {
  test('when a successor is rotated again after the interval, then the earlier successor ciphertext is wiped at once', async () => {
    const login = await loginUser(t, user);
    const first = await t.api.post('/api/v1/auth/refresh').send({ refreshToken: login.refreshToken });
    t.clock.advance((t.config.auth.refreshReuseIntervalSeconds + 1) * 1000);

    await t.api.post('/api/v1/auth/refresh').send({ refreshToken: first.body.refreshToken }).expect(200);

    const parent = (await t.db.models.JwtToken.findOne({ where: { tokenHash: sha256(login.refreshToken) } }))!;
    const child = (await t.db.models.JwtToken.findOne({ where: { tokenHash: sha256(first.body.refreshToken) } }))!;
    expect(parent.successorCiphertext).toBeNull();
    expect(child.successorCiphertext).not.toBeNull(); // still within its own interval
  });

  test('when the cleanup runs, then expired tokens and blacklist rows, old attempts and long-ended sessions go, and live data stays', async () => {
    const old = await loginUser(t, user);
    await authed(t.api, old.accessToken).post('/api/v1/auth/logout').send({}).expect(204);
    const { authHash: wrong } = await deriveTestKeys('wrong', user.salt);
    await attemptLogin(t, { email: user.email, authHash: wrong });
    const oldSid = JSON.parse(Buffer.from(old.accessToken.split('.')[1]!, 'base64url').toString()).sid;
    t.clock.advance((t.config.loginAttemptsRetentionDays + 1) * dayMs);
    const live = await loginUser(t, user);

    const result = await cleanup();

    expect(result.endedSessionsPurged).toBeGreaterThanOrEqual(1);
    const { UserSession, JwtToken, JwtBlacklist, LoginAttempt } = t.db.models;
    expect(await UserSession.count({ where: { uuid: oldSid } })).toBe(0);
    expect(await JwtToken.count({ where: { tokenHash: [sha256(old.accessToken), sha256(old.refreshToken)] } })).toBe(0);
    expect(await JwtBlacklist.count({ where: { tokenHash: sha256(old.accessToken) } })).toBe(0);
    expect(await LoginAttempt.count({ where: { identifier: user.email, failureReason: 'invalid_credentials' } })).toBe(0);
    // The session opened after the jump is untouched and works.
    expect((await authed(t.api, live.accessToken).get('/api/v1/me')).status).toBe(200);
    expect((await t.api.post('/api/v1/auth/refresh').send({ refreshToken: live.refreshToken })).status).toBe(200);
  });

  test('when a blacklisted access token expires, then the cleanup removes its blacklist row, and not before', async () => {
    const login = await loginUser(t, user);
    await authed(t.api, login.accessToken).post('/api/v1/auth/logout').send({}).expect(204);
    const jti = JSON.parse(Buffer.from(login.accessToken.split('.')[1]!, 'base64url').toString()).jti;

    await cleanup();
    const before = await t.db.models.JwtBlacklist.count({ where: { jti } });
    t.clock.advance(t.config.auth.accessTokenTtlSeconds * 1000 + 1);
    await cleanup();
    const after = await t.db.models.JwtBlacklist.count({ where: { jti } });

    expect(before).toBe(1);
    expect(after).toBe(0);
  });
});
