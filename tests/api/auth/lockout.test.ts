// Lockout and per-IP rate limits (DESIGN §6, issue item 5): 5 failures lock an identifier for 30
// minutes whether or not the account exists, every attempt is a login_attempts row, and the
// rate-limit counters live in the database so every API process shares them.
import { createApp, createLogger, unlockUser } from '@secureaccess/server';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../helpers/app';
import { attemptLogin, authed, deriveTestKeys, loginUser, registerUser, uniqueEmail, type TestUser } from '../../helpers/auth';

let t: TestApp;
let user: TestUser;
let wrongHash: string;

const minuteMs = 60_000;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  user = await registerUser(t);
  ({ authHash: wrongHash } = await deriveTestKeys('not the password', user.salt));
});

function withoutRequestId(body: { error: Record<string, unknown> }) {
  const { requestId: _requestId, ...error } = body.error;
  return { error };
}

async function failTimes(email: string, times: number) {
  const statuses: number[] = [];
  for (let i = 0; i < times; i += 1) statuses.push((await attemptLogin(t, { email, authHash: wrongHash })).status);
  return statuses;
}

describe('lockout', () => {
  test('when 5 logins fail, then the 6th is 423, the right password on the 7th is 423, and after 30 minutes it works', async () => {
    const statuses = await failTimes(user.email, 5);
    const sixth = await attemptLogin(t, { email: user.email, authHash: wrongHash });
    t.clock.advance(29 * minuteMs);
    const seventh = await attemptLogin(t, user);

    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(sixth.status).toBe(423);
    expect(sixth.body.error.code).toBe('account_locked');
    expect(sixth.headers['retry-after']).toBe(String(30 * 60));
    expect(seventh.status).toBe(423);
    expect(seventh.headers['retry-after']).toBe(String(60));
    const { User, LoginAttempt, AuditLog, UserSession } = t.db.models;
    const dbUser = (await User.findOne({ where: { uuid: user.id } }))!;
    expect(dbUser.failedLoginAttempts).toBe(5);
    expect(dbUser.lockedUntil?.getTime()).toBe(t.clock.now().getTime() - 29 * minuteMs + 30 * minuteMs);
    const attempts = await LoginAttempt.findAll({ where: { identifier: user.email }, order: [['id', 'ASC']] });
    expect(attempts.map((a) => a.failureReason)).toEqual([...Array(5).fill('invalid_credentials'), 'account_locked', 'account_locked']);
    expect(await AuditLog.count({ where: { action: 'auth.lockout', userId: dbUser.id } })).toBe(1);
    expect(await UserSession.count({ where: { userId: dbUser.id } })).toBe(0);

    t.clock.advance(minuteMs);
    const afterLock = await attemptLogin(t, user);

    expect(afterLock.status).toBe(200);
    const after = (await User.findByPk(dbUser.id))!;
    expect(after.failedLoginAttempts).toBe(0);
    expect(after.lockedUntil).toBeNull();
  });

  test('when 5 logins for an unknown email fail, then it locks exactly like a real account, with the same answer', async () => {
    const ghost = uniqueEmail('ghost');

    const ghostStatuses = await failTimes(ghost, 5);
    const realStatuses = await failTimes(user.email, 5);
    const ghostLocked = await attemptLogin(t, { email: ghost, authHash: wrongHash });
    const realLocked = await attemptLogin(t, { email: user.email, authHash: wrongHash });

    expect(ghostStatuses).toEqual(realStatuses);
    expect(ghostLocked.status).toBe(423);
    expect(realLocked.status).toBe(423);
    expect(withoutRequestId(ghostLocked.body)).toEqual(withoutRequestId(realLocked.body));
    expect(ghostLocked.headers['retry-after']).toBe(realLocked.headers['retry-after']);
    expect(await t.db.models.LoginAttempt.count({ where: { identifier: ghost, success: false } })).toBe(6);
    expect(await t.db.models.AuditLog.findOne({ where: { action: 'auth.lockout', userId: null }, order: [['id', 'DESC']] })).toMatchObject({
      details: expect.objectContaining({ identifier: ghost }),
    });
  });

  test('when failures are spread over more than the window, then they do not lock', async () => {
    await failTimes(user.email, 4);
    t.clock.advance(31 * minuteMs);
    await failTimes(user.email, 4);

    const response = await attemptLogin(t, user);

    expect(response.status).toBe(200);
  });

  test('when a login succeeds between failures, then the count starts again', async () => {
    await failTimes(user.email, 4);
    await loginUser(t, user);
    await failTimes(user.email, 4);

    const response = await attemptLogin(t, user);

    expect(response.status).toBe(200);
  });

  test('when attempts keep coming during a lock, then they do not extend it', async () => {
    await failTimes(user.email, 5);
    for (let i = 0; i < 5; i += 1) {
      t.clock.advance(5 * minuteMs);
      expect((await attemptLogin(t, { email: user.email, authHash: wrongHash })).status).toBe(423);
    }
    t.clock.advance(5 * minuteMs);

    expect((await attemptLogin(t, user)).status).toBe(200);
  });

  test('when an admin unlocks a locked user, then the right password works at once and the unlock is audited', async () => {
    await failTimes(user.email, 5);
    const dbUser = (await t.db.models.User.findOne({ where: { uuid: user.id } }))!;
    await dbUser.update({ status: 'locked' });

    const unlocked = await unlockUser(t.db, Number(dbUser.id), { meta: { ip: '203.0.113.1', userAgent: 'admin-console', now: t.clock.now() } });

    expect(unlocked).toBe(true);
    expect((await attemptLogin(t, user)).status).toBe(200);
    const after = (await t.db.models.User.findByPk(dbUser.id))!;
    expect(after).toMatchObject({ status: 'active', failedLoginAttempts: 0, lockedUntil: null });
    expect(await t.db.models.AuditLog.findOne({ where: { action: 'auth.unlock', targetId: user.id } })).toMatchObject({
      success: true,
      details: { statusWasLocked: true },
    });
    expect(await unlockUser(t.db, 999_999, { meta: { ip: null, userAgent: null, now: t.clock.now() } })).toBe(false);
  });
});

