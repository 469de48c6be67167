// Two-factor login with TOTP (DESIGN §6, §7 mfa; issue item 6). Codes are computed by the test's
// own RFC 6238 implementation (helpers/auth.ts totpCode), not by the server's library.
import { startTestApp, type TestApp } from '../../helpers/app';
import { attemptLogin, authed, loginUser, registerUser, totpCode, type TestUser } from '../../helpers/auth';
import { testDialect } from '../../helpers/database';

let t: TestApp;
let user: TestUser;
let accessToken: string;

const stepMs = 30_000;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  user = await registerUser(t);
  ({ accessToken } = await loginUser(t, user));
});

function api() {
  return authed(t.api, accessToken);
}

async function dbUser() {
  return (await t.db.models.User.findOne({ where: { uuid: user.id } }))!;
}

/** Setup and enable; the clock moves on one step so the enabling code's step is behind. */
async function enableMfa(): Promise<{ secret: string; backupCodes: string[] }> {
  const setup = await api().post('/api/v1/mfa/totp/setup').send({});
  expect(setup.status).toBe(200);
  const enable = await api().post('/api/v1/mfa/totp/enable').send({ code: totpCode(setup.body.secret, t.clock.now()) });
  expect(enable.status).toBe(200);
  t.clock.advance(stepMs);
  return { secret: setup.body.secret, backupCodes: enable.body.backupCodes };
}

describe('TOTP enrolment', () => {
  test('when setup starts, then a secret, its otpauth URL and a QR image come back, and only a ciphertext is stored', async () => {
    const response = await api().post('/api/v1/mfa/totp/setup').send({});

    expect(response.status).toBe(200);
    const { secret, otpauthUrl, qrDataUrl } = response.body;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(otpauthUrl);
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('issuer')).toBe('SecureAccess');
    expect(decodeURIComponent(url.pathname)).toContain(user.email);
    expect(qrDataUrl).toMatch(/^data:image\/png;base64,/);
    const row = (await t.db.models.UserMfa.findOne({ where: { userId: (await dbUser()).id } }))!;
    expect(row.enabledAt).toBeNull();
    expect(row.secretKeyId).toBe(t.secrets.mfaEncryption.keyId);
    expect(row.secretCiphertext).not.toContain(secret);
    expect(row.secretCiphertext.toUpperCase()).not.toContain(secret);
    expect(Buffer.from(row.secretCiphertext.split('.')[1] ?? '', 'base64url').toString('latin1')).not.toContain(secret);
    expect(await t.db.models.AuditLog.findOne({ where: { action: 'mfa.setup_started', userUuid: user.id } })).not.toBeNull();
  });

  test('when enable gets a wrong code, then 401 invalid_mfa_code, the attempt is counted and MFA stays off', async () => {
    const setup = await api().post('/api/v1/mfa/totp/setup').send({});
    const wrong = totpCode(setup.body.secret, t.clock.now(), 5);

    const response = await api().post('/api/v1/mfa/totp/enable').send({ code: wrong });

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('invalid_mfa_code');
    expect((await t.db.models.UserMfa.findOne({ where: { userId: (await dbUser()).id } }))!.enabledAt).toBeNull();
    expect(await t.db.models.LoginAttempt.findOne({ where: { identifier: user.email, failureReason: 'invalid_mfa_code' } })).not.toBeNull();
  });

  test('when enable gets a current code, then 10 one-time backup codes come back once and only their hashes are stored', async () => {
    const setup = await api().post('/api/v1/mfa/totp/setup').send({});

    const response = await api().post('/api/v1/mfa/totp/enable').send({ code: totpCode(setup.body.secret, t.clock.now()) });

    expect(response.status).toBe(200);
    const codes: string[] = response.body.backupCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const userId = (await dbUser()).id;
    const mfa = (await t.db.models.UserMfa.findOne({ where: { userId } }))!;
    expect(mfa.enabledAt?.getTime()).toBe(t.clock.now().getTime());
    expect(Number(mfa.lastUsedStep)).toBe(Math.floor(t.clock.now().getTime() / stepMs));
    const stored = await t.db.models.UserMfaBackupCode.findAll({ where: { userId } });
    expect(stored).toHaveLength(10);
    const dump = JSON.stringify(stored.map((row) => row.codeHash));
    for (const code of codes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replace(/-/g, ''));
    }
    expect((await api().get('/api/v1/me')).body.user.mfaEnabled).toBe(true);
    expect(await t.db.models.AuditLog.findOne({ where: { action: 'mfa.enabled', userUuid: user.id } })).not.toBeNull();
  });

  test('when enable comes before setup, or setup after enabling, then 409', async () => {
    const early = await api().post('/api/v1/mfa/totp/enable').send({ code: '123456' });
    await enableMfa();
    const again = await api().post('/api/v1/mfa/totp/setup').send({});

    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('mfa_setup_required');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('mfa_already_enabled');
  });
});

