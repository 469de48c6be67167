// User administration (DESIGN §1 admin, §7 admin/users): search and pagination, roles that apply
// at once, deactivation and locking that end every session, unlock after failed logins, and an
// organisation that can never lose its last active admin.
import type { AdminUser, ListUsersResponse } from '@secureaccess/shared/contract';
import { attemptLogin, authed, deriveTestKeys, loginUser } from '../../helpers/auth';
import { testDialect } from '../../helpers/database';
import { expectStatus, startVaultWorld, type Member, type VaultWorld } from '../vault/vault-world';

let world: VaultWorld;

beforeAll(async () => {
  world = await startVaultWorld();
});
afterAll(async () => {
  await world.close();
});

const userRow = (uuid: string) => world.t.db.models.User.findOne({ where: { uuid } });
const patchUser = (id: string, body: object, as: Member = world.admin) => as.api.patch(`/api/v1/admin/users/${id}`).send(body);
const lastUserAudit = async (targetId: string) => {
  const [row] = await world.t.db.models.AuditLog.findAll({ where: { action: 'admin.user_update', targetId }, order: [['id', 'DESC']], limit: 1 });
  return row;
};

describe('listing users', () => {
  test('when an admin searches by part of a name or email, then only matching users come back, with their security state', async () => {
    const tag = `zq${Date.now().toString(36)}`;
    const found = await world.member('editor', `Findme${tag}`);
    await world.member('editor', 'Someone');

    const byName = expectStatus(await world.admin.api.get(`/api/v1/admin/users?q=findme${tag}`), 200).body.users as AdminUser[];
    const byEmail = expectStatus(await world.admin.api.get(`/api/v1/admin/users?q=${encodeURIComponent(found.user.email.slice(0, 14))}`), 200)
      .body.users as AdminUser[];

    expect(byName).toEqual([
      {
        id: found.user.id,
        email: found.user.email,
        firstName: `Findme${tag}`,
        lastName: 'editor',
        role: 'editor',
        status: 'active',
        mfaEnabled: false,
        failedLoginAttempts: 0,
        lockedUntil: null,
        lastLoginAt: world.t.clock.now().toISOString(),
        createdAt: expect.any(String),
      },
    ]);
    expect(byEmail.map((u) => u.id)).toContain(found.user.id);
  });

  test('when a search contains % or _, then they are literal characters, not wildcards', async () => {
    const percent = await world.member('editor', 'Hundred%Sure');
    const underscore = await world.member('editor', 'Snake_Case');

    const byPercent = expectStatus(await world.admin.api.get('/api/v1/admin/users?q=%25'), 200).body.users as AdminUser[];
    const byUnderscore = expectStatus(await world.admin.api.get('/api/v1/admin/users?q=e_c'), 200).body.users as AdminUser[];

    expect(byPercent.map((u) => u.id)).toEqual([percent.user.id]);
    expect(byUnderscore.map((u) => u.id)).toEqual([underscore.user.id]);
  });

  test('when pages are followed by their cursor, then every user is listed once, in order, filters included', async () => {
    await world.member('reader', 'PageA');
    await world.member('reader', 'PageB');
    await world.member('reader', 'PageC');
    const total = await world.t.db.models.User.count();
    const readers = await world.t.db.models.User.count({ where: { role: 'reader' } });

    const collect = async (query: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: ListUsersResponse = expectStatus(await world.admin.api.get(`/api/v1/admin/users?limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`), 200).body;
        expect(page.users.length).toBeLessThanOrEqual(2);
        ids.push(...page.users.map((u: AdminUser) => u.id));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    };
    const everyone = await collect('');
    const onlyReaders = await collect('&role=reader');

    expect(everyone).toHaveLength(total);
    expect(new Set(everyone).size).toBe(total);
    expect(onlyReaders).toHaveLength(readers);
    expect((await world.admin.api.get('/api/v1/admin/users?cursor=nonsense')).status).toBe(400);
  });
});

