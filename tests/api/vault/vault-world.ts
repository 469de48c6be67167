// The real app on a real database with people in it, for the vault, catalogue and admin suites:
// the first user to register is the admin (DESIGN §7); everyone else registers and logs in through
// the auth routes, and gets their role from the admin through PATCH /admin/users/:id.
import type { Role } from '@secureaccess/shared/contract';
import type { Response } from 'supertest';
import { startTestApp, type StartTestAppOptions, type TestApp } from '../../helpers/app';
import { authed, loginUser, registerAndLogin, type TestUser } from '../../helpers/auth';
import type { VaultKey } from './vault-fixtures';

export interface Member {
  user: TestUser;
  role: Role;
  accessToken: string;
  refreshToken: string;
  /** The user's own user key (made at sign-up): what encrypts their vault. */
  key: VaultKey;
  /** supertest with this member's Bearer token. */
  api: ReturnType<typeof authed>;
}

export interface VaultWorld {
  t: TestApp;
  admin: Member;
  /** Registers, logs in and (unless editor, the default) gets `role` from the admin. */
  member(role?: Role, name?: string): Promise<Member>;
  /** Another login of the same user: a second session, as a second device would have. */
  secondDevice(member: Member): Promise<Member>;
  close(): Promise<void>;
}

/** Every suite registers many users from one address: the per-IP limits are not under test here. */
export const worldEnv = { AUTH_RATE_LIMIT_MAX: '100000', REFRESH_RATE_LIMIT_MAX: '100000' };

export function expectStatus(response: Response, status: number): Response {
  if (response.status !== status) {
    throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response;
}

export async function startVaultWorld(options: StartTestAppOptions = {}): Promise<VaultWorld> {
  const t = await startTestApp({ ...options, env: { ...worldEnv, ...options.env } });
  const toMember = (user: TestUser, role: Role, tokens: { accessToken: string; refreshToken: string }): Member => ({
    user,
    role,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    key: { userKey: user.userKey, keyVersion: user.keyVersion },
    api: authed(t.api, tokens.accessToken),
  });
  try {
    const first = await registerAndLogin(t, { firstName: 'Ada', lastName: 'Admin' });
    if (first.user.role !== 'admin') throw new Error('the first user should have been made admin');
    const admin = toMember(first.user, 'admin', first.session);
    return {
      t,
      admin,
      async member(role: Role = 'editor', name = 'Member') {
        const { user, session } = await registerAndLogin(t, { firstName: name, lastName: role });
        if (role !== user.role) {
          expectStatus(await admin.api.patch(`/api/v1/admin/users/${user.id}`).send({ role }), 200);
        }
        return toMember({ ...user, role }, role, session);
      },
      async secondDevice(member: Member) {
        return toMember(member.user, member.role, await loginUser(t, member.user));
      },
      close: () => t.close(),
    };
  } catch (error) {
    await t.close();
    throw error;
  }
}
