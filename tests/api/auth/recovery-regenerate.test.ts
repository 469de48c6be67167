// A new recovery code while signed in (DESIGN §5a, issue 9): the master password proves it is the
// person, the old code stops working at once, the new one opens the same user key, and the event
// is audited like the other auth events. Runs on SQLite and MariaDB (TEST_DB).
import { makeRecoveryKit, unwrapUserKeyWithRecoveryCode, wrapUserKey } from '@secureaccess/shared/crypto';
import { startTestApp, type TestApp } from '../../helpers/app';
import { authed, deriveTestKeys, loginUser, registerUser, type TestUser } from '../../helpers/auth';

let t: TestApp;
let user: TestUser;

const regeneratePath = '/api/v1/auth/recovery/regenerate';
const recoveryKeyPath = '/api/v1/auth/recovery/key';

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  user = await registerUser(t);
});

async function dbUserId(): Promise<number> {
  return Number((await t.db.models.User.findOne({ where: { uuid: user.id } }))!.id);
}

async function recoveryRows() {
  const rows = await t.db.models.EncryptionKey.findAll({ where: { userId: await dbUserId(), purpose: 'recovery' }, order: [['keyVersion', 'ASC']] });
  return rows.map((row) => [row.keyVersion, row.isActive, row.rotatedAt !== null]);
}

describe('recovery code regeneration', () => {
  test('when the master password is proven, then the new code releases the user key, the old one is refused, and it is audited', async () => {
    const session = await loginUser(t, user);
    const kit = await makeRecoveryKit(user.userKey, user.keyVersion);

    const response = await authed(t.api, session.accessToken).post(regeneratePath).send({ currentAuthHash: user.authHash, recovery: kit.recovery });

    expect(response.status).toBe(204);
    const oldCode = await t.api.post(recoveryKeyPath).send({ email: user.email, recoveryAuthHash: user.recoveryAuthHash });
    const newCode = await t.api.post(recoveryKeyPath).send({ email: user.email, recoveryAuthHash: kit.recovery.authHash });
    expect(oldCode.status).toBe(401);
    expect(oldCode.body.error.code).toBe('invalid_recovery_code');
    expect(newCode.status).toBe(200);
    expect(await unwrapUserKeyWithRecoveryCode(kit.recoveryCode, newCode.body.wrappedUserKey)).toEqual(user.userKey);
    expect(await recoveryRows()).toEqual([
      [1, false, true],
      [2, true, false],
    ]);
    const audit = await t.db.models.AuditLog.findOne({ where: { action: 'auth.recovery_regenerated', userId: await dbUserId() } });
    expect(audit).toMatchObject({ success: true, details: expect.objectContaining({ recoveryRowVersion: 2 }) });
    // The session that asked lives on: nothing but the recovery code changed.
    expect((await authed(t.api, session.accessToken).get('/api/v1/me')).status).toBe(200);
  });

  test('when the master password is wrong, then 401 invalid_credentials, the old code still works, and the failure counts toward the lockout', async () => {
    const session = await loginUser(t, user);
    const kit = await makeRecoveryKit(user.userKey, user.keyVersion);
    const { authHash: wrong } = await deriveTestKeys('not my password', user.salt);

    const response = await authed(t.api, session.accessToken).post(regeneratePath).send({ currentAuthHash: wrong, recovery: kit.recovery });

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('invalid_credentials');
    expect((await t.api.post(recoveryKeyPath).send({ email: user.email, recoveryAuthHash: user.recoveryAuthHash })).status).toBe(200);
    expect((await t.api.post(recoveryKeyPath).send({ email: user.email, recoveryAuthHash: kit.recovery.authHash })).status).toBe(401);
    expect(await recoveryRows()).toEqual([[1, true, false]]);
    expect(await t.db.models.LoginAttempt.count({ where: { identifier: user.email, success: false, failureReason: 'invalid_credentials' } })).toBe(1);
  });

  test('when the new code wraps a key of another version, then 400 and nothing changes', async () => {
    const session = await loginUser(t, user);
    const kit = await makeRecoveryKit(user.userKey, user.keyVersion);
    const otherVersion = { ...kit.recovery, wrappedUserKey: await wrapUserKey(new Uint8Array(32).fill(7), user.userKey, user.keyVersion + 1) };

    const response = await authed(t.api, session.accessToken).post(regeneratePath).send({ currentAuthHash: user.authHash, recovery: otherVersion });

    expect(response.status).toBe(400);
    expect(await recoveryRows()).toEqual([[1, true, false]]);
  });

  test('when no token is sent, then 401 and nothing changes', async () => {
    const kit = await makeRecoveryKit(user.userKey, user.keyVersion);

    const response = await t.api.post(regeneratePath).send({ currentAuthHash: user.authHash, recovery: kit.recovery });

    expect(response.status).toBe(401);
    expect(await recoveryRows()).toEqual([[1, true, false]]);
  });
});
