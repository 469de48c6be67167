// POST /auth/login (DESIGN §5.4, §6, §7): tokens, session, attempts and audit rows; the same
// answer and cost for a wrong password and an unknown email; rehash on changed argon2 parameters.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { errorBodySchema } from '@secureaccess/shared/contract';
import { startTestApp, type TestApp } from '../../helpers/app';
import { attemptLogin, deriveTestKeys, loginUser, registerUser, uniqueEmail } from '../../helpers/auth';

// argon2 is the server's dependency; load the same build the server uses.
const serverRequire = createRequire(require.resolve('@secureaccess/server'));
const argon2 = serverRequire('argon2') as {
  hash(secret: Buffer, options: { type: number; memoryCost: number; timeCost: number; parallelism: number }): Promise<string>;
  argon2id: number;
};

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function withoutRequestId(body: { error: Record<string, unknown> }) {
  const { requestId: _requestId, ...error } = body.error;
  return { error };
}

describe('login', () => {
  test('when the auth hash is right, then tokens, the user, the keys, a session and the audit row', async () => {
    const user = await registerUser(t);

    const response = await attemptLogin(t, user, { device: { name: 'Work laptop', type: 'extension' }, userAgent: 'jest-agent/1.0' });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: t.config.auth.accessTokenTtlSeconds,
      user: { id: user.id, email: user.email, firstName: user.firstName, lastName: user.lastName, role: user.role },
      keys: { kdf: user.registerBody.kdf, salt: user.salt, keyVersion: 1, wrappedUserKey: user.registerBody.wrappedUserKey },
    });
    expect(response.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { UserSession, JwtToken, LoginAttempt, AuditLog, User } = t.db.models;
    const dbUser = (await User.findOne({ where: { uuid: user.id } }))!;
    const session = (await UserSession.findOne({ where: { userId: dbUser.id } }))!;
    expect(session).toMatchObject({ deviceName: 'Work laptop', deviceType: 'extension', userAgent: 'jest-agent/1.0', isActive: true, rememberMe: true });
    expect(session.expiresAt.getTime() - t.clock.now().getTime()).toBe(t.config.auth.sessionAbsoluteDays * 86_400_000);
    const tokens = await JwtToken.findAll({ where: { sessionId: session.id }, order: [['tokenType', 'ASC']] });
    expect(tokens.map((row) => [row.tokenType, row.tokenHash, row.familyId])).toEqual([
      ['access', sha256(response.body.accessToken), session.familyId],
      ['refresh', sha256(response.body.refreshToken), session.familyId],
    ]);
    expect(dbUser.lastLoginAt?.getTime()).toBe(t.clock.now().getTime());
    expect(await LoginAttempt.findAll({ where: { identifier: user.email } })).toEqual([
      expect.objectContaining({ success: true, userId: dbUser.id, failureReason: null, userAgent: 'jest-agent/1.0' }),
    ]);
    const audit = (await AuditLog.findOne({ where: { action: 'auth.login', userId: dbUser.id } }))!;
    expect(audit).toMatchObject({ success: true, targetType: 'session', targetId: session.uuid, userAgent: 'jest-agent/1.0' });
    expect(Number(audit.jwtTokenId)).toBe(Number(tokens[0]!.id));
  });

  test('when rememberMe is false, then the session ends after the idle limit instead of 60 days', async () => {
    const user = await registerUser(t);

    await loginUser(t, user, { rememberMe: false });

    const dbUser = (await t.db.models.User.findOne({ where: { uuid: user.id } }))!;
    const session = (await t.db.models.UserSession.findOne({ where: { userId: dbUser.id } }))!;
    expect(session.rememberMe).toBe(false);
    expect(session.expiresAt.getTime() - t.clock.now().getTime()).toBe(t.config.auth.sessionIdleDays * 86_400_000);
  });

  test('when the password is wrong or the email unknown, then the same 401 invalid_credentials and both attempts recorded', async () => {
    const user = await registerUser(t);
    const { authHash: wrongHash } = await deriveTestKeys('not the password', user.salt);
    const unknownEmail = uniqueEmail('nobody');

    const wrong = await attemptLogin(t, { email: user.email, authHash: wrongHash });
    const unknown = await attemptLogin(t, { email: unknownEmail, authHash: wrongHash });

    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(errorBodySchema.parse(wrong.body).error.code).toBe('invalid_credentials');
    expect(withoutRequestId(wrong.body)).toEqual(withoutRequestId(unknown.body));
    expect(Object.keys(wrong.headers).sort()).toEqual(Object.keys(unknown.headers).sort());
    const { LoginAttempt, AuditLog, User } = t.db.models;
    const dbUser = (await User.findOne({ where: { uuid: user.id } }))!;
    expect(await LoginAttempt.findAll({ where: { identifier: [user.email, unknownEmail] }, order: [['id', 'ASC']] })).toEqual([
      expect.objectContaining({ identifier: user.email, userId: dbUser.id, success: false, failureReason: 'invalid_credentials' }),
      expect.objectContaining({ identifier: unknownEmail, userId: null, success: false, failureReason: 'invalid_credentials' }),
    ]);
    expect(dbUser.failedLoginAttempts).toBe(1);
    const failures = await AuditLog.findAll({ where: { action: 'auth.login', success: false }, order: [['id', 'DESC']], limit: 2 });
    expect(failures.map((row) => row.details)).toEqual([
      { reason: 'invalid_credentials', identifier: unknownEmail },
      { reason: 'invalid_credentials' },
    ]);
  });

  test('when wrong passwords and unknown emails are timed, then both cost an argon2 verification', async () => {
    const user = await registerUser(t);
    const { authHash: wrongHash } = await deriveTestKeys('not the password', user.salt);
    const time = async (email: string) => {
      const started = process.hrtime.bigint();
      const response = await attemptLogin(t, { email, authHash: wrongHash });
      expect(response.status).toBe(401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const known: number[] = [];
    const unknown: number[] = [];
    // Interleaved, and each user gets a fresh identifier so no lock kicks in.
    for (let i = 0; i < 4; i += 1) {
      known.push(await time(user.email));
      unknown.push(await time(uniqueEmail('timing')));
    }

    const knownMs = median(known);
    const unknownMs = median(unknown);
    // eslint-disable-next-line no-console
    console.info(`login timing (median of 4): wrong password ${knownMs.toFixed(1)} ms, unknown email ${unknownMs.toFixed(1)} ms`);
    // Without the dummy verification an unknown email would answer in a fraction of the time.
    expect(unknownMs).toBeGreaterThan(knownMs * 0.6);
    expect(knownMs).toBeGreaterThan(unknownMs * 0.6);
  });

  test('when the stored hash has other argon2 parameters, then login succeeds and rehashes with the current ones', async () => {
    const user = await registerUser(t);
    const old = await argon2.hash(Buffer.from(user.authHash, 'base64'), { type: argon2.argon2id, memoryCost: 8_192, timeCost: 1, parallelism: 1 });
    await t.db.models.User.update({ masterPasswordHash: old }, { where: { uuid: user.id } });

    await loginUser(t, user);

    const stored = (await t.db.models.User.findOne({ where: { uuid: user.id } }))!.masterPasswordHash;
    expect(stored).not.toBe(old);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    // And the new hash still verifies.
    await loginUser(t, user);
  });

  test('when the account is deactivated, then the right password gets 403 account_inactive and a wrong one 401', async () => {
    const user = await registerUser(t);
    await t.db.models.User.update({ status: 'inactive' }, { where: { uuid: user.id } });
    const { authHash: wrongHash } = await deriveTestKeys('wrong', user.salt);

    const right = await attemptLogin(t, user);
    const wrong = await attemptLogin(t, { email: user.email, authHash: wrongHash });

    expect(right.status).toBe(403);
    expect(right.body.error.code).toBe('account_inactive');
    expect(wrong.status).toBe(401);
    expect(await t.db.models.UserSession.count({ where: { userId: (await t.db.models.User.findOne({ where: { uuid: user.id } }))!.id } })).toBe(0);
  });

  test('when an admin has locked the account, then the right password gets 423 account_locked and no session', async () => {
    const user = await registerUser(t);
    await t.db.models.User.update({ status: 'locked' }, { where: { uuid: user.id } });

    const response = await attemptLogin(t, user);

    expect(response.status).toBe(423);
    expect(response.body.error.code).toBe('account_locked');
    const dbUser = (await t.db.models.User.findOne({ where: { uuid: user.id } }))!;
    expect(await t.db.models.UserSession.count({ where: { userId: dbUser.id } })).toBe(0);
  });

  test('when the body has an unknown field, then 400 and no attempt is recorded', async () => {
    const user = await registerUser(t);

    const response = await t.api.post('/api/v1/auth/login').send({ email: user.email, authHash: user.authHash, admin: true });

    expect(response.status).toBe(400);
    expect(await t.db.models.LoginAttempt.count({ where: { identifier: user.email } })).toBe(0);
  });
});
