// GET/PATCH /me and GET/PUT /me/preferences (DESIGN §7, issue item 8).
import type { Preferences } from '@secureaccess/shared/contract';
import { startTestApp, type TestApp } from '../../helpers/app';
import { attemptLogin, authed, deriveTestKeys, loginUser, registerUser, type TestUser } from '../../helpers/auth';

let t: TestApp;
let user: TestUser;
let accessToken: string;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  user = await registerUser(t, { firstName: 'Grace', lastName: 'Hopper' });
  ({ accessToken } = await loginUser(t, user));
});

const api = () => authed(t.api, accessToken);

async function dbUser() {
  return (await t.db.models.User.findOne({ where: { uuid: user.id } }))!;
}

const customPreferences: Preferences = {
  generator: {
    kind: 'passphrase',
    length: 32,
    lowercase: true,
    uppercase: false,
    digits: true,
    symbols: false,
    avoidAmbiguous: true,
    words: 6,
    separator: '.',
  },
  lockTimeoutSeconds: 300,
  clipboardClearSeconds: 15,
  notifications: { offerSave: false, offerUpdate: true, securityAlerts: true },
  theme: 'dark',
  language: 'es',
  rememberMeByDefault: false,
};

describe('/me', () => {
  test('when the user asks for their profile, then it carries the security overview', async () => {
    const { authHash: wrong } = await deriveTestKeys('wrong', user.salt);
    await attemptLogin(t, { email: user.email, authHash: wrong });

    const response = await api().get('/api/v1/me');

    expect(response.status).toBe(200);
    expect(response.body.user).toEqual({
      id: user.id,
      email: user.email,
      firstName: 'Grace',
      lastName: 'Hopper',
      role: user.role,
      status: 'active',
      mfaEnabled: false,
      createdAt: expect.any(String),
      lastLoginAt: t.clock.now().toISOString(),
      lastLoginIp: expect.any(String),
      passwordChangedAt: expect.any(String),
      failedLoginAttempts: 1,
    });
  });

  test('when the user changes their names, then they are stored trimmed and audited with old and new', async () => {
    const response = await api().patch('/api/v1/me').send({ firstName: '  Amazing Grace ' });

    expect(response.status).toBe(200);
    expect(response.body.user).toMatchObject({ firstName: 'Amazing Grace', lastName: 'Hopper' });
    expect(await dbUser()).toMatchObject({ firstName: 'Amazing Grace', lastName: 'Hopper' });
    expect(await t.db.models.AuditLog.findOne({ where: { action: 'user.profile_updated', userUuid: user.id } })).toMatchObject({
      details: { old: { firstName: 'Grace', lastName: 'Hopper' }, new: { firstName: 'Amazing Grace', lastName: 'Hopper' } },
    });
  });

  test.each([
    ['role', { firstName: 'G', role: 'admin' }],
    ['email', { email: 'someone@else.test' }],
    ['status', { status: 'active' }],
    ['nothing', {}],
    ['a name over 100 characters', { lastName: 'x'.repeat(101) }],
  ])('when the patch carries %s, then 400 and nothing changes', async (_name, body) => {
    const before = await dbUser();

    const response = await api().patch('/api/v1/me').send(body);

    expect(response.status).toBe(400);
    const after = await dbUser();
    expect([after.firstName, after.lastName, after.email, after.role]).toEqual([before.firstName, before.lastName, before.email, before.role]);
  });

  test('when there is no token, then 401', async () => {
    expect((await t.api.get('/api/v1/me')).status).toBe(401);
    expect((await t.api.get('/api/v1/me/preferences')).status).toBe(401);
  });
});

describe('/me/preferences', () => {
  test('when nothing was saved, then the defaults come back', async () => {
    const response = await api().get('/api/v1/me/preferences');

    expect(response.status).toBe(200);
    expect(response.body.preferences).toMatchObject({ theme: 'system', language: 'auto', lockTimeoutSeconds: 900, rememberMeByDefault: true });
  });

  test('when preferences are saved, then they are stored and read back as saved', async () => {
    const put = await api().put('/api/v1/me/preferences').send(customPreferences);
    const get = await api().get('/api/v1/me/preferences');

    expect(put.status).toBe(200);
    expect(put.body.preferences).toEqual(customPreferences);
    expect(get.body.preferences).toEqual(customPreferences);
    const row = (await t.db.models.UserPreference.findOne({ where: { userId: (await dbUser()).id } }))!;
    expect(row).toMatchObject({ theme: 'dark', language: 'es', lockTimeoutSeconds: 300, clipboardClearSeconds: 15, rememberMeByDefault: false });
    expect(row.generatorSettings).toEqual(customPreferences.generator);

    const again = await api().put('/api/v1/me/preferences').send({ ...customPreferences, theme: 'light' });
    expect(again.body.preferences.theme).toBe('light');
    expect(await t.db.models.UserPreference.count({ where: { userId: (await dbUser()).id } })).toBe(1);
  });

  test.each([
    ['an unknown field', { ...customPreferences, admin: true }],
    ['an out-of-range value', { ...customPreferences, lockTimeoutSeconds: -1 }],
    ['a missing field', { ...customPreferences, theme: undefined }],
    ['a language the extension does not have', { ...customPreferences, language: 'fr' }],
    ['an unknown generator field', { ...customPreferences, generator: { ...customPreferences.generator, evil: 1 } }],
  ])('when the body has %s, then 400 and nothing is stored', async (_name, body) => {
    const response = await api().put('/api/v1/me/preferences').send(body);

    expect(response.status).toBe(400);
    expect(await t.db.models.UserPreference.count({ where: { userId: (await dbUser()).id } })).toBe(0);
  });

  test('when remember-me is off by preference, then a login without rememberMe opens a short session', async () => {
    await api().put('/api/v1/me/preferences').send(customPreferences).expect(200);

    const login = await loginUser(t, user);

    const sid = JSON.parse(Buffer.from(login.accessToken.split('.')[1]!, 'base64url').toString()).sid;
    const session = (await t.db.models.UserSession.findOne({ where: { uuid: sid } }))!;
    expect(session.rememberMe).toBe(false);
    expect(session.expiresAt.getTime() - t.clock.now().getTime()).toBe(t.config.auth.sessionIdleDays * 86_400_000);
  });
});