describe('login with TOTP', () => {
  test('when MFA is on and no code is sent, then 401 mfa_required and no session', async () => {
    await enableMfa();
    const sessionsBefore = await t.db.models.UserSession.count();

    const response = await attemptLogin(t, user);

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('mfa_required');
    expect(await t.db.models.UserSession.count()).toBe(sessionsBefore);
  });

  test('when a current code is sent, then login works; the same code a second time is refused', async () => {
    const { secret } = await enableMfa();
    const code = totpCode(secret, t.clock.now());

    const first = await attemptLogin(t, user, { mfaCode: code });
    const replay = await attemptLogin(t, user, { mfaCode: code });

    expect(first.status).toBe(200);
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('invalid_mfa_code');
    const mfa = (await t.db.models.UserMfa.findOne({ where: { userId: (await dbUser()).id } }))!;
    expect(Number(mfa.lastUsedStep)).toBe(Math.floor(t.clock.now().getTime() / stepMs));
  });

  test('when the code is one step old, then it is accepted, and two steps old, then it is not', async () => {
    const { secret } = await enableMfa();
    t.clock.advance(3 * stepMs);

    const twoOld = await attemptLogin(t, user, { mfaCode: totpCode(secret, t.clock.now(), -2) });
    const oneOld = await attemptLogin(t, user, { mfaCode: totpCode(secret, t.clock.now(), -1) });

    expect(twoOld.status).toBe(401);
    expect(oneOld.status).toBe(200);
  });

  test('when an older step is sent after a newer one was used, then it is refused', async () => {
    const { secret } = await enableMfa();
    t.clock.advance(2 * stepMs);
    await attemptLogin(t, user, { mfaCode: totpCode(secret, t.clock.now()) }).expect(200);

    const older = await attemptLogin(t, user, { mfaCode: totpCode(secret, t.clock.now(), -1) });

    expect(older.status).toBe(401);
  });

  test('when a backup code is used, then it works once, is marked used and audited', async () => {
    const { backupCodes } = await enableMfa();
    const code = backupCodes[3]!;

    const first = await attemptLogin(t, user, { mfaCode: code });
    const again = await attemptLogin(t, user, { mfaCode: code });

    expect(first.status).toBe(200);
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('invalid_mfa_code');
    const userId = (await dbUser()).id;
    expect(await t.db.models.UserMfaBackupCode.count({ where: { userId, usedAt: null } })).toBe(9);
    expect(await t.db.models.AuditLog.findOne({ where: { action: 'mfa.backup_code_used', userUuid: user.id } })).toMatchObject({
      success: true,
      details: { remaining: 9 },
    });
  });

  test('when a backup code is typed in lower case without dashes, then it is accepted', async () => {
    const { backupCodes } = await enableMfa();

    const response = await attemptLogin(t, user, { mfaCode: backupCodes[0]!.replace(/-/g, '').toLowerCase() });

    expect(response.status).toBe(200);
  });

  test('when 5 wrong codes are sent with the right password, then the account locks like for wrong passwords', async () => {
    const { secret } = await enableMfa();
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await attemptLogin(t, user, { mfaCode: '000000' })).status);

    const locked = await attemptLogin(t, user, { mfaCode: totpCode(secret, t.clock.now()) });

    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(locked.status).toBe(423);
    expect(await t.db.models.LoginAttempt.count({ where: { identifier: user.email, failureReason: 'invalid_mfa_code' } })).toBe(5);
  });
});

