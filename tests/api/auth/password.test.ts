// Master-password change (DESIGN §5.6, issue item 7) and recovery with the recovery code (§5a).
import { createHash } from 'node:crypto';
import { unwrapUserKey, unwrapUserKeyWithRecoveryCode, makeRecoveryKit } from '@secureaccess/shared/crypto';
import { startTestApp, type TestApp } from '../../helpers/app';
import {
  advertisedKdf,
  attemptLogin,
  authed,
  deriveTestKeys,
  loginUser,
  makePasswordChange,
  registerUser,
  uniqueEmail,
  type TestUser,
} from '../../helpers/auth';

let t: TestApp;
let user: TestUser;

const passwordPath = '/api/v1/auth/password';
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  user = await registerUser(t);
});

async function dbUser() {
  return (await t.db.models.User.findOne({ where: { uuid: user.id } }))!;
}

/** The user after a change to `password` (new auth hash and wrap key, same user key). */
function changed(base: TestUser, change: { authHash: string; salt: string; wrapKey: Uint8Array }, password: string): TestUser {
  return { ...base, password, authHash: change.authHash, salt: change.salt, wrapKey: change.wrapKey };
}

describe('master-password change', () => {
  test('when the current auth hash is right, then the new one logs in, the old one does not, the key is re-wrapped, and other sessions die', async () => {
    const other = await loginUser(t, user);
    const current = await loginUser(t, user);
    const change = await makePasswordChange(user, 'a brand new master password');

    const response = await authed(t.api, current.accessToken).post(passwordPath).send(change.body);

    expect(response.status).toBe(204);
    const after = changed(user, change, 'a brand new master password');
    const login = await loginUser(t, after); // also checks the new wrapped key opens with the new wrap key
    expect(await unwrapUserKey(change.wrapKey, login.keys.wrappedUserKey)).toEqual(user.userKey);
    expect(login.keys.keyVersion).toBe(user.keyVersion);
    expect((await attemptLogin(t, user)).status).toBe(401);
    // The other session is over, refresh token included; this one lives on.
    expect((await t.api.post('/api/v1/auth/refresh').send({ refreshToken: other.refreshToken })).status).toBe(401);
    expect((await authed(t.api, other.accessToken).get('/api/v1/me')).status).toBe(401);
    expect((await authed(t.api, current.accessToken).get('/api/v1/me')).status).toBe(200);
    expect((await t.api.post('/api/v1/auth/refresh').send({ refreshToken: current.refreshToken })).status).toBe(200);

    const row = await dbUser();
    expect(row.passwordChangedAt?.getTime()).toBe(t.clock.now().getTime());
    const keys = await t.db.models.EncryptionKey.findAll({ where: { userId: row.id, purpose: 'master' }, order: [['keyVersion', 'ASC']] });
    expect(keys.map((k) => [k.keyVersion, k.isActive, k.rotatedAt !== null])).toEqual([
      [1, false, true],
      [2, true, false],
    ]);
    const otherAccessJti = JSON.parse(Buffer.from(other.accessToken.split('.')[1]!, 'base64url').toString()).jti;
    expect(await t.db.models.JwtBlacklist.findOne({ where: { jti: otherAccessJti } })).toMatchObject({ reason: 'password_changed' });
    expect(await t.db.models.JwtToken.findOne({ where: { tokenHash: sha256(other.refreshToken) } })).toMatchObject({ revoked: true });
    expect(await t.db.models.PasswordHistory.count({ where: { userId: row.id } })).toBe(2);
    expect(await t.db.models.AuditLog.findOne({ where: { action: 'auth.password_changed', userId: row.id } })).toMatchObject({
      success: true,
      details: expect.objectContaining({ sessionsRevoked: 1 }),
    });
  });

  test('when the new password is the previous one, then 409 password_reused and nothing changes', async () => {
    const session = await loginUser(t, user);
    const first = await makePasswordChange(user, 'second password');
    await authed(t.api, session.accessToken).post(passwordPath).send(first.body).expect(204);
    const second = changed(user, first, 'second password');
    const back = await makePasswordChange(second, user.password);

    const response = await authed(t.api, session.accessToken).post(passwordPath).send(back.body);

    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('password_reused');
    expect((await loginUser(t, second)).accessToken).toBeTruthy();
  });

  test('when the new password equals the current one, then 409 password_reused', async () => {
    const session = await loginUser(t, user);
    const same = await makePasswordChange(user, user.password);

    const response = await authed(t.api, session.accessToken).post(passwordPath).send(same.body);

    expect(response.status).toBe(409);
  });

  test('when five other passwords came in between, then an old one is accepted again (history of 5)', async () => {
    const session = await loginUser(t, user);
    let current = user;
    for (let i = 1; i <= 5; i += 1) {
      const change = await makePasswordChange(current, `password number ${i}`);
      await authed(t.api, session.accessToken).post(passwordPath).send(change.body).expect(204);
      current = changed(current, change, `password number ${i}`);
    }
    const tooRecent = await makePasswordChange(current, 'password number 2');
    const oldEnough = await makePasswordChange(current, user.password);

    expect((await authed(t.api, session.accessToken).post(passwordPath).send(tooRecent.body)).status).toBe(409);
    expect((await authed(t.api, session.accessToken).post(passwordPath).send(oldEnough.body)).status).toBe(204);
    expect(await t.db.models.PasswordHistory.count({ where: { userId: (await dbUser()).id } })).toBe(5);
  });

  test('when the salt and KDF change too, then prelogin returns them and login works with them', async () => {
    const session = await loginUser(t, user);
    const change = await makePasswordChange(user, 'salted anew', { newSalt: true });

    await authed(t.api, session.accessToken).post(passwordPath).send(change.body).expect(204);

    const prelogin = await t.api.post('/api/v1/auth/prelogin').send({ email: user.email });
    expect(prelogin.body).toEqual({ kdf: advertisedKdf, salt: change.salt });
    await loginUser(t, changed(user, change, 'salted anew'));
  });

  test('when the current auth hash is wrong, then 401 invalid_credentials, counted toward the lockout', async () => {
    const session = await loginUser(t, user);
    const change = await makePasswordChange(user, 'whatever');
    const { authHash: wrong } = await deriveTestKeys('not it', user.salt);
    const hashBefore = (await dbUser()).masterPasswordHash;

    const statuses = [];
    for (let i = 0; i < 5; i += 1) {
      statuses.push((await authed(t.api, session.accessToken).post(passwordPath).send({ ...change.body, currentAuthHash: wrong })).status);
    }
    const locked = await authed(t.api, session.accessToken).post(passwordPath).send(change.body);

    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(locked.status).toBe(423);
    expect(await t.db.models.LoginAttempt.count({ where: { identifier: user.email, failureReason: 'invalid_credentials' } })).toBe(5);
    expect((await dbUser()).masterPasswordHash).toBe(hashBefore);
    expect((await attemptLogin(t, user)).status).toBe(423);
  });

  test('when the re-wrapped key carries another key version, or the KDF is too weak, then 400', async () => {
    const session = await loginUser(t, user);
    const change = await makePasswordChange(user, 'next');
    const wrongKid = { ...change.body, newWrappedUserKey: { ...(change.body.newWrappedUserKey as object), kid: 7 } };
    const weak = { ...change.body, newKdf: { algorithm: 'pbkdf2-sha256', iterations: 1000 } };

    expect((await authed(t.api, session.accessToken).post(passwordPath).send(wrongKid)).status).toBe(400);
    expect((await authed(t.api, session.accessToken).post(passwordPath).send(weak)).status).toBe(400);
    await loginUser(t, user);
  });
});

