// A database dump must neither help anyone log in nor tell them what is in a vault (DESIGN §5, §6;
// issue 12 item 4, the privacy test): after a realistic session — sign-up, a 50-account vault
// (bulk import, single creates, an edit, a trash and restore), MFA on, TOTP and backup-code
// logins, refresh, password change, recovery, logout — every row of every table and every log
// line is scanned for every secret the client or the server handed out: the master passwords,
// refresh and access tokens, auth hashes (login, old, new, recovery), the TOTP secret, backup
// codes, the recovery code, the client's keys, and every account's username, password, notes,
// url and folder (protocol v1.1) — as sent, and in base64 and hex.
import { randomUUID } from 'node:crypto';
import { secretFields, type Account } from '@secureaccess/shared/contract';
import { encodeBase64, makeRecoveryKit } from '@secureaccess/shared/crypto';
import { sealAccount, sealUpdate, type PlainAccount } from '../vault/vault-fixtures';
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
  test('when a realistic session has run, then no row of any table and no log line contains a password, key, token, auth hash, TOTP secret, backup or recovery code, or any vault field, in plain, base64 or hex', async () => {
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
    remember('master password', user.password);
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

    // A 50-account vault: 45 imported in bulk, 5 created one by one, one edited, one trashed and
    // restored. Every secret field gets a distinctive value (long enough to be found in any encoding).
    const vaultKey = { userKey: user.userKey, keyVersion: user.keyVersion };
    const plainAccount = (i: number): PlainAccount => {
      const tag = `${i}-${randomUUID().slice(0, 8)}`;
      return {
        title: `Scan title ${tag}`,
        username: `scan-user-${tag}@privacy.example`,
        password: `scan-password-${tag}-Tr0ub4dor`,
        notes: `scan-notes-${tag}: PIN 4321`,
        url: `https://scan-site-${tag}.privacy.example/login?acct=${tag}`,
        folder: `Scan folder ${tag}`,
      };
    };
    const plains = Array.from({ length: 50 }, (_, i) => plainAccount(i));
    for (const plain of plains) {
      for (const field of secretFields) remember(`account ${field}`, plain[field]!);
      remember('account host', new URL(plain.url!).host);
    }
    const sealed = await Promise.all(plains.map((plain) => sealAccount(vaultKey, plain)));
    await api.post('/api/v1/accounts/bulk').send({ accounts: sealed.slice(0, 45) }).expect(201);
    for (const body of sealed.slice(45)) await api.post('/api/v1/accounts').send(body).expect(201);
    const edited = plainAccount(50);
    for (const field of secretFields) remember(`edited account ${field}`, edited[field]!);
    await api.put(`/api/v1/accounts/${sealed[3]!.uuid}`).set('If-Match', '"1"').send(await sealUpdate(vaultKey, sealed[3]!.uuid, edited)).expect(200);
    await api.delete(`/api/v1/accounts/${sealed[4]!.uuid}`).expect(204);
    await api.post(`/api/v1/accounts/${sealed[4]!.uuid}/restore`).send({}).expect(200);
    await api.post(`/api/v1/accounts/${sealed[5]!.uuid}/used`).send({}).expect(200);
    const vault = await api.get('/api/v1/accounts').expect(200);
    expect((vault.body.accounts as Account[]).filter((a) => a.deletedAt === null)).toHaveLength(50);

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
    remember('second master password', 'second master password');
    remember('third master password', 'third master password');
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
    expect(rows.length).toBeGreaterThan(100);
    const tables = new Set(rows.map((row) => row.table));
    for (const table of ['users', 'encryption_keys', 'stored_accounts', 'jwt_tokens', 'jwt_blacklist', 'user_sessions', 'user_mfa', 'user_mfa_backup_codes', 'password_history', 'login_attempts', 'audit_log', 'rate_limits']) {
      expect(tables).toContain(table);
    }
    const logText = t.logs.text();
    expect(logText.length).toBeGreaterThan(0);
    const leaks: string[] = [];
    let forms = 0;
    for (const [secret, what] of secrets) {
      for (const form of formsOf(secret)) {
        forms += 1;
        const lower = form.toLowerCase();
        for (const row of rows) {
          if (row.text.includes(form) || row.text.toLowerCase().includes(lower)) leaks.push(`${what} in ${row.table}`);
        }
        if (logText.includes(form) || logText.toLowerCase().includes(lower)) leaks.push(`${what} in the logs`);
      }
    }
    // The figures for the closing note: what was scanned and how many hits (must be 0).
    console.log(
      `privacy scan (${t.db.dialect}): ${secrets.size} secrets in ${forms} forms, ${rows.length} rows of ${tables.size} tables, ${logText.split('\n').length} log lines: ${leaks.length} hits`,
    );
    expect(leaks).toEqual([]);
  });
});