describe('roles', () => {
  test('when an admin makes an editor a reader, then it applies to the token they already hold and is audited with old and new values', async () => {
    const member = await world.member('editor', 'Demoted');

    const response = await patchUser(member.user.id, { role: 'reader' });

    expect(response.status).toBe(200);
    expect(response.body.user).toMatchObject({ id: member.user.id, role: 'reader', status: 'active' });
    expect((await userRow(member.user.id))!.role).toBe('reader');
    expect((await member.api.post('/api/v1/applications').send({ name: 'x', url: 'https://x.example' })).status).toBe(403);
    expect((await member.api.get('/api/v1/accounts')).status).toBe(200);
    const audit = await lastUserAudit(member.user.id);
    expect(audit).toMatchObject({ userUuid: world.admin.user.id, success: true });
    expect(audit!.details).toMatchObject({ old: { role: 'editor', status: 'active' }, new: { role: 'reader', status: 'active' }, revokedSessions: 0 });
  });

  test('when the only admin tries to demote, deactivate or lock themself, then 409 and nothing changes', async () => {
    const admins = await world.t.db.models.User.count({ where: { role: 'admin', status: 'active' } });
    expect(admins).toBe(1);

    const demote = await patchUser(world.admin.user.id, { role: 'editor' });
    const deactivate = await patchUser(world.admin.user.id, { status: 'inactive' });
    const lock = await patchUser(world.admin.user.id, { status: 'locked' });

    for (const response of [demote, deactivate, lock]) {
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('last_admin');
    }
    expect(await userRow(world.admin.user.id)).toMatchObject({ role: 'admin', status: 'active' });
    expect((await world.admin.api.get('/api/v1/admin/settings')).status).toBe(200);
  });

  test('when there is a second admin, then one admin can step down', async () => {
    const second = await world.member('admin', 'Second admin');

    const response = await patchUser(second.user.id, { role: 'editor' }, second);

    expect(response.status).toBe(200);
    expect((await userRow(second.user.id))!.role).toBe('editor');
    expect((await second.api.get('/api/v1/admin/users')).status).toBe(403);
  });
});

