// POST /auth/register and POST /auth/prelogin (DESIGN §5, §5a, §7).
import { createHmac } from 'node:crypto';
import { defaultKdfParams, errorBodySchema } from '@secureaccess/shared/contract';
import { unwrapUserKey, unwrapUserKeyWithRecoveryCode } from '@secureaccess/shared/crypto';
import { startTestApp, type TestApp } from '../../helpers/app';
import { makeRegistration, registerUser, uniqueEmail } from '../../helpers/auth';
import { testDialect } from '../../helpers/database';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const registerPath = '/api/v1/auth/register';
const preloginPath = '/api/v1/auth/prelogin';

function errorCode(response: { body: unknown }): string {
  return errorBodySchema.parse(response.body).error.code;
}

describe('register', () => {
  // Runs first in this file: the database starts empty.
  test('when the first user registers, then they are admin and only hashes and wrapped keys are stored', async () => {
    const made = await makeRegistration({ email: '  First.Admin@Example.TEST ', firstName: ' Ada ', lastName: 'Lovelace' });

    const response = await t.api.post(registerPath).send(made.registerBody);

    expect(response.status).toBe(201);
    expect(response.body.user).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email: 'first.admin@example.test',
      firstName: 'Ada',
      lastName: 'Lovelace',
      role: 'admin',
    });
    const { User, EncryptionKey, PasswordHistory, AuditLog } = t.db.models;
    const user = (await User.findOne({ where: { uuid: response.body.user.id } }))!;
    expect(user.email).toBe('first.admin@example.test');
    expect(user.masterPasswordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(user.masterPasswordHash).not.toContain(made.authHash);
    expect(user.kdfParams).toEqual(defaultKdfParams);
    expect(user.kdfSalt).toBe(made.salt);

    const keys = await EncryptionKey.findAll({ where: { userId: user.id }, order: [['purpose', 'ASC']] });
    expect(keys.map((k) => [k.purpose, k.keyVersion, k.isActive])).toEqual([
      ['master', 1, true],
      ['recovery', 1, true],
    ]);
    const [master, recovery] = keys;
    // The stored wrapped keys open with the client's keys: the user key survives the round trip.
    expect(await unwrapUserKey(made.wrapKey, JSON.parse(master!.wrappedUserKey))).toEqual(made.userKey);
    expect(await unwrapUserKeyWithRecoveryCode(made.recoveryCode, JSON.parse(recovery!.wrappedUserKey))).toEqual(made.userKey);
    expect(master!.authHash).toBeNull();
    expect(recovery!.authHash).toMatch(/^\$argon2id\$/);
    expect(recovery!.authHash).not.toContain(made.recoveryAuthHash);

    const history = await PasswordHistory.findAll({ where: { userId: user.id } });
    expect(history.map((h) => h.passwordHash)).toEqual([user.masterPasswordHash]);
    const audit = await AuditLog.findOne({ where: { action: 'auth.register', userId: user.id } });
    expect(audit).toMatchObject({ success: true, targetType: 'user', targetId: user.uuid, ip: expect.any(String) });
    expect(JSON.stringify(audit!.details)).not.toContain(made.authHash);
  });

  test('when a later user registers, then they are an editor', async () => {
    const user = await registerUser(t);

    expect(user.role).toBe('editor');
    expect((await t.db.models.User.findOne({ where: { uuid: user.id } }))!.role).toBe('editor');
  });

  test('when the email is already registered (in another case), then 409 and no second row', async () => {
    const user = await registerUser(t);
    const again = await makeRegistration({ email: user.email.toUpperCase() });

    const response = await t.api.post(registerPath).send(again.registerBody);

    expect(response.status).toBe(409);
    expect(errorCode(response)).toBe('conflict');
    expect(await t.db.models.User.count({ where: { email: user.email } })).toBe(1);
  });

  test.each([
    ['argon2id memory below 64 MiB', { algorithm: 'argon2id', memoryKiB: 32_768, iterations: 3, parallelism: 4 }],
    ['argon2id iterations below 3', { algorithm: 'argon2id', memoryKiB: 65_536, iterations: 2, parallelism: 4 }],
    ['pbkdf2 below 600 000 iterations', { algorithm: 'pbkdf2-sha256', iterations: 599_999 }],
    ['an unknown algorithm', { algorithm: 'scrypt', n: 1 }],
  ])('when the KDF is %s, then 400 and nothing is stored', async (_name, kdf) => {
    const made = await makeRegistration();

    const response = await t.api.post(registerPath).send({ ...made.registerBody, kdf });

    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('validation_failed');
    expect(await t.db.models.User.count({ where: { email: made.email } })).toBe(0);
  });

  test.each([
    ['argon2id at the minimums', { algorithm: 'argon2id', memoryKiB: 65_536, iterations: 3, parallelism: 1 }],
    ['pbkdf2-sha256 at 600 000', { algorithm: 'pbkdf2-sha256', iterations: 600_000 }],
  ])('when the KDF is %s, then the account is created with it', async (_name, kdf) => {
    const made = await makeRegistration();

    const response = await t.api.post(registerPath).send({ ...made.registerBody, kdf });

    expect(response.status).toBe(201);
    const prelogin = await t.api.post(preloginPath).send({ email: made.email });
    expect(prelogin.body).toEqual({ kdf, salt: made.salt });
  });

  test('when the salt is shorter than 16 bytes, then 400', async () => {
    const made = await makeRegistration();

    const response = await t.api.post(registerPath).send({ ...made.registerBody, salt: Buffer.alloc(8).toString('base64') });

    expect(response.status).toBe(400);
  });

  test('when the body tries to set a role or status (mass assignment), then 400 and nothing is stored', async () => {
    const made = await makeRegistration();

    const response = await t.api.post(registerPath).send({ ...made.registerBody, role: 'admin', status: 'active' });

    expect(response.status).toBe(400);
    expect(response.body.error.details.fields).toEqual([expect.objectContaining({ code: 'unrecognized_keys' })]);
    expect(await t.db.models.User.count({ where: { email: made.email } })).toBe(0);
  });

  test.each([
    ['a name over 100 characters', { firstName: 'x'.repeat(101) }],
    ['an empty name', { lastName: '   ' }],
    ['an invalid email', { email: 'not-an-email' }],
    ['an auth hash of the wrong length', { authHash: Buffer.alloc(16).toString('base64') }],
    ['a missing recovery', { recovery: undefined }],
  ])('when the body has %s, then 400', async (_name, change) => {
    const made = await makeRegistration();

    const response = await t.api.post(registerPath).send({ ...made.registerBody, ...change });

    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('validation_failed');
  });

  test('when the recovery key carries another key version than the user key, then 400', async () => {
    const made = await makeRegistration();
    const recovery = { ...made.registerBody.recovery, wrappedUserKey: { ...made.registerBody.recovery.wrappedUserKey, kid: 2 } };

    const response = await t.api.post(registerPath).send({ ...made.registerBody, recovery });

    expect(response.status).toBe(400);
    expect(await t.db.models.User.count({ where: { email: made.email } })).toBe(0);
  });

  test('when sign-ups are closed by the organisation, then 403 registration_closed and nothing is stored', async () => {
    await t.db.models.Setting.update({ value: false }, { where: { name: 'signups_allowed' } });
    try {
      const made = await makeRegistration();

      const response = await t.api.post(registerPath).send(made.registerBody);

      expect(response.status).toBe(403);
      expect(errorCode(response)).toBe('registration_closed');
      expect(await t.db.models.User.count({ where: { email: made.email } })).toBe(0);
    } finally {
      await t.db.models.Setting.update({ value: true }, { where: { name: 'signups_allowed' } });
    }
  });
});

