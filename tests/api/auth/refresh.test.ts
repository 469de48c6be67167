// POST /auth/refresh (DESIGN §6): rotation in a family, the idempotent reuse interval, theft
// detection after it, idle and absolute expiry — response and database state each time.
import { createHash } from 'node:crypto';
import { runCleanup } from '@secureaccess/server';
import { startTestApp, type TestApp } from '../../helpers/app';
import { authed, loginUser, registerUser, type TestUser } from '../../helpers/auth';
import { testDialect } from '../../helpers/database';

let t: TestApp;
let user: TestUser;

const refreshPath = '/api/v1/auth/refresh';
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const dayMs = 86_400_000;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  user = await registerUser(t);
});

function refresh(refreshToken: string) {
  return t.api.post(refreshPath).send({ refreshToken });
}

async function tokenRow(token: string) {
  return t.db.models.JwtToken.findOne({ where: { tokenHash: sha256(token) } });
}

/** Refresh tokens of the family that are still usable: neither used nor revoked. */
async function liveRefreshTokens(familyId: string) {
  return t.db.models.JwtToken.findAll({ where: { familyId, tokenType: 'refresh', usedAt: null, revoked: false } });
}

describe('refresh rotation', () => {
  test('when a fresh refresh token is presented, then a new pair comes back and the old token is marked used with its successor', async () => {
    const login = await loginUser(t, user);

    const response = await refresh(login.refreshToken);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      tokenType: 'Bearer',
      expiresIn: t.config.auth.accessTokenTtlSeconds,
    });
    expect(response.body.refreshToken).not.toBe(login.refreshToken);
    const parent = (await tokenRow(login.refreshToken))!;
    const child = (await tokenRow(response.body.refreshToken))!;
    expect(parent.usedAt?.getTime()).toBe(t.clock.now().getTime());
    expect(Number(child.parentId)).toBe(Number(parent.id));
    expect(child.familyId).toBe(parent.familyId);
    // The successor is kept for the reuse interval, but not readable from the database.
    expect(parent.successorCiphertext).toMatch(/^v1\./);
    expect(parent.successorCiphertext).not.toContain(response.body.refreshToken);
    expect((await liveRefreshTokens(parent.familyId!)).map((row) => row.id)).toEqual([child.id]);
    expect((await authed(t.api, response.body.accessToken).get('/api/v1/me')).status).toBe(200);
    const audit = await t.db.models.AuditLog.findOne({ where: { action: 'auth.token_refreshed' }, order: [['id', 'DESC']] });
    expect(audit).toMatchObject({ success: true, userUuid: user.id, details: { replay: false, refreshJti: child.jti } });
  });

  test('when the token just rotated is presented again within the interval, then the same successor and a fresh access token', async () => {
    const login = await loginUser(t, user);
    const first = await refresh(login.refreshToken);
    t.clock.advance((t.config.auth.refreshReuseIntervalSeconds - 1) * 1000);

    const retry = await refresh(login.refreshToken);

    expect(retry.status).toBe(200);
    expect(retry.body.refreshToken).toBe(first.body.refreshToken);
    expect(retry.body.accessToken).not.toBe(first.body.accessToken);
    const parent = (await tokenRow(login.refreshToken))!;
    expect(await liveRefreshTokens(parent.familyId!)).toHaveLength(1);
    expect((await authed(t.api, retry.body.accessToken).get('/api/v1/me')).status).toBe(200);
    expect((await authed(t.api, first.body.accessToken).get('/api/v1/me')).status).toBe(200);
  });

  test('when successors are presented in turn, then each rotates and the family keeps exactly one live token', async () => {
    let token = (await loginUser(t, user)).refreshToken;
    const familyId = (await tokenRow(token))!.familyId!;

    for (let i = 0; i < 4; i += 1) {
      t.clock.advance(60_000);
      const response = await refresh(token);
      expect(response.status).toBe(200);
      token = response.body.refreshToken;
    }

    const live = await liveRefreshTokens(familyId);
    expect(live.map((row) => row.tokenHash)).toEqual([sha256(token)]);
    expect(await t.db.models.JwtToken.count({ where: { familyId, tokenType: 'refresh' } })).toBe(5);
  });

  test('when a used token is presented after the interval, then 401 refresh_token_reused and the whole family, its session and its access tokens are revoked', async () => {
    const login = await loginUser(t, user);
    const rotated = await refresh(login.refreshToken);
    expect(rotated.status).toBe(200);
    t.clock.advance((t.config.auth.refreshReuseIntervalSeconds + 1) * 1000);

    const reuse = await refresh(login.refreshToken);

    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('refresh_token_reused');
    // The thief's (or victim's) newest tokens are dead too.
    expect((await authed(t.api, rotated.body.accessToken).get('/api/v1/me')).status).toBe(401);
    expect((await authed(t.api, login.accessToken).get('/api/v1/me')).status).toBe(401);
    const successor = await refresh(rotated.body.refreshToken);
    expect(successor.status).toBe(401);
    expect(successor.body.error.code).toBe('invalid_refresh_token');

    const parent = (await tokenRow(login.refreshToken))!;
    const { JwtToken, JwtBlacklist, UserSession, AuditLog } = t.db.models;
    const family = await JwtToken.findAll({ where: { familyId: parent.familyId } });
    expect(family.length).toBe(4); // 2 refresh + 2 access
    expect(family.every((row) => row.revoked)).toBe(true);
    expect(family.every((row) => row.successorCiphertext === null)).toBe(true);
    const session = (await UserSession.findOne({ where: { familyId: parent.familyId! } }))!;
    expect(session).toMatchObject({ isActive: false, revokedReason: 'token_reuse' });
    const accessJtis = family.filter((row) => row.tokenType === 'access').map((row) => row.jti).sort();
    const blacklisted = await JwtBlacklist.findAll({ where: { jti: accessJtis } });
    expect(blacklisted.map((row) => row.jti).sort()).toEqual(accessJtis);
    expect(blacklisted.every((row) => row.reason === 'token_reuse')).toBe(true);
    const audit = await AuditLog.findOne({ where: { action: 'auth.token_reuse_detected', userUuid: user.id } });
    expect(audit).toMatchObject({ success: false, targetType: 'session', targetId: session.uuid });
    expect(audit!.details).toMatchObject({ reusedJti: parent.jti, familyId: parent.familyId });
  });

  test('when the reuse interval is 0, then any second presentation is theft', async () => {
    const strict = await startTestApp({ env: { REFRESH_REUSE_INTERVAL_SECONDS: '0' } });
    try {
      const strictUser = await registerUser(strict);
      const login = await loginUser(strict, strictUser);
      await strict.api.post(refreshPath).send({ refreshToken: login.refreshToken }).expect(200);
      strict.clock.advance(1);

      const again = await strict.api.post(refreshPath).send({ refreshToken: login.refreshToken });

      expect(again.status).toBe(401);
      expect(again.body.error.code).toBe('refresh_token_reused');
    } finally {
      await strict.close();
    }
  });

  test('when an unknown token is presented, then 401 invalid_refresh_token and nothing changes', async () => {
    const before = await t.db.models.AuditLog.count();

    const response = await refresh('A'.repeat(43));

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('invalid_refresh_token');
    expect(await t.db.models.AuditLog.count()).toBe(before);
  });

  test('when the token is malformed, then 400', async () => {
    expect((await refresh('short')).status).toBe(400);
    expect((await t.api.post(refreshPath).send({ refreshToken: 'A'.repeat(43), extra: 1 })).status).toBe(400);
  });

  test('when the session was idle for longer than the idle limit, then 401 invalid_refresh_token', async () => {
    const login = await loginUser(t, user);
    t.clock.advance(t.config.auth.sessionIdleDays * dayMs + 1);

    const response = await refresh(login.refreshToken);

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('invalid_refresh_token');
    expect((await tokenRow(login.refreshToken))!.usedAt).toBeNull();
  });

  test('when refreshed within the idle limit, then the session lives on past 7 days, until its 60-day absolute end', async () => {
    let token = (await loginUser(t, user)).refreshToken;
    const stepMs = 6 * dayMs;
    const steps = Math.ceil((t.config.auth.sessionAbsoluteDays * dayMs) / stepMs) - 1; // the last one before the end

    for (let i = 0; i < steps; i += 1) {
      t.clock.advance(stepMs);
      const response = await refresh(token);
      expect(response.status).toBe(200);
      token = response.body.refreshToken;
    }
    // The successor's expiry is capped at the session's absolute end.
    const last = (await tokenRow(token))!;
    const session = (await t.db.models.UserSession.findByPk(last.sessionId!))!;
    expect(last.expiresAt.getTime()).toBe(session.expiresAt.getTime());
    t.clock.advance(session.expiresAt.getTime() - t.clock.now().getTime());

    const response = await refresh(token);

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('invalid_refresh_token');
  });

  test('when rememberMe was off, then refreshing does not carry the session past 7 days', async () => {
    let token = (await loginUser(t, user, { rememberMe: false })).refreshToken;
    t.clock.advance(4 * dayMs);
    token = (await refresh(token)).body.refreshToken;
    t.clock.advance(3 * dayMs);

    const response = await refresh(token);

    expect(response.status).toBe(401);
  });

  test('when the user is deactivated, then refresh is refused', async () => {
    const login = await loginUser(t, user);
    await t.db.models.User.update({ status: 'inactive' }, { where: { uuid: user.id } });

    const response = await refresh(login.refreshToken);

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('invalid_refresh_token');
  });

  test('when the cleanup runs after the reuse interval, then successor ciphertexts are wiped and expired tokens purged', async () => {
    const login = await loginUser(t, user);
    await refresh(login.refreshToken).expect(200);
    const parentId = (await tokenRow(login.refreshToken))!.id;
    const accessJti = (await t.db.models.JwtToken.findOne({ where: { tokenType: 'access' }, order: [['id', 'DESC']] }))!.jti;

    t.clock.advance((t.config.auth.refreshReuseIntervalSeconds + 1) * 1000);
    await runCleanup({ db: t.db, config: t.config, clock: () => t.clock.now() });
    expect((await t.db.models.JwtToken.findByPk(parentId))!.successorCiphertext).toBeNull();

    t.clock.advance(t.config.auth.accessTokenTtlSeconds * 1000);
    await runCleanup({ db: t.db, config: t.config, clock: () => t.clock.now() });
    expect(await t.db.models.JwtToken.count({ where: { jti: accessJti } })).toBe(0);
  });
});

