// The authenticator has no in-process cache (issue 13 item 1): two API instances, each with its
// own database handle and pool on the same database (as two processes behind a load balancer),
// and every revocation made through one is refused by the other at its very next request — after
// that other instance has just accepted the same token, so a cache would have had it warm.
import { randomUUID } from 'node:crypto';
import { errorBodySchema } from '@secureaccess/shared/contract';
import { createApp, createLogger, openDatabase, type Database } from '@secureaccess/server';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../helpers/app';
import { authed, loginUser, registerAndLogin, type TestUser } from '../../helpers/auth';

const mePath = '/api/v1/me';

let t: TestApp;
let otherDb: Database;
let other: ReturnType<typeof request>;
let user: TestUser;
let accessToken: string;

function claimOf(token: string, claim: 'jti' | 'sid'): string {
  return (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, string>)[claim]!;
}

async function expectRefusedByOther(token: string) {
  const response = await authed(other, token).get(mePath);
  expect(response.status).toBe(401);
  expect(errorBodySchema.parse(response.body).error.code).toBe('unauthorized');
}

beforeAll(async () => {
  t = await startTestApp();
  const { database } = t;
  otherDb = await openDatabase(database.dialect === 'mysql' ? { url: database.url!, poolMax: 2 } : { sqlitePath: database.sqlitePath! });
  other = request(
    createApp({ config: t.config, db: otherDb, logger: createLogger({ level: 'silent' }), secrets: t.secrets, clock: () => t.clock.now() }),
  );
});
afterAll(async () => {
  await otherDb.close();
  await t.close();
});
beforeEach(async () => {
  ({ user, session: { accessToken } } = await registerAndLogin(t));
  // The other instance has just accepted the token: whatever it could cache, it has.
  expect((await authed(other, accessToken).get(mePath)).status).toBe(200);
});

describe('revocations seen by another API instance at its next request', () => {
  test('when the user logs out on one instance, then the other refuses the access token', async () => {
    await authed(t.api, accessToken).post('/api/v1/auth/logout').send({}).expect(204);

    await expectRefusedByOther(accessToken);
  });

  test('when a session is revoked from another device on one instance, then the other refuses its token', async () => {
    const phone = await loginUser(t, user);
    await authed(t.api, phone.accessToken).delete(`/api/v1/sessions/${claimOf(accessToken, 'sid')}`).expect(204);

    await expectRefusedByOther(accessToken);
    expect((await authed(other, phone.accessToken).get(mePath)).status).toBe(200);
  });

  test('when the jti is blacklisted through the first instance, then the other refuses it', async () => {
    await t.db.models.JwtBlacklist.create({
      jti: claimOf(accessToken, 'jti'),
      reason: 'test',
      expiresAt: new Date(t.clock.now().getTime() + 600_000),
      blacklistedAt: t.clock.now(),
    });

    await expectRefusedByOther(accessToken);
  });

  test('when the session ends (idle limit passed) in the database, then the other refuses the token', async () => {
    const idleMs = t.config.auth.sessionIdleDays * 24 * 3600 * 1000;
    await t.db.models.UserSession.update(
      { lastActivityAt: new Date(t.clock.now().getTime() - idleMs - 1) },
      { where: { uuid: claimOf(accessToken, 'sid') } },
    );

    await expectRefusedByOther(accessToken);
  });

  test('when the user is deactivated through the first instance, then the other refuses the token', async () => {
    await t.db.models.User.update({ status: 'inactive' }, { where: { uuid: user.id } });

    await expectRefusedByOther(accessToken);
  });

  test('when the access token row is revoked, then the other refuses it', async () => {
    await t.db.models.JwtToken.update({ revoked: true }, { where: { jti: claimOf(accessToken, 'jti') } });

    await expectRefusedByOther(accessToken);
  });

  test('when the profile changes on one instance, then the other answers the new names and role at once', async () => {
    const firstName = `Renamed-${randomUUID().slice(0, 8)}`;
    await authed(t.api, accessToken).patch(mePath).send({ firstName }).expect(200);
    await t.db.models.User.update({ role: 'reader' }, { where: { uuid: user.id } });

    const response = await authed(other, accessToken).get(mePath);

    expect(response.status).toBe(200);
    expect(response.body.user).toMatchObject({ id: user.id, firstName, role: 'reader', mfaEnabled: false });
  });
});
