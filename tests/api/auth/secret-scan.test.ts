// A database dump must not help anyone log in (DESIGN §5, §6; issue "must show"): after a flow
// that exercises every auth route, every row of every table is scanned for every secret the
// client or the server handed out — refresh and access tokens, auth hashes (login, old, new,
// recovery), the TOTP secret, backup codes, the recovery code and the client's keys — in the
// encodings they travel in. The captured log lines are scanned too.
import { encodeBase64, makeRecoveryKit } from '@secureaccess/shared/crypto';
import { startTestApp, type TestApp } from '../../helpers/app';
import {
  advertisedKdf,
  attemptLogin,
  authed,
  deriveTestKeys,
  loginUser,
  makePasswordChange,
  registerUser,
  totpCode,
} from '../../helpers/auth';
import { listTables } from '../../helpers/database';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

/** Every form a secret could be written in: as sent, base64/base64url/hex of its bytes, and for JWTs each part. */
function formsOf(secret: string): string[] {
  const forms = new Set([secret, Buffer.from(secret, 'utf8').toString('hex'), Buffer.from(secret, 'utf8').toString('base64')]);
  if (/^[A-Z2-7]+$/.test(secret)) {
    const raw = base32Bytes(secret); // a TOTP secret's key bytes
    forms.add(raw.toString('hex'));
    forms.add(raw.toString('base64'));
  }
  if (/^[A-Za-z0-9+/]+=*$/.test(secret) && secret.length % 4 === 0) {
    const bytes = Buffer.from(secret, 'base64');
    forms.add(bytes.toString('hex'));
    forms.add(bytes.toString('base64url'));
  }
  if (/^[A-Za-z0-9_-]{43}$/.test(secret)) {
    const bytes = Buffer.from(secret, 'base64url');
    forms.add(bytes.toString('hex'));
    forms.add(bytes.toString('base64'));
  }
  const parts = secret.split('.');
  if (parts.length === 3) forms.add(parts[2]!); // a JWT's signature is enough to replay its claims
  return [...forms].filter((form) => form.length >= 16);
}