// Both dialects: on SQLite the statements outside a transaction share one connection, and a write
// among them waits for the transaction's writer; if the waiting statements held every thread of
// the libuv pool, the transaction's next statement could not run and all waited out the busy
// timeout (SQLITE_BUSY, 503) — what the auth bench met when the raw statements left
// node-sqlite3's serialized mode (session 7).
describe('refresh rotation with many sessions at once', () => {
  test('when 16 sessions rotate at the same time, three rounds, then every rotation answers 200 with a new pair', async () => {
    const tokens = await Promise.all(Array.from({ length: 16 }, async () => (await loginUser(t, await registerUser(t))).refreshToken));
    const statuses: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      const responses = await Promise.all(tokens.map((token) => refresh(token)));
      responses.forEach((response, i) => {
        statuses.push(response.status);
        if (response.status === 200) tokens[i] = response.body.refreshToken;
      });
    }

    expect(statuses).toEqual(Array(48).fill(200));
  });
});

// Races need a database with row locks and concurrent transactions: MariaDB only (SQLite runs one
// writer at a time, so there is nothing to race).
if (testDialect() === 'mysql') {
  describe('refresh rotation under concurrency (MariaDB)', () => {
    test('when 50 refreshes with one token run at once, then all get 200 with the identical successor and the family keeps one live token', async () => {
      const login = await loginUser(t, user);
      const familyId = (await tokenRow(login.refreshToken))!.familyId!;

      const responses = await Promise.all(Array.from({ length: 50 }, () => refresh(login.refreshToken)));

      expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
      const successors = new Set(responses.map((response) => response.body.refreshToken as string));
      expect(successors.size).toBe(1);
      const [successor] = [...successors];
      expect(successor).not.toBe(login.refreshToken);
      expect(new Set(responses.map((response) => response.body.accessToken)).size).toBe(50);
      const live = await liveRefreshTokens(familyId);
      expect(live.map((row) => row.tokenHash)).toEqual([sha256(successor!)]);
      expect(await t.db.models.JwtToken.count({ where: { familyId, tokenType: 'refresh' } })).toBe(2);
      expect(await t.db.models.JwtToken.count({ where: { familyId, tokenType: 'access', revoked: false } })).toBe(51);
      expect((await authed(t.api, responses[49]!.body.accessToken).get('/api/v1/me')).status).toBe(200);
      expect((await refresh(successor!)).status).toBe(200);
    });
  });
}