describe('register on an empty database', () => {
  test('when sign-ups are closed before anyone registered, then the first account can still be made (as admin)', async () => {
    const fresh = await startTestApp();
    try {
      await fresh.db.models.Setting.update({ value: false }, { where: { name: 'signups_allowed' } });
      const first = await makeRegistration();
      const second = await makeRegistration();

      const firstResponse = await fresh.api.post(registerPath).send(first.registerBody);
      const secondResponse = await fresh.api.post(registerPath).send(second.registerBody);

      expect(firstResponse.status).toBe(201);
      expect(firstResponse.body.user.role).toBe('admin');
      expect(secondResponse.status).toBe(403);
      expect(secondResponse.body.error.code).toBe('registration_closed');
    } finally {
      await fresh.close();
    }
  });
});

describe('prelogin', () => {
  test('when the email has an account, then its KDF and salt come back (for any spelling of the email)', async () => {
    const user = await registerUser(t);

    const response = await t.api.post(preloginPath).send({ email: `  ${user.email.toUpperCase()}` });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ kdf: defaultKdfParams, salt: user.salt });
  });

  test('when the email is unknown, then the default KDF and an HMAC-derived salt, identical on every call', async () => {
    const email = uniqueEmail('nobody');

    const first = await t.api.post(preloginPath).send({ email });
    const second = await t.api.post(preloginPath).send({ email: email.toUpperCase() });
    const other = await t.api.post(preloginPath).send({ email: uniqueEmail('nobody') });

    expect(first.status).toBe(200);
    expect(first.body).toEqual(second.body);
    expect(first.body.kdf).toEqual(defaultKdfParams);
    const expectedSalt = createHmac('sha256', t.secrets.preloginSecret).update(email).digest().subarray(0, 16).toString('base64');
    expect(first.body.salt).toBe(expectedSalt);
    expect(other.body.salt).not.toBe(first.body.salt);
  });

  test('when a known and an unknown email are asked, then the answers have the same shape and salt length', async () => {
    const user = await registerUser(t);

    const known = await t.api.post(preloginPath).send({ email: user.email });
    const unknown = await t.api.post(preloginPath).send({ email: uniqueEmail('ghost') });

    expect(Object.keys(known.body).sort()).toEqual(Object.keys(unknown.body).sort());
    expect(Buffer.from(unknown.body.salt, 'base64')).toHaveLength(Buffer.from(known.body.salt, 'base64').length);
  });

  test('when the email is invalid, then 400', async () => {
    const response = await t.api.post(preloginPath).send({ email: 'nope' });

    expect(response.status).toBe(400);
  });
});

// Concurrent first sign-ups need concurrent transactions: MariaDB only.
if (testDialect() === 'mysql') {
  describe('register under concurrency (MariaDB)', () => {
    test('when five first registrations run at once on an empty database, then exactly one becomes admin', async () => {
      const fresh = await startTestApp();
      try {
        const bodies = await Promise.all(Array.from({ length: 5 }, () => makeRegistration()));

        const responses = await Promise.all(bodies.map((made) => fresh.api.post(registerPath).send(made.registerBody)));

        expect(responses.map((response) => response.status)).toEqual(Array(5).fill(201));
        expect(responses.map((response) => response.body.user.role).sort()).toEqual(['admin', 'editor', 'editor', 'editor', 'editor']);
        expect(await fresh.db.models.User.count({ where: { role: 'admin' } })).toBe(1);
      } finally {
        await fresh.close();
      }
    });
  });
}