function base32Bytes(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

async function dumpEveryRow(): Promise<{ table: string; text: string }[]> {
  const rows: { table: string; text: string }[] = [];
  for (const table of await listTables(t.db)) {
    const quoted = t.db.dialect === 'mysql' ? `\`${table}\`` : `"${table}"`;
    const [result] = await t.db.sequelize.query(`SELECT * FROM ${quoted}`);
    for (const row of result as Record<string, unknown>[]) rows.push({ table, text: JSON.stringify(row) });
  }
  return rows;
}

describe('secrets at rest', () => {
  test('when a full auth flow has run, then no row of any table contains a token, auth hash, TOTP secret, backup or recovery code in clear', async () => {
    const secrets = new Map<string, string>(); // secret → what it is
    const remember = (what: string, value: string) => secrets.set(value, what);

    // Sign-up, login, refresh (and a retry within the interval).
    const user = await registerUser(t);
    remember('login auth hash', user.authHash);
    remember('recovery auth hash', user.recoveryAuthHash);
    remember('recovery code', user.recoveryCode);
    remember('recovery code (compact)', user.recoveryCode.replace(/-/g, ''));
    remember('user key', encodeBase64(user.userKey));
    remember('wrap key', encodeBase64(user.wrapKey));
    const first = await loginUser(t, user, { device: { name: 'Scanner', type: 'cli' } });
    remember('access token', first.accessToken);
    remember('refresh token', first.refreshToken);
    const rotated = await t.api.post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken });
    const retried = await t.api.post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken });
    expect(rotated.body.refreshToken).toBe(retried.body.refreshToken);
    remember('successor refresh token', rotated.body.refreshToken);
    remember('access token (refresh)', rotated.body.accessToken);
    remember('access token (retry)', retried.body.accessToken);
    const api = authed(t.api, rotated.body.accessToken);

    // Wrong passwords and an unknown email.
    const { authHash: wrongHash } = await deriveTestKeys('wrong password', user.salt);
    remember('wrong auth hash', wrongHash);
    await attemptLogin(t, { email: user.email, authHash: wrongHash }).expect(401);
    await attemptLogin(t, { email: 'nobody@example.test', authHash: wrongHash }).expect(401);

    // Two-factor: setup, enable, login with TOTP and with a backup code, regenerate.
    const setup = await api.post('/api/v1/mfa/totp/setup').send({});
    const totpSecret: string = setup.body.secret;
    remember('TOTP secret', totpSecret);
    const enable = await api.post('/api/v1/mfa/totp/enable').send({ code: totpCode(totpSecret, t.clock.now()) });
    for (const code of enable.body.backupCodes as string[]) {
      remember('backup code', code);
      remember('backup code (compact)', code.replace(/-/g, ''));
    }
    t.clock.advance(30_000);
    const mfaLogin = await loginUser(t, user, { mfaCode: totpCode(totpSecret, t.clock.now()) });
    remember('access token (mfa)', mfaLogin.accessToken);
    remember('refresh token (mfa)', mfaLogin.refreshToken);
    const backupLogin = await loginUser(t, user, { mfaCode: enable.body.backupCodes[0] });
    remember('refresh token (backup)', backupLogin.refreshToken);
    t.clock.advance(30_000);
    const regenerated = await api.post('/api/v1/mfa/backup-codes/regenerate').send({ code: totpCode(totpSecret, t.clock.now()) });
    expect(regenerated.status).toBe(200);
    for (const code of regenerated.body.backupCodes as string[]) remember('regenerated backup code', code);

    // Profile, preferences, password change, recovery with a new recovery code.
    await api.patch('/api/v1/me').send({ firstName: 'Scanned' }).expect(200);
    const change = await makePasswordChange(user, 'second master password');
    remember('new auth hash', change.authHash);
    remember('new wrap key', encodeBase64(change.wrapKey));
    await api.post('/api/v1/auth/password').send(change.body).expect(204);
    const recoveryKey = await t.api.post('/api/v1/auth/recovery/key').send({ email: user.email, recoveryAuthHash: user.recoveryAuthHash });
    expect(recoveryKey.status).toBe(200);
    const reset = await makePasswordChange(user, 'third master password', { newSalt: true });
    remember('reset auth hash', reset.authHash);
    const newKit = await makeRecoveryKit(user.userKey, user.keyVersion);
    remember('new recovery code', newKit.recoveryCode);
    remember('new recovery auth hash', newKit.recovery.authHash);
    await t.api
      .post('/api/v1/auth/recovery/reset')
      .send({
        email: user.email,
        recoveryAuthHash: user.recoveryAuthHash,
        newAuthHash: reset.authHash,
        newKdf: advertisedKdf,
        newSalt: reset.salt,
        newWrappedUserKey: reset.body.newWrappedUserKey,
        newRecovery: newKit.recovery,
      })
      .expect(204);

    // A last session, logged out, and theft detection on an old token.
    const last = await attemptLogin(t, { email: user.email, authHash: reset.authHash }, { mfaCode: regenerated.body.backupCodes[1] });
    expect(last.status).toBe(200);
    remember('access token (last)', last.body.accessToken);
    remember('refresh token (last)', last.body.refreshToken);
    await authed(t.api, last.body.accessToken).post('/api/v1/auth/logout').send({ refreshToken: last.body.refreshToken }).expect(204);
    t.clock.advance(60_000);
    await t.api.post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);

    const rows = await dumpEveryRow();
    expect(rows.length).toBeGreaterThan(50);
    const tables = new Set(rows.map((row) => row.table));
    for (const table of ['users', 'encryption_keys', 'jwt_tokens', 'jwt_blacklist', 'user_sessions', 'user_mfa', 'user_mfa_backup_codes', 'password_history', 'login_attempts', 'audit_log', 'rate_limits']) {
      expect(tables).toContain(table);
    }
    const leaks: string[] = [];
    for (const [secret, what] of secrets) {
      for (const form of formsOf(secret)) {
        for (const row of rows) {
          if (row.text.includes(form) || row.text.toLowerCase().includes(form.toLowerCase())) leaks.push(`${what} in ${row.table}`);
        }
        if (t.logs.text().includes(form)) leaks.push(`${what} in the logs`);
      }
    }
    expect(leaks).toEqual([]);
  });
});