describe('disable and regenerate', () => {
  test('when disable gets a wrong code, then 401 and MFA stays on; with a valid code, then 204 and login needs no code', async () => {
    const { secret } = await enableMfa();

    const wrong = await api().post('/api/v1/mfa/totp/disable').send({ code: '000000' });
    const right = await api().post('/api/v1/mfa/totp/disable').send({ code: totpCode(secret, t.clock.now()) });

    expect(wrong.status).toBe(401);
    expect(right.status).toBe(204);
    const userId = (await dbUser()).id;
    expect(await t.db.models.UserMfa.count({ where: { userId } })).toBe(0);
    expect(await t.db.models.UserMfaBackupCode.count({ where: { userId } })).toBe(0);
    expect((await attemptLogin(t, user)).status).toBe(200);
    expect(await t.db.models.AuditLog.findOne({ where: { action: 'mfa.disabled', userUuid: user.id } })).toMatchObject({
      details: { verifiedWith: 'totp' },
    });
  });

  test('when disable is asked while MFA is off, then 409 mfa_not_enabled', async () => {
    const response = await api().post('/api/v1/mfa/totp/disable').send({ code: '123456' });

    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('mfa_not_enabled');
  });

  test('when backup codes are regenerated with a TOTP code, then the old ones stop working and the new ones work', async () => {
    const { secret, backupCodes: old } = await enableMfa();

    const withBackupCode = await api().post('/api/v1/mfa/backup-codes/regenerate').send({ code: old[0] });
    const response = await api().post('/api/v1/mfa/backup-codes/regenerate').send({ code: totpCode(secret, t.clock.now()) });

    expect(withBackupCode.status).toBe(401);
    expect(response.status).toBe(200);
    const fresh: string[] = response.body.backupCodes;
    expect(fresh).toHaveLength(10);
    expect(fresh.some((code) => old.includes(code))).toBe(false);
    expect((await attemptLogin(t, user, { mfaCode: old[1]! })).status).toBe(401);
    expect((await attemptLogin(t, user, { mfaCode: fresh[0]! })).status).toBe(200);
    expect(await t.db.models.AuditLog.findOne({ where: { action: 'mfa.backup_codes_regenerated', userUuid: user.id } })).not.toBeNull();
  });
});

// Spending one backup code from several requests at once needs concurrent transactions: MariaDB only.
if (testDialect() === 'mysql') {
  describe('backup codes under concurrency (MariaDB)', () => {
    test('when one backup code is sent by five logins at once, then exactly one succeeds', async () => {
      const { backupCodes } = await enableMfa();

      const responses = await Promise.all(Array.from({ length: 5 }, () => attemptLogin(t, user, { mfaCode: backupCodes[0]! })));

      expect(responses.map((response) => response.status).sort()).toEqual([200, 401, 401, 401, 401]);
    });

    test('when one TOTP code is sent by five logins at once, then exactly one succeeds', async () => {
      const { secret } = await enableMfa();
      const code = totpCode(secret, t.clock.now());

      const responses = await Promise.all(Array.from({ length: 5 }, () => attemptLogin(t, user, { mfaCode: code })));

      expect(responses.map((response) => response.status).sort()).toEqual([200, 401, 401, 401, 401]);
    });
  });
}