describe('recovery with the recovery code', () => {
  test('when the recovery proof is right, then the recovery-wrapped user key comes back', async () => {
    const response = await t.api.post('/api/v1/auth/recovery/key').send({ email: user.email, recoveryAuthHash: user.recoveryAuthHash });

    expect(response.status).toBe(200);
    expect(response.body.keyVersion).toBe(user.keyVersion);
    expect(await unwrapUserKeyWithRecoveryCode(user.recoveryCode, response.body.wrappedUserKey)).toEqual(user.userKey);
    expect(await t.db.models.AuditLog.findOne({ where: { action: 'auth.recovery_key', userUuid: user.id } })).toMatchObject({ success: true });
  });

  test('when the proof is wrong or the email unknown, then the same 401 invalid_recovery_code, counted toward the lockout', async () => {
    const { authHash: wrong } = await deriveTestKeys('not a code', user.salt);
    const ghost = uniqueEmail('ghost');

    const wrongProof = await t.api.post('/api/v1/auth/recovery/key').send({ email: user.email, recoveryAuthHash: wrong });
    const unknown = await t.api.post('/api/v1/auth/recovery/key').send({ email: ghost, recoveryAuthHash: wrong });
    for (let i = 0; i < 4; i += 1) await t.api.post('/api/v1/auth/recovery/key').send({ email: user.email, recoveryAuthHash: wrong });
    const locked = await t.api.post('/api/v1/auth/recovery/key').send({ email: user.email, recoveryAuthHash: user.recoveryAuthHash });

    expect(wrongProof.status).toBe(401);
    expect(wrongProof.body.error.code).toBe('invalid_recovery_code');
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toBe(wrongProof.body.error.message);
    expect(locked.status).toBe(423);
    expect((await attemptLogin(t, user)).status).toBe(423);
    expect(await t.db.models.LoginAttempt.count({ where: { identifier: user.email, failureReason: 'invalid_recovery_code' } })).toBe(5);
  });

  test('when a reset is made with the recovery proof, then the new password works, every session ends, and a new recovery code replaces the old', async () => {
    const session = await loginUser(t, user);
    const change = await makePasswordChange(user, 'recovered password', { newSalt: true });
    const newKit = await makeRecoveryKit(user.userKey, user.keyVersion);

    const response = await t.api.post('/api/v1/auth/recovery/reset').send({
      email: user.email,
      recoveryAuthHash: user.recoveryAuthHash,
      newAuthHash: change.authHash,
      newKdf: advertisedKdf,
      newSalt: change.salt,
      newWrappedUserKey: change.body.newWrappedUserKey,
      newRecovery: newKit.recovery,
    });

    expect(response.status).toBe(204);
    expect((await authed(t.api, session.accessToken).get('/api/v1/me')).status).toBe(401);
    expect((await attemptLogin(t, user)).status).toBe(401);
    await loginUser(t, changed(user, change, 'recovered password'));
    const oldCode = await t.api.post('/api/v1/auth/recovery/key').send({ email: user.email, recoveryAuthHash: user.recoveryAuthHash });
    const newCode = await t.api.post('/api/v1/auth/recovery/key').send({ email: user.email, recoveryAuthHash: newKit.recovery.authHash });
    expect(oldCode.status).toBe(401);
    expect(newCode.status).toBe(200);
    expect(await unwrapUserKeyWithRecoveryCode(newKit.recoveryCode, newCode.body.wrappedUserKey)).toEqual(user.userKey);
    const row = await dbUser();
    const recoveryRows = await t.db.models.EncryptionKey.findAll({ where: { userId: row.id, purpose: 'recovery' }, order: [['keyVersion', 'ASC']] });
    expect(recoveryRows.map((k) => [k.keyVersion, k.isActive])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(await t.db.models.AuditLog.findOne({ where: { action: 'auth.recovery_reset', userId: row.id } })).toMatchObject({
      success: true,
      details: expect.objectContaining({ recoveryCodeReplaced: true, sessionsRevoked: 1 }),
    });
  });

  test('when a reset reuses the current password, then 409 password_reused', async () => {
    const response = await t.api.post('/api/v1/auth/recovery/reset').send({
      email: user.email,
      recoveryAuthHash: user.recoveryAuthHash,
      newAuthHash: user.authHash,
      newKdf: advertisedKdf,
      newSalt: user.salt,
      newWrappedUserKey: user.registerBody.wrappedUserKey,
    });

    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('password_reused');
  });

  test('when a reset comes with a wrong proof, then 401 and the password stays', async () => {
    const change = await makePasswordChange(user, 'hijacked');
    const { authHash: wrong } = await deriveTestKeys('no', user.salt);

    const response = await t.api.post('/api/v1/auth/recovery/reset').send({
      email: user.email,
      recoveryAuthHash: wrong,
      newAuthHash: change.authHash,
      newKdf: advertisedKdf,
      newSalt: user.salt,
      newWrappedUserKey: change.body.newWrappedUserKey,
    });

    expect(response.status).toBe(401);
    await loginUser(t, user);
  });
});