describe('status', () => {
  test('when an admin deactivates a user, then every session of theirs ends at once, their tokens stop working, and login is refused', async () => {
    const member = await world.member('editor', 'Leaver');
    const laptop = await world.secondDevice(member);

    const response = await patchUser(member.user.id, { status: 'inactive' });

    expect(response.status).toBe(200);
    expect(response.body.user.status).toBe('inactive');
    const row = await userRow(member.user.id);
    expect(await world.t.db.models.UserSession.count({ where: { userId: row!.id, isActive: true } })).toBe(0);
    expect(await world.t.db.models.JwtBlacklist.count({ where: { userId: row!.id } })).toBe(2);
    expect((await member.api.get('/api/v1/accounts')).status).toBe(401);
    expect((await laptop.api.get('/api/v1/accounts')).status).toBe(401);
    expect((await world.t.api.post('/api/v1/auth/refresh').send({ refreshToken: laptop.refreshToken })).status).toBe(401);
    expect((await attemptLogin(world.t, member.user)).status).toBe(403);
    expect((await lastUserAudit(member.user.id))!.details).toMatchObject({ old: { status: 'active' }, new: { status: 'inactive' }, revokedSessions: 2 });
    expect(await world.t.db.models.AuditLog.count({ where: { action: 'session.revoked', userUuid: world.admin.user.id } })).toBeGreaterThanOrEqual(2);
  });

  test('when a deactivated user is made active again, then they can log in', async () => {
    const member = await world.member('editor', 'Returner');
    expectStatus(await patchUser(member.user.id, { status: 'inactive' }), 200);

    expectStatus(await patchUser(member.user.id, { status: 'active' }), 200);

    const login = await loginUser(world.t, member.user);
    expect((await authed(world.t.api, login.accessToken).get('/api/v1/accounts')).status).toBe(200);
  });

  test('when an admin locks a user, then their sessions end and login answers 423 until an admin unlocks them', async () => {
    const member = await world.member('editor', 'Suspect');

    const locked = await patchUser(member.user.id, { status: 'locked' });
    const whileLocked = await attemptLogin(world.t, member.user);
    const unlocked = await patchUser(member.user.id, { unlock: true });
    const afterUnlock = await attemptLogin(world.t, member.user);

    expect(locked.status).toBe(200);
    expect((await member.api.get('/api/v1/accounts')).status).toBe(401);
    expect(whileLocked.status).toBe(423);
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.user.status).toBe('active');
    expect(afterUnlock.status).toBe(200);
    expect((await lastUserAudit(member.user.id))!.details).toMatchObject({ old: { status: 'locked' }, new: { status: 'active' }, unlocked: true });
  });

  test('when a user is locked out by failed logins, then an admin unlock clears the lockout and the failure count', async () => {
    const member = await world.member('editor', 'Forgetful');
    const { authHash: wrong } = await deriveTestKeys('not the password', member.user.salt);
    for (let i = 0; i < 5; i += 1) await attemptLogin(world.t, { email: member.user.email, authHash: wrong });
    expect((await attemptLogin(world.t, member.user)).status).toBe(423);

    const response = await patchUser(member.user.id, { unlock: true });

    expect(response.status).toBe(200);
    expect(response.body.user).toMatchObject({ failedLoginAttempts: 0, lockedUntil: null, status: 'active' });
    expect(await userRow(member.user.id)).toMatchObject({ failedLoginAttempts: 0, lockedUntil: null });
    expect((await attemptLogin(world.t, member.user)).status).toBe(200);
    expect(await world.t.db.models.AuditLog.findOne({ where: { action: 'auth.unlock', targetId: member.user.id } })).not.toBeNull();
  });

  test('when unlock and lock are asked at once, or the user does not exist, then 400 and 404', async () => {
    const member = await world.member('editor', 'Confused');

    expect((await patchUser(member.user.id, { unlock: true, status: 'locked' })).status).toBe(400);
    expect((await patchUser('00000000-0000-4000-8000-000000000000', { role: 'reader' })).status).toBe(404);
    expect((await patchUser(member.user.id, {})).status).toBe(400);
    expect((await userRow(member.user.id))!.status).toBe('active');
  });
});

if (testDialect() === 'mysql') {
  describe('last admin under concurrency (MariaDB)', () => {
    test('when the only two admins demote each other at the same moment, then exactly one succeeds and one admin remains', async () => {
      for (let round = 0; round < 3; round += 1) {
        const a = await world.member('admin', `Rival A${round}`);
        const b = await world.member('admin', `Rival B${round}`);
        // Leave a and b as the only active admins.
        const others = await world.t.db.models.User.findAll({ where: { role: 'admin', status: 'active' } });
        for (const other of others) {
          if (other.uuid !== a.user.id && other.uuid !== b.user.id) await other.update({ role: 'editor' });
        }

        const responses = await Promise.all([patchUser(b.user.id, { role: 'editor' }, a), patchUser(a.user.id, { role: 'editor' }, b)]);

        // The loser is refused either way: 409 last_admin when both passed authentication before
        // the winner committed, 403 when its own request was authenticated after it (the role is
        // read as it is now, so it is no longer an admin). Never both 200.
        const [won, lost] = responses.map((r) => r.status).sort();
        expect(won).toBe(200);
        expect([403, 409]).toContain(lost);
        expect(await world.t.db.models.User.count({ where: { role: 'admin', status: 'active' } })).toBe(1);
        // Restore the original admin for the next round and the other suites.
        await world.t.db.models.User.update({ role: 'admin' }, { where: { uuid: world.admin.user.id } });
      }
    });
  });
}
