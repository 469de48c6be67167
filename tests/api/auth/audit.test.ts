// GET /audit (DESIGN §7, issue item 9): the caller's own auth events, newest first, with the
// contract's filters and cursor pagination, and never anyone else's rows.
import type { AuditEntry } from '@secureaccess/shared/contract';
import { startTestApp, type TestApp } from '../../helpers/app';
import { attemptLogin, authed, deriveTestKeys, loginUser, registerUser } from '../../helpers/auth';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('own audit trail', () => {
  test('when a user has signed up, failed and succeeded to log in and refreshed, then GET /audit lists exactly their events, newest first', async () => {
    const user = await registerUser(t, { firstName: 'Audrey' });
    const stranger = await registerUser(t);
    await loginUser(t, stranger);
    const { authHash: wrong } = await deriveTestKeys('wrong', user.salt);
    await attemptLogin(t, { email: user.email, authHash: wrong }).expect(401);
    t.clock.advance(1000);
    const login = await loginUser(t, user);
    t.clock.advance(1000);
    const refreshed = await t.api.post('/api/v1/auth/refresh').send({ refreshToken: login.refreshToken });

    const response = await authed(t.api, refreshed.body.accessToken).get('/api/v1/audit');

    expect(response.status).toBe(200);
    const entries: AuditEntry[] = response.body.entries;
    expect(entries.map((entry) => [entry.action, entry.success])).toEqual([
      ['auth.token_refreshed', true],
      ['auth.login', true],
      ['auth.login', false],
      ['auth.register', true],
    ]);
    expect(entries.every((entry) => entry.userId === user.id)).toBe(true);
    expect(entries[2]!.details).toEqual({ reason: 'invalid_credentials' });
    expect(entries[1]).toMatchObject({ targetType: 'session', ip: expect.any(String) });
    expect(JSON.stringify(entries)).not.toContain(login.refreshToken);
    expect(JSON.stringify(entries)).not.toContain(user.authHash);
  });

  test('when the trail is longer than the page, then the cursor walks it without gaps or repeats, and filters apply', async () => {
    const user = await registerUser(t);
    const { authHash: wrong } = await deriveTestKeys('wrong', user.salt);
    for (let i = 0; i < 3; i += 1) await attemptLogin(t, { email: user.email, authHash: wrong });
    const { accessToken } = await loginUser(t, user);
    const api = authed(t.api, accessToken);

    const first = await api.get('/api/v1/audit?limit=2');
    const second = await api.get(`/api/v1/audit?limit=2&cursor=${first.body.nextCursor}`);
    const third = await api.get(`/api/v1/audit?limit=2&cursor=${second.body.nextCursor}`);
    const failures = await api.get('/api/v1/audit?action=auth.login&success=false');

    const ids = [...first.body.entries, ...second.body.entries, ...third.body.entries].map((entry: AuditEntry) => entry.id);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect(third.body.nextCursor).toBeNull();
    expect(failures.body.entries).toHaveLength(3);
    expect(failures.body.entries.every((entry: AuditEntry) => entry.action === 'auth.login' && !entry.success)).toBe(true);
  });

  test('when the cursor is not one the server gave, then 400', async () => {
    const user = await registerUser(t);
    const { accessToken } = await loginUser(t, user);

    expect((await authed(t.api, accessToken).get('/api/v1/audit?cursor=bogus')).status).toBe(400);
    expect((await t.api.get('/api/v1/audit')).status).toBe(401);
  });
});
