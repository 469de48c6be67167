// Access granted / declined (DESIGN §8): while an application is declined or inactive, the API
// releases none of its accounts (match, GET /accounts/:uuid) and refuses `used` with 403
// access_declined carrying the configured declined value; every decision is audited with the value
// reported; re-granting restores everything at once — on any API process, since nothing is cached.
import type { Account, Application } from '@secureaccess/shared/contract';
import { createApp, createLogger } from '@secureaccess/server';
import request from 'supertest';
import { authed } from '../../helpers/auth';
import { sealAccount } from '../vault/vault-fixtures';
import { expectStatus, startVaultWorld, type Member, type VaultWorld } from '../vault/vault-world';

let world: VaultWorld;
let user: Member;

beforeAll(async () => {
  world = await startVaultWorld();
  user = await world.member('reader', 'Reader');
});
afterAll(async () => {
  await world.close();
});

const grantedValue = 'OK: approved by security';
const declinedValue = 'BLOCKED: vendor under review';

interface Fixture {
  application: Application;
  account: Account;
  url: string;
}

let counter = 0;
async function applicationWithAccount(): Promise<Fixture> {
  const host = `policy${(counter += 1)}-${Date.now().toString(36)}.example`;
  const application = expectStatus(
    await world.admin.api.post('/api/v1/applications').send({ name: `Vendor ${counter}`, url: `https://${host}` }),
    201,
  ).body.application as Application;
  expectStatus(
    await world.admin.api.patch(`/api/v1/applications/${application.id}`).send({ accessGrantedValue: grantedValue, accessDeclinedValue: declinedValue }),
    200,
  );
  // Readers cannot write accounts: the row is arranged directly, as an earlier import would have left it.
  const body = await sealAccount(user.key, { applicationId: application.id });
  const { models } = world.t.db;
  const owner = await models.User.findOne({ where: { uuid: user.user.id } });
  const app = await models.Application.findOne({ where: { uuid: application.id } });
  const now = world.t.clock.now();
  await owner!.increment('vaultChangeSeq');
  await owner!.reload();
  await models.StoredAccount.create({
    uuid: body.uuid,
    userId: owner!.id,
    applicationId: app!.id,
    encryptedUsername: JSON.stringify(body.username),
    encryptedPassword: JSON.stringify(body.password),
    changeSeq: Number(owner!.vaultChangeSeq),
    createdAt: now,
    updatedAt: now,
  });
  const account = expectStatus(await user.api.get(`/api/v1/accounts/${body.uuid}`), 200).body.account as Account;
  return { application, account, url: `https://${host}/login` };
}

const setAccess = (fixture: Fixture, change: { access?: 'granted' | 'declined'; isActive?: boolean }) =>
  world.admin.api.patch(`/api/v1/applications/${fixture.application.id}`).send(change).then((r) => expectStatus(r, 200));

async function lastAudit(action: string, targetId: string) {
  const [row] = await world.t.db.models.AuditLog.findAll({ where: { action, targetId }, order: [['id', 'DESC']], limit: 1 });
  return row!;
}

const match = (url: string, member: Member = user) => member.api.post('/api/v1/applications/match').send({ url });