describe('per-IP rate limits', () => {
  let limited: TestApp;

  beforeEach(async () => {
    limited = await startTestApp({ env: { AUTH_RATE_LIMIT_MAX: '3', AUTH_RATE_LIMIT_WINDOW_SECONDS: '60', REFRESH_RATE_LIMIT_MAX: '2' } });
  });
  afterEach(async () => {
    await limited.close();
  });

  test('when an IP goes over the login limit, then 429 with Retry-After, counted in rate_limits, and the next window is open again', async () => {
    const email = uniqueEmail('limited');
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await attemptLogin(limited, { email, authHash: wrongHash })).status);
    const over = await attemptLogin(limited, { email, authHash: wrongHash });

    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('rate_limited');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(60);
    const rows = await limited.db.models.RateLimit.findAll({ where: {} });
    expect(rows.find((row) => row.bucketKey.startsWith('login:'))?.count).toBe(5);
    // Refused before any password check: the refused attempts are not login attempts.
    expect(await limited.db.models.LoginAttempt.count({ where: { identifier: email } })).toBe(3);

    limited.clock.advance(60_000);
    expect((await attemptLogin(limited, { email, authHash: wrongHash })).status).toBe(401);
  });

  test('when ten logins from one IP arrive at once, then exactly the limit get through and the counter holds all ten', async () => {
    const email = uniqueEmail('burst');
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => limited.api.post('/api/v1/auth/login').send({ email, authHash: wrongHash }).then((r) => r.status)),
    );

    expect(statuses.filter((status) => status === 401)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(7);
    const rows = await limited.db.models.RateLimit.findAll({ where: {} });
    expect(rows.find((row) => row.bucketKey.startsWith('login:'))?.count).toBe(10);
  });

  test('when two API processes share the database, then they share the counter', async () => {
    const second = request(
      createApp({ config: limited.config, db: limited.db, logger: createLogger({ level: 'silent' }), secrets: limited.secrets, clock: () => limited.clock.now() }),
    );
    const email = uniqueEmail('shared');
    const body = { email, authHash: wrongHash };

    const results = [
      (await limited.api.post('/api/v1/auth/login').send(body)).status,
      (await second.post('/api/v1/auth/login').send(body)).status,
      (await limited.api.post('/api/v1/auth/login').send(body)).status,
      (await second.post('/api/v1/auth/login').send(body)).status,
    ];

    expect(results).toEqual([401, 401, 401, 429]);
  });

  test('when prelogin goes over its limit, then 429 — and login keeps its own bucket', async () => {
    const preloginStatuses = [];
    for (let i = 0; i < 4; i += 1) preloginStatuses.push((await limited.api.post('/api/v1/auth/prelogin').send({ email: uniqueEmail() })).status);

    expect(preloginStatuses).toEqual([200, 200, 200, 429]);
    expect((await attemptLogin(limited, { email: uniqueEmail(), authHash: wrongHash })).status).toBe(401);
  });

  test('when two-factor codes are tried too often from one IP, then 429 before the code is checked', async () => {
    const limitedUser = await registerUser(limited);
    const login = await loginUser(limited, limitedUser);
    const api = authed(limited.api, login.accessToken);
    await api.post('/api/v1/mfa/totp/setup').send({}).expect(200);
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await api.post('/api/v1/mfa/totp/enable').send({ code: '000000' })).status);

    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(await limited.db.models.LoginAttempt.count({ where: { identifier: limitedUser.email, failureReason: 'invalid_mfa_code' } })).toBe(3);
  });

  test('when refreshes go over their limit, then 429', async () => {
    const limitedUser = await registerUser(limited);
    const login = await loginUser(limited, limitedUser);
    let token = login.refreshToken;
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await limited.api.post('/api/v1/auth/refresh').send({ refreshToken: token });
      statuses.push(response.status);
      if (response.status === 200) token = response.body.refreshToken;
    }

    expect(statuses).toEqual([200, 200, 429]);
  });
});