describe('declined', () => {
  test('when an admin declines an application, then match reports the declined value and releases none of its accounts, and the decision is audited', async () => {
    const fixture = await applicationWithAccount();
    expect((await match(fixture.url)).body.matches[0].accountUuids).toEqual([fixture.account.uuid]);

    await setAccess(fixture, { access: 'declined' });
    const response = await match(fixture.url);

    expect(response.status).toBe(200);
    expect(response.body.matches).toEqual([
      expect.objectContaining({
        access: { applicationId: fixture.application.id, state: 'declined', value: declinedValue, isActive: true, allowed: false, reason: 'declined', decidedAt: expect.any(String) },
        accountUuids: [],
      }),
    ]);
    const audit = await lastAudit('application.match', fixture.application.id);
    expect(audit).toMatchObject({ userUuid: user.user.id, success: false });
    expect(audit.details).toMatchObject({ decisions: [{ value: declinedValue, allowed: false, state: 'declined' }] });
  });

  test('when declined, then GET /accounts/:uuid is 403 access_declined with the declined value and the refusal is audited', async () => {
    const fixture = await applicationWithAccount();
    await setAccess(fixture, { access: 'declined' });

    const response = await user.api.get(`/api/v1/accounts/${fixture.account.uuid}`);

    expect(response.status).toBe(403);
    expect(response.body.error).toMatchObject({
      code: 'access_declined',
      details: { access: { applicationId: fixture.application.id, state: 'declined', value: declinedValue, isActive: true, allowed: false, reason: 'declined', decidedAt: expect.any(String) } },
    });
    expect(JSON.stringify(response.body)).not.toContain(fixture.account.password.ct);
    const audit = await lastAudit('account.release', fixture.account.uuid);
    expect(audit).toMatchObject({ success: false, details: { access: { value: declinedValue, allowed: false } } });
  });

  test('when declined, then used is refused with 403 carrying the declined value, last access is not recorded, and the refusal is audited', async () => {
    const fixture = await applicationWithAccount();
    await setAccess(fixture, { access: 'declined' });

    const response = await user.api.post(`/api/v1/accounts/${fixture.account.uuid}/used`).send({});

    expect(response.status).toBe(403);
    expect(response.body.error).toMatchObject({ code: 'access_declined', details: { access: { value: declinedValue, allowed: false } } });
    expect((await world.t.db.models.StoredAccount.findOne({ where: { uuid: fixture.account.uuid } }))!.lastAccessedAt).toBeNull();
    const audit = await lastAudit('account.credential_used', fixture.account.uuid);
    expect(audit).toMatchObject({ success: false, details: { access: { state: 'declined', value: declinedValue, allowed: false } } });
  });

  test('when access is granted again, then match, release and used work at once and report the granted value', async () => {
    const fixture = await applicationWithAccount();
    await setAccess(fixture, { access: 'declined' });
    expect((await user.api.post(`/api/v1/accounts/${fixture.account.uuid}/used`).send({})).status).toBe(403);

    await setAccess(fixture, { access: 'granted' });
    const matched = await match(fixture.url);
    const released = await user.api.get(`/api/v1/accounts/${fixture.account.uuid}`);
    const used = await user.api.post(`/api/v1/accounts/${fixture.account.uuid}/used`).send({});

    const granted = { applicationId: fixture.application.id, state: 'granted', value: grantedValue, isActive: true, allowed: true, reason: null, decidedAt: expect.any(String) };
    expect(matched.body.matches[0]).toMatchObject({ access: granted, accountUuids: [fixture.account.uuid] });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ access: granted, account: { uuid: fixture.account.uuid } });
    expect(used.status).toBe(200);
    expect(used.body).toEqual({ lastAccessedAt: world.t.clock.now().toISOString(), access: granted });
    expect((await lastAudit('account.credential_used', fixture.account.uuid)).details).toEqual({ access: granted });
    expect((await lastAudit('account.release', fixture.account.uuid)).success).toBe(true);
  });

  test('when declined, then the user\'s own vault list still returns the encrypted account (the extension enforces access from the catalogue)', async () => {
    const fixture = await applicationWithAccount();
    await setAccess(fixture, { access: 'declined' });

    const list = expectStatus(await user.api.get('/api/v1/accounts'), 200).body.accounts as Account[];

    expect(list.map((a) => a.uuid)).toContain(fixture.account.uuid);
  });
});

describe('inactive', () => {
  test('when an admin deactivates a granted application, then it refuses like a declined one and reports the declined value', async () => {
    const fixture = await applicationWithAccount();

    await setAccess(fixture, { isActive: false });
    const matched = await match(fixture.url);
    const released = await user.api.get(`/api/v1/accounts/${fixture.account.uuid}`);
    const used = await user.api.post(`/api/v1/accounts/${fixture.account.uuid}/used`).send({});

    const refused = { applicationId: fixture.application.id, state: 'granted', value: declinedValue, isActive: false, allowed: false, reason: 'inactive', decidedAt: expect.any(String) };
    expect(matched.body.matches[0]).toMatchObject({ access: refused, accountUuids: [] });
    expect(released.status).toBe(403);
    expect(released.body.error.details.access).toEqual(refused);
    expect(used.status).toBe(403);
    expect(used.body.error.details.access).toEqual(refused);
    expect((await lastAudit('account.credential_used', fixture.account.uuid)).details).toEqual({ access: refused });
  });

  test('when reactivated, then its accounts are released again', async () => {
    const fixture = await applicationWithAccount();
    await setAccess(fixture, { isActive: false });

    await setAccess(fixture, { isActive: true });

    expect((await user.api.get(`/api/v1/accounts/${fixture.account.uuid}`)).status).toBe(200);
    expect((await match(fixture.url)).body.matches[0].accountUuids).toEqual([fixture.account.uuid]);
  });
});

describe('several API processes', () => {
  test('when an admin declines on one process, then another process refuses the very next request', async () => {
    // A second process: its own app instance on the same database and secrets.
    const { t } = world;
    const second = createApp({ config: t.config, db: t.db, logger: createLogger({ level: 'silent' }), secrets: t.secrets, clock: () => t.clock.now() });
    const fixture = await applicationWithAccount();
    const onSecond = authed(request(second), user.accessToken);
    expect((await onSecond.post(`/api/v1/accounts/${fixture.account.uuid}/used`).send({})).status).toBe(200);

    await setAccess(fixture, { access: 'declined' });
    const response = await onSecond.post(`/api/v1/accounts/${fixture.account.uuid}/used`).send({});

    expect(response.status).toBe(403);
    expect(response.body.error.details.access.value).toBe(declinedValue);
  });
});
